// `diff`: for each hand-made variant of CMM-607 (tests/policies/), exactly the
// textual changes made and only regions the change explains, every witness
// decided differently by `evaluate --policy OLD` and `--policy NEW`, every
// difference a seeded random search finds inside a reported region; no
// difference for a policy and itself or a reformatted copy; a diff across
// vocabularies (the second policy's version 2); --exit-code.
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>
#include <random>
#include <set>
#include <tuple>

#include "model/case_generator.h"
#include "model/case_reader.h"
#include "model/case_writer.h"
#include "model/evaluator.h"
#include "solver/policy_differ.h"
#include "support/run.h"

using pp::model::Decision;
using pp::model::Tri;

namespace {

pp::solver::Limits test_limits() {
  pp::solver::Limits l;
  l.timeout_ms = 0;
  l.rlimit = 50'000'000;
  return l;
}
const char* kLimitFlags = "--timeout 0 --rlimit 50000000";

const std::string kBase = "tests/policies/cmm-607-base.yaml";
std::string variant(const std::string& name) { return "tests/policies/cmm-607-" + name + ".yaml"; }

using Change = std::tuple<std::string, std::string, std::string>;  // what, id, change

std::set<Change> changes_of(const std::vector<pp::model::TextChange>& cs) {
  std::set<Change> out;
  for (const auto& c : cs) out.emplace(c.what, c.id, c.change);
  return out;
}

std::set<Change> criterion_changes(const std::string& id, std::initializer_list<const char*> kinds) {
  std::set<Change> out;
  for (const char* k : kinds) out.emplace("criterion", id, k);
  return out;
}

std::set<Change> operator+(std::set<Change> a, const std::set<Change>& b) {
  a.insert(b.begin(), b.end());
  return a;
}

// The criteria (id, before, after) whose values differ between the versions
// on a case, both versions having them.
using Pattern = std::set<std::tuple<std::string, bool, bool>>;
Pattern two_sided(const pp::solver::Region& r) {
  Pattern p;
  for (const auto& c : r.criteria)
    if (c.before && c.after) p.emplace(c.id, *c.before, *c.after);
  return p;
}

struct Diffed {
  std::shared_ptr<const pp::model::Policy> before, after;
  pp::solver::PolicyDiff diff;
};

Diffed run_diff(const std::string& a, const std::string& b) {
  Diffed d;
  d.before = pp::model::load_policy_file(a);
  d.after = pp::model::load_policy_file(b);
  d.diff = pp::solver::diff_policies(d.before, d.after, test_limits());
  return d;
}

// Every region's witness: read back strictly in each version's vocabulary and
// evaluated concretely, the decisions and the criteria values are the region's.
void check_regions(const Diffed& d) {
  pp::model::Evaluator eo(*d.before), en(*d.after);
  for (const auto& r : d.diff.decisions.regions) {
    INFO(r.witness.case_id);
    CHECK(r.before != r.after);
    const pp::model::Case& wn = r.witness_after ? *r.witness_after : r.witness;
    pp::model::Case a = pp::model::CaseReader(*d.before).read(pp::model::write_case_json(d.before->vocab, r.witness), "old.json");
    pp::model::Case b = pp::model::CaseReader(*d.after).read(pp::model::write_case_json(d.after->vocab, wn), "new.json");
    auto va = eo.evaluate(a), vb = en.evaluate(b);
    CHECK(pp::model::decision_of(va.decision) == r.before);
    CHECK(pp::model::decision_of(vb.decision) == r.after);
    for (const auto& c : r.criteria) {
      INFO(c.id);
      if (c.before) CHECK(va.criteria[static_cast<size_t>(d.before->find_criterion(c.id))] == (*c.before ? Tri::True : Tri::False));
      if (c.after) CHECK(vb.criteria[static_cast<size_t>(d.after->find_criterion(c.id))] == (*c.after ? Tri::True : Tri::False));
      if (c.before && c.after) CHECK(*c.before != *c.after);
    }
  }
}

// Seeded random cases, and random mutations of every witness (the
// neighbourhood where other regions would hide): every case the two versions
// decide differently falls in a reported region (same vocabulary only).
void check_coverage(const Diffed& d, std::uint64_t seed) {
  pp::model::GeneratorOptions go;
  go.seed = seed;
  go.member_rate = 0.15;
  pp::model::CaseGenerator gen(*d.before, go);
  pp::model::Evaluator eo(*d.before), en(*d.after);
  std::set<std::pair<Decision, Pattern>> regions;
  for (const auto& r : d.diff.decisions.regions) regions.emplace(r.before, two_sided(r));
  int differing = 0;
  auto check_case = [&](const pp::model::Case& c) {
    auto va = eo.evaluate(c), vb = en.evaluate(c);
    for (const auto& rel : d.before->relations)
      if (eo.eval(rel.expr, c, va) != Tri::True) return;  // not a case
    if (va.decision == vb.decision) return;
    ++differing;
    Pattern p;
    for (size_t i = 0; i < d.before->criteria.size(); ++i) {
      int j = d.after->find_criterion(d.before->criteria[i].id);
      if (j >= 0 && va.criteria[i] != vb.criteria[static_cast<size_t>(j)])
        p.emplace(d.before->criteria[i].id, va.criteria[i] == Tri::True, vb.criteria[static_cast<size_t>(j)] == Tri::True);
    }
    INFO(pp::model::write_case_json(d.before->vocab, c));
    REQUIRE(regions.count({pp::model::decision_of(va.decision), p}) == 1);
  };
  for (int n = 0; n < pp::test::scaled(20000); ++n) check_case(gen.next());
  const auto& v = d.before->vocab;
  std::mt19937_64 rng(seed);
  for (const auto& r : d.diff.decisions.regions)
    for (int n = 0; n < pp::test::scaled(3000); ++n) {
      pp::model::Case c = r.witness;
      for (int k = 1 + static_cast<int>(rng() % 3); k > 0; --k) {
        size_t a = rng() % v.atoms.size();
        const auto& atom = v.atoms[a];
        const auto& fact = v.facts[static_cast<size_t>(atom.fact)];
        switch (atom.type) {
          case pp::model::AtomType::Bool: c.value[a] = c.value[a] != 0 ? 0 : 1; break;
          case pp::model::AtomType::Enum: c.value[a] = static_cast<double>(rng() % fact.values.size()); break;
          case pp::model::AtomType::Number: {
            const auto& b = gen.boundaries(static_cast<int>(a));
            if (!b.empty()) c.value[a] = b[rng() % b.size()];
            break;
          }
        }
      }
      bool some_level = false;  // the case format: at least one level
      for (int a : v.facts[static_cast<size_t>(v.find_fact("request.levels"))].atoms) some_level |= c.value[static_cast<size_t>(a)] != 0;
      if (some_level) check_case(c);
    }
  INFO("differing cases: " << differing);
  CHECK(differing > 0);
}

// `evaluate --policy OLD` and `--policy NEW` confirm every region of the JSON output.
void check_cli(const std::string& a, const std::string& b, int expected_regions) {
  auto r = pp::test::run("diff " + a + " " + b + " --format json --exit-code " + kLimitFlags);
  INFO(r.err);
  CHECK(r.exit_code == (expected_regions ? 1 : 0));
  auto j = nlohmann::json::parse(r.out);
  CHECK(j["complete"] == true);
  CHECK(j["decisions_differ"] == (expected_regions > 0));
  CHECK(static_cast<int>(j["regions"].size()) == expected_regions);
  for (const auto& reg : j["regions"]) {
    for (const auto& [which, policy, decision] :
         {std::make_tuple("witness", a, reg["before"]),
          std::make_tuple(reg.contains("witness_after") ? "witness_after" : "witness", b, reg["after"])}) {
      std::string file = pp::test::temp_path("region.json");
      pp::test::spit(file, reg[which].dump());
      auto e = pp::test::run("evaluate --format json " + file + " --policy " + policy);
      std::remove(file.c_str());
      INFO(e.err);
      REQUIRE(e.exit_code == 0);
      CHECK(nlohmann::json::parse(e.out)["decision"] == decision);
    }
  }
  auto plain = pp::test::run("diff " + a + " " + b + " " + kLimitFlags);
  CHECK(plain.exit_code == 0);  // without --exit-code, differences are not a failure
}

int levels_requested(const pp::model::Policy& p, const pp::model::Case& c, const std::string& from, const std::string& to) {
  const auto& f = p.vocab.facts[static_cast<size_t>(p.vocab.find_fact("request.levels"))];
  bool in = false;
  int n = 0;
  for (size_t k = 0; k < f.values.size(); ++k) {
    if (f.values[k] == from) in = true;
    if (in && c.value[static_cast<size_t>(f.atoms[k])] != 0) ++n;
    if (f.values[k] == to) in = false;
  }
  return n;
}

}  // namespace

