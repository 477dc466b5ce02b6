// `analyze`: every finding's witness replays (in process, after a trip through
// the case format, and through `policyproof evaluate`), every redundancy the
// analysis proves is confirmed by an independent check, CMM-607's expected
// findings are there, a broken policy gives errors and exit 1, and the text
// output matches the golden files.
#include <catch2/catch.hpp>
#include <algorithm>
#include <map>
#include <optional>
#include <nlohmann/json.hpp>
#include <regex>
#include <set>

#include "model/case_generator.h"
#include "model/case_reader.h"
#include "model/case_writer.h"
#include "model/evaluator.h"
#include "solver/policy_analyzer.h"
#include "solver/policy_differ.h"
#include "support/run.h"

using pp::model::Decision;
using pp::solver::Finding;
using pp::solver::Severity;

namespace {

pp::solver::Limits test_limits() {
  pp::solver::Limits l;
  l.timeout_ms = 0;  // deterministic: a resource limit only
  l.rlimit = 50'000'000;
  return l;
}
const char* kLimitFlags = "--timeout 0 --rlimit 50000000";

const std::string kDemo = "tests/policies/demo-bvn-ablation.yaml";
const std::string kBroken = "tests/policies/demo-bvn-ablation-broken.yaml";

struct Analyzed {
  std::shared_ptr<const pp::model::Policy> policy;
  pp::model::PolicySource source;
  pp::solver::Analysis analysis;
  std::map<std::string, std::shared_ptr<const pp::model::Policy>> readings;

  const pp::model::Policy& reading(const std::string& key) {
    auto it = readings.find(key);
    if (it != readings.end()) return *it->second;
    auto slash = key.find('/');
    for (const auto& a : policy->ambiguities)
      if (a.id == key.substr(0, slash))
        for (const auto& r : a.readings)
          if (r.id == key.substr(slash + 1)) return *(readings[key] = pp::solver::load_reading(source, r));
    FAIL("unknown reading " << key);
    throw std::logic_error("unreachable");
  }
};

Analyzed analyze(const std::string& path) {
  Analyzed a;
  a.source = pp::solver::policy_source(path);
  a.policy = path.empty() ? pp::model::load_bundled_policy() : pp::model::load_policy_file(path);
  a.analysis = pp::solver::analyze_policy(a.policy, a.source, test_limits());
  return a;
}

Analyzed& bundled() {
  static Analyzed a = analyze("");
  return a;
}

// Writes the case in the case format and reads it back strictly.
pp::model::Case round_trip(const pp::model::Policy& p, const pp::model::Case& c) {
  std::string json = pp::model::write_case_json(p.vocab, c);
  pp::model::CaseReader reader(p);
  pp::model::Case back = reader.read(json, c.case_id + ".json");
  for (size_t a = 0; a < c.known.size(); ++a) {
    INFO(p.vocab.atoms[a].name);
    CHECK(back.known[a] == c.known[a]);
    CHECK(back.value[a] == c.value[a]);
  }
  return back;
}

// Every witness shows what its finding claims, as given and after a trip
// through the case format.
void check_replays(Analyzed& a) {
  auto by_reading = [&](const std::string& k) -> const pp::model::Policy& { return a.reading(k); };
  int witnesses = 0;
  for (Finding f : a.analysis.findings) {
    INFO(f.kind << ": " << f.message);
    CHECK(pp::solver::replay_finding(f, *a.policy, by_reading) == "");
    if (f.witness) {
      ++witnesses;
      CHECK_FALSE(f.claims.empty());
      CHECK(f.witness->has_case_id);
      f.witness = round_trip(*a.policy, *f.witness);
    }
    if (f.contrast) f.contrast = round_trip(*a.policy, *f.contrast);
    CHECK(pp::solver::replay_finding(f, *a.policy, by_reading) == "");
  }
  CHECK(witnesses > 0);
}

// The policy with criterion `id` replaced by a constant (removed from its group).
std::shared_ptr<const pp::model::Policy> with_constant(const pp::model::Policy& p, const std::string& id, bool v) {
  auto copy = std::make_shared<pp::model::Policy>(p);
  auto& c = copy->criteria[static_cast<size_t>(p.find_criterion(id))];
  c.expr = pp::model::Expr::constant(v);
  c.combinator = pp::model::Combinator::Leaf;
  c.children.clear();
  return copy;
}

// A redundancy is a proof (no witness): confirm it with the differ's
// exhaustive region search and with seeded random cases, evaluated concretely.
void check_redundancies(Analyzed& a) {
  int checked = 0;
  for (const auto& f : a.analysis.findings) {
    if (f.kind != "redundant" && f.kind != "vacuous") continue;
    INFO(f.message);
    const std::string& id = f.criteria.at(0);
    const auto& c = a.policy->criterion(id);
    // Removed from an All group: replaced by true; from an Any list: by false.
    bool all_child = f.message.find("(all of)") != std::string::npos;
    auto removed = with_constant(*a.policy, id, all_child);
    auto d = pp::solver::diff_decisions(a.policy, removed, test_limits());
    CHECK(d.complete);
    CHECK(d.regions.empty());
    pp::model::GeneratorOptions go;
    go.seed = 607;
    go.member_rate = 0.3;
    pp::model::CaseGenerator gen(*a.policy, go);
    pp::model::Evaluator e1(*a.policy), e2(*removed);
    for (int n = 0; n < pp::test::scaled(3000); ++n) {
      auto k = gen.next();
      REQUIRE(e1.evaluate(k).decision == e2.evaluate(k).decision);
    }
    // The criteria named as the reason exist.
    for (const auto& other : f.criteria) CHECK(a.policy->find_criterion(other) >= 0);
    (void)c;
    ++checked;
  }
  CHECK(checked > 0);
}

const Finding* find(const Analyzed& a, const std::string& kind, const std::vector<std::string>& criteria,
                    const std::string& subject = "", std::optional<Severity> severity = std::nullopt) {
  for (const auto& f : a.analysis.findings) {
    if (f.kind != kind || (!subject.empty() && f.subject != subject)) continue;
    if (severity && f.severity != *severity) continue;
    bool all = true;
    for (const auto& c : criteria) all &= std::find(f.criteria.begin(), f.criteria.end(), c) != f.criteria.end();
    if (all) return &f;
  }
  return nullptr;
}

bool holds_atom(const pp::model::Policy& p, const pp::model::Case& c, const std::string& atom) {
  int a = p.vocab.find_atom(atom);
  return a >= 0 && c.known[static_cast<size_t>(a)] && c.value[static_cast<size_t>(a)] != 0;
}

std::string normalize(const std::string& s) {
  // The policy's hash and the Z3 model values of witnesses change without a
  // behaviour change; what a witness shows (the `shows` lines) is kept.
  std::string t = std::regex_replace(s, std::regex("[0-9a-f]{64}"), "<sha256>");
  return std::regex_replace(t, std::regex("(  (witness|contrast): )\\{[^\n]*\\}"), "$1{...}");
}

}  // namespace