TEST_CASE("diff: the level cap raised to three", "[diff]") {
  Diffed d = run_diff(kBase, variant("three-levels"));
  CHECK(changes_of(d.diff.changes) == (std::set<Change>{{"policy", "version", "changed"}} +
                                       criterion_changes("IN.ASP.levels", {"title", "reworded", "condition"}) +
                                       criterion_changes("IN.NM.levels", {"title", "reworded", "condition"})));
  REQUIRE(d.diff.decisions.complete);
  REQUIRE_FALSE(d.diff.decisions.regions.empty());
  for (const auto& r : d.diff.decisions.regions) {
    INFO(r.witness.case_id);
    CHECK(r.before == Decision::NotMedicallyNecessary);
    CHECK(r.after == Decision::MedicallyNecessary);
    bool redefined = false;
    for (const auto& c : r.criteria) {
      CHECK((c.id.rfind("IN.ASP", 0) == 0 || c.id.rfind("IN.NM", 0) == 0));
      redefined |= c.redefined;
    }
    CHECK(redefined);
    // Exactly three levels, all of T5-L5: what the new cap allows and the old one does not.
    CHECK(levels_requested(*d.before, r.witness, "C1", "coccyx") == 3);
    CHECK(levels_requested(*d.before, r.witness, "T5", "L5") == 3);
  }
  check_regions(d);
  check_coverage(d, 3);
  check_cli(kBase, variant("three-levels"), static_cast<int>(d.diff.decisions.regions.size()));
}