TEST_CASE("every finding on CMM-607 replays through the concrete evaluator", "[analyze]") {
  check_replays(bundled());
}

TEST_CASE("every redundancy found in CMM-607 is confirmed independently", "[analyze]") {
  check_redundancies(bundled());
}

TEST_CASE("CMM-607: the findings the policy implies are there", "[analyze]") {
  Analyzed& a = bundled();
  const auto& p = *a.policy;
  CHECK(a.analysis.count(Severity::Error) == 0);
  for (const auto& f : a.analysis.findings) {
    INFO(f.message);
    CHECK_FALSE(f.kind == "incomplete");
    CHECK_FALSE(f.message.empty());
    for (const auto& c : f.criteria) CHECK(p.find_criterion(c) >= 0);
  }

  // Redundant: the waiver's imaging requirement, implied by IN.NM.findings
  // wherever the waiver matters (it matters only inside IN.NM).
  const Finding* imaging = find(a, "redundant", {"GG.urgent.imaging", "IN.NM.findings"});
  REQUIRE(imaging);
  CHECK(imaging->criteria[0] == "GG.urgent.imaging");
  CHECK(imaging->severity == Severity::Warning);
  // Exclusions implied by others through the domain relations.
  CHECK(find(a, "redundant", {"CI.osteomyelitis", "CI.active_infection"}));
  CHECK(find(a, "redundant", {"CI.herniated_disc", "NI.alt.radiculopathy_or_facet"}));

  // Conflicts: myeloma destruction (an indication) against extensive
  // vertebral destruction (a contraindication), shown on a myeloma case.
  const Finding* myeloma = find(a, "conflict", {"IN.MAL", "CI.extensive_destruction"}, "", Severity::Warning);
  REQUIRE(myeloma);
  REQUIRE(myeloma->witness);
  CHECK(holds_atom(p, *myeloma->witness, "imaging.findings.myeloma_destruction"));
  CHECK(holds_atom(p, *myeloma->witness, "contraindications.extensive_vertebral_destruction"));
  // The definition of mechanical kyphoplasty against the RF kyphoplasty and stenting exclusions.
  for (const char* x : {"NI.radiofrequency_kyphoplasty", "NI.stenting"}) {
    INFO(x);
    const Finding* d = find(a, "conflict", {x}, "definition: Mechanical Kyphoplasty");
    REQUIRE(d);
    REQUIRE(d->witness);
  }
  // Conflicts per pathway and category, each with a witness meeting the pathway and denied.
  int per_category = 0;
  for (const auto& f : a.analysis.findings)
    if (f.kind == "conflict" && f.severity == Severity::Info) {
      ++per_category;
      REQUIRE(f.witness);
      CHECK(f.claims.at(0).decision == Decision::NotMedicallyNecessary);
    }
  CHECK(per_category >= static_cast<int>(p.pathways.size()));

  // Every pair of pathways overlaps.
  for (size_t i = 0; i < p.pathways.size(); ++i)
    for (size_t j = i + 1; j < p.pathways.size(); ++j)
      CHECK(find(a, "overlap", {p.criteria[static_cast<size_t>(p.pathways[i])].id, p.criteria[static_cast<size_t>(p.pathways[j])].id}));

  // Gap: a case with no finding in any list is denied by the default rule only.
  const Finding* gap = find(a, "gap", {}, "no finding in any list");
  REQUIRE(gap);
  REQUIRE(gap->witness);
  for (const char* g : {"imaging.findings", "contraindications", "alternative_causes"}) {
    const auto& fact = p.vocab.facts[static_cast<size_t>(p.vocab.find_fact(g))];
    for (int at : fact.atoms) CHECK(gap->witness->value[static_cast<size_t>(at)] == 0);
  }

  // Every reading of every ambiguity is accounted for: either a witness per
  // region (decided differently under the two readings) or "no decision changes".
  for (const auto& amb : p.ambiguities)
    for (size_t r = 1; r < amb.readings.size(); ++r) {
      std::string key = amb.id + "/" + amb.readings[r].id;
      INFO(key);
      int n = 0;
      for (const auto& f : a.analysis.findings) {
        if (f.kind != "ambiguity" || f.subject != key) continue;
        ++n;
        if (f.severity == Severity::Warning) {
          REQUIRE(f.witness);
          REQUIRE(f.claims.size() == 2);
          CHECK(f.claims[0].reading.empty());
          CHECK(f.claims[1].reading == key);
          CHECK(f.claims[0].decision != f.claims[1].decision);
        } else {
          CHECK_FALSE(f.witness);
        }
      }
      CHECK(n >= 1);
    }
  // Decisions do not depend on the sacroplasty code under the literal reading,
  // but do under the code reading.
  CHECK(find(a, "ambiguity", {"NI.sacroplasty"}, "AMB.sacroplasty_cpt/code_means_sacroplasty"));

  // CPT: a code contradicting the levels it describes is approvable (the
  // policy never reads the codes), and so is a kyphoplasty code for a vertebroplasty.
  const Finding* levels = find(a, "cpt", {}, "a code requested with none of the levels it describes");
  REQUIRE(levels);
  REQUIRE(levels->witness);
  CHECK(levels->claims.at(0).decision == Decision::MedicallyNecessary);
  const Finding* technique = find(a, "cpt", {}, "a code requested for a technique it does not describe");
  REQUIRE(technique);
  CHECK(technique->message.find("22513") != std::string::npos);
  CHECK(find(a, "cpt", {}, "request.cpt"));
}

TEST_CASE("analyze and evaluate (the program) agree on every witness", "[analyze][cli]") {
  for (const std::string& policy : {std::string(""), kDemo}) {
    INFO(policy);
    std::string flag = policy.empty() ? "" : " --policy " + policy;
    auto loaded = policy.empty() ? pp::model::load_bundled_policy() : pp::model::load_policy_file(policy);
    auto r = pp::test::run("analyze --format json" + flag + " " + kLimitFlags);
    INFO(r.err);
    REQUIRE(r.exit_code == 0);
    auto j = nlohmann::json::parse(r.out);
    CHECK(j["summary"]["error"] == 0);
    REQUIRE(j["findings"].size() > 5);
    int replayed = 0;
    for (const auto& f : j["findings"]) {
      INFO(f.dump());
      CHECK(f["kind"].is_string());
      CHECK((f["severity"] == "error" || f["severity"] == "warning" || f["severity"] == "info"));
      CHECK(f["criteria"].is_array());
      CHECK(f["message"].is_string());
      for (const char* which : {"witness", "contrast"}) {
        if (!f.contains(which)) continue;
        std::string file = pp::test::temp_path("witness.json");
        pp::test::spit(file, f[which].dump());
        auto e = pp::test::run("evaluate --format json " + file + flag);
        std::remove(file.c_str());
        INFO(e.err);
        REQUIRE(e.exit_code == 0);
        auto ej = nlohmann::json::parse(e.out);
        std::map<std::string, bool> met;  // pathways by status, exclusions by being listed
        for (const auto& pw : ej["pathways"]) met[pw["id"]] = pw["status"] == "met";
        for (const auto& x : loaded->exclusions) met[loaded->criteria[static_cast<size_t>(x)].id] = false;
        for (const auto& x : ej["exclusions"]) met[x["id"]] = true;
        for (const auto& claim : f[std::string(which) == "witness" ? "claims" : "contrast_claims"]) {
          if (claim["reading"] != "encoded") continue;  // readings are replayed in process
          if (claim.contains("decision")) CHECK(ej["decision"] == claim["decision"]);
          for (auto& [id, v] : claim["criteria"].items())
            if (met.count(id)) CHECK(met[id] == v.get<bool>());
          ++replayed;
        }
      }
    }
    CHECK(replayed > 5);
  }
}