TEST_CASE("diff: the osteoporosis-program criterion removed", "[diff]") {
  Diffed d = run_diff(kBase, variant("no-osteoporosis-program"));
  CHECK(changes_of(d.diff.changes) == (std::set<Change>{{"policy", "version", "changed"}} +
                                       criterion_changes("IN.NM.osteoporosis_program", {"removed"}) +
                                       criterion_changes("IN.NM", {"condition"})));
  REQUIRE(d.diff.decisions.complete);
  REQUIRE(d.diff.decisions.regions.size() == 1);
  const auto& r = d.diff.decisions.regions[0];
  CHECK(r.before == Decision::NotMedicallyNecessary);
  CHECK(r.after == Decision::MedicallyNecessary);
  bool removed_named = false;
  for (const auto& c : r.criteria) removed_named |= c.id == "IN.NM.osteoporosis_program" && c.before == false && !c.after;
  CHECK(removed_named);
  const auto& v = d.before->vocab;
  CHECK(r.witness.value[static_cast<size_t>(v.find_atom("imaging.findings.osteoporotic_vcf"))] == 1);
  CHECK(r.witness.value[static_cast<size_t>(v.find_atom("osteoporosis_program_enrolled"))] == 0);
  check_regions(d);
  check_coverage(d, 5);
  check_cli(kBase, variant("no-osteoporosis-program"), 1);
}

TEST_CASE("diff: T4 allowed", "[diff]") {
  Diffed d = run_diff(kBase, variant("t4-allowed"));
  CHECK(changes_of(d.diff.changes) == (std::set<Change>{{"policy", "version", "changed"}} +
                                       criterion_changes("IN.ASP.levels", {"title", "reworded", "condition"}) +
                                       criterion_changes("IN.NM.levels", {"title", "reworded", "condition"}) +
                                       criterion_changes("NI.upper_thoracic", {"title", "reworded", "condition"})));
  REQUIRE(d.diff.decisions.complete);
  REQUIRE_FALSE(d.diff.decisions.regions.empty());
  for (const auto& r : d.diff.decisions.regions) {
    INFO(r.witness.case_id);
    CHECK(r.before == Decision::NotMedicallyNecessary);
    CHECK(r.after == Decision::MedicallyNecessary);
    // T4 is what changed: every witness requests T4 and nothing above it in T1-T3.
    CHECK(levels_requested(*d.before, r.witness, "T4", "T4") == 1);
    CHECK(levels_requested(*d.before, r.witness, "T1", "T3") == 0);
    bool upper = false;
    for (const auto& c : r.criteria) upper |= c.id == "NI.upper_thoracic" && c.before == true && c.after == false;
    CHECK(upper);
  }
  check_regions(d);
  check_coverage(d, 7);
  check_cli(kBase, variant("t4-allowed"), static_cast<int>(d.diff.decisions.regions.size()));
}

TEST_CASE("diff: a policy and itself, or a reformatted copy, do not differ", "[diff]") {
  for (const auto& [a, b] : std::vector<std::pair<std::string, std::string>>{
           {kBase, kBase},
           {kBase, variant("reformatted")},
           {"model/policies/cmm-607.yaml", "model/policies/cmm-607.yaml"},
           {"tests/policies/demo-bvn-ablation.yaml", "tests/policies/demo-bvn-ablation.yaml"}}) {
    INFO(a << " vs " << b);
    Diffed d = run_diff(a, b);
    CHECK(d.diff.changes.empty());
    CHECK(d.diff.decisions.complete);
    CHECK(d.diff.decisions.regions.empty());
    auto r = pp::test::run("diff " + a + " " + b + " --exit-code " + kLimitFlags);
    CHECK(r.exit_code == 0);
    CHECK(r.out.find("no textual changes") != std::string::npos);
    CHECK(r.out.find("decisions: the same on every case") != std::string::npos);
  }
  // The reformatted copy really is laid out differently.
  CHECK(pp::test::slurp(kBase) != pp::test::slurp(variant("reformatted")));
}

TEST_CASE("diff across vocabularies: the second policy's version 2", "[diff]") {
  const std::string a = "tests/policies/demo-bvn-ablation.yaml", b = "tests/policies/demo-bvn-ablation-v2.yaml";
  Diffed d = run_diff(a, b);
  CHECK(changes_of(d.diff.changes) == (std::set<Change>{{"policy", "version", "changed"},
                                                        {"fact", "imaging.mri_age_months", "added"},
                                                        {"fact", "request.technique", "changed"}} +
                                       criterion_changes("IN.recent_mri", {"added"}) +
                                       criterion_changes("IN.standard", {"condition"}) +
                                       criterion_changes("IN.severe", {"condition"})));
  REQUIRE(d.diff.decisions.complete);
  REQUIRE_FALSE(d.diff.decisions.regions.empty());
  for (const auto& r : d.diff.decisions.regions) {
    CHECK(r.before == Decision::MedicallyNecessary);
    CHECK(r.after == Decision::NotMedicallyNecessary);
    REQUIRE(r.witness_after);  // the new vocabulary has a fact the old one lacks
    const auto& nv = d.after->vocab;
    CHECK(r.witness_after->value[static_cast<size_t>(nv.find_atom("imaging.mri_age_months"))] > 12);
    bool added_named = false;
    for (const auto& c : r.criteria) added_named |= c.id == "IN.recent_mri" && !c.before && c.after == false;
    CHECK(added_named);
  }
  check_regions(d);
  check_cli(a, b, static_cast<int>(d.diff.decisions.regions.size()));
}

TEST_CASE("diff: bad input exits 2 with one line", "[diff]") {
  auto r = pp::test::run("diff " + kBase + " no-such-policy.yaml");
  CHECK(r.exit_code == 2);
  CHECK(pp::test::count_lines(r.err) == 1);
  r = pp::test::run("diff " + kBase);
  CHECK(r.exit_code == 2);
}