TEST_CASE("the second policy: every finding replays, redundancies are confirmed", "[analyze]") {
  Analyzed a = analyze(kDemo);
  check_replays(a);
  check_redundancies(a);
  CHECK(a.analysis.count(Severity::Error) == 0);
  CHECK(find(a, "redundant", {"IN.endplate", "IN.modic"}));    // the domain relation implies it
  CHECK(find(a, "redundant", {"NI.type3_only"}));              // both pathways rule it out
  CHECK(find(a, "redundant", {"NI.upper_levels"}));
  CHECK(find(a, "conflict", {"NI.cryoablation"}, "definition: Basivertebral Nerve Ablation"));
  CHECK(find(a, "ambiguity", {"IN.score"}, "AMB.moderate/five_or_more"));
  CHECK(find(a, "cpt", {}, "an add-on code requested without its primary code"));
}

TEST_CASE("a broken policy gives error findings and exit 1", "[analyze][cli]") {
  Analyzed a = analyze(kBroken);
  check_replays(a);
  CHECK(find(a, "dead", {"IN.severe"}));
  CHECK(find(a, "dead", {"IN.severe"})->severity == Severity::Error);
  // a dead criterion names the domain axiom it contradicts (the score's range)
  CHECK(find(a, "dead", {"IN.severe.score"})->message.find("contradicts (<= pain.score 10") != std::string::npos);
  CHECK(find(a, "always_met", {"CI.device"}));
  CHECK(find(a, "always_met", {"CI.device"})->severity == Severity::Error);
  CHECK(find(a, "dead", {"IN.standard"}));  // excluded whenever met: it never approves
  auto r = pp::test::run("analyze --policy " + kBroken + " " + kLimitFlags);
  CHECK(r.exit_code == 1);
  CHECK(r.out.find("error    IN.severe") != std::string::npos);
}

TEST_CASE("a resource limit leaves checks undecided, never passed or failed", "[analyze]") {
  pp::solver::Limits tiny;
  tiny.timeout_ms = 0;
  tiny.rlimit = 1;
  auto policy = pp::model::load_policy_file(kDemo);
  auto a = pp::solver::analyze_policy(policy, pp::solver::policy_source(kDemo), tiny);
  int incomplete = 0;
  for (const auto& f : a.findings) {
    incomplete += f.kind == "incomplete";
    CHECK(f.severity != Severity::Error);
  }
  CHECK(incomplete > 0);
}

TEST_CASE("usage errors of analyze exit 2 with one line", "[analyze][cli]") {
  auto r = pp::test::run("analyze --policy no-such-policy.yaml");
  CHECK(r.exit_code == 2);
  CHECK(pp::test::count_lines(r.err) == 1);
  r = pp::test::run("analyze --format yaml");
  CHECK(r.exit_code == 2);
}

TEST_CASE("golden: analyze text output", "[analyze][golden]") {
  std::string dir = std::string(PP_SOURCE_DIR) + "/tests/golden/analyze/";
  for (const auto& [name, flag] : std::vector<std::pair<std::string, std::string>>{
           {"cmm-607", ""}, {"demo-bvn-ablation", " --policy " + kDemo}}) {
    INFO(name);
    auto r = pp::test::run("analyze" + flag + " " + kLimitFlags);
    CHECK(r.exit_code == 0);
    CHECK(pp::test::matches_golden(dir + name + ".expected.txt", normalize(r.out)));
  }
}
