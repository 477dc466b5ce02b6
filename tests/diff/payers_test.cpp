// `diff` across payers: CMM-607 against Medicare LCD L34106 over one
// vocabulary. The verdict, the regions the issue names (each described by
// the few facts that define it, each witness replayed through both), a policy
// against itself, two policies sharing no fact (exit 2), and a corpus's flips
// by region with line numbers and a chart.
#include <catch2/catch.hpp>
#include <chrono>
#include <nlohmann/json.hpp>
#include <map>
#include <set>

#include "model/case_reader.h"
#include "model/case_writer.h"
#include "model/evaluator.h"
#include "solver/policy_differ.h"
#include "support/run.h"

namespace {

using pp::model::Decision;
using pp::model::Tri;

const std::string kLcd = std::string(PP_SOURCE_DIR) + "/model/policies/medicare-lcd-L34106.yaml";

struct Payers {
  std::shared_ptr<const pp::model::Policy> a, b;
  pp::solver::PolicyDiff diff;
  double seconds = 0;
};

const Payers& payers() {
  static Payers p = [] {
    Payers r;
    r.a = pp::model::load_bundled_policy();
    r.b = pp::model::load_policy_file(kLcd);
    auto t0 = std::chrono::steady_clock::now();
    r.diff = pp::solver::diff_policies(r.a, r.b);
    r.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    return r;
  }();
  return p;
}

// The region whose criteria ids are exactly `ids` (and decisions as given), or null.
const pp::solver::Region* find(const std::set<std::string>& ids, Decision a, Decision b) {
  for (const auto& r : payers().diff.decisions.regions) {
    std::set<std::string> got;
    for (const auto& c : r.criteria) got.insert(c.id);
    if (got == ids && r.before == a && r.after == b) return &r;
  }
  return nullptr;
}

double num(const pp::model::Policy& p, const pp::model::Case& c, const char* path) {
  int a = p.vocab.find_atom(path);
  REQUIRE(a >= 0);
  REQUIRE(c.known[a]);
  return c.value[a];
}

}  // namespace

TEST_CASE("payers: CMM-607 against L34106 is incomparable, found complete in under 5 s") {
  const auto& p = payers();
  CHECK(p.diff.decisions.payers);
  CHECK(p.diff.decisions.complete);
  CHECK(p.diff.decisions.verdict() == pp::solver::Verdict::Incomparable);
  CHECK(p.diff.changes.empty());
  CHECK(p.seconds < 5.0);  // the bound (measured here, not a benchmark)
}

TEST_CASE("payers: every region's witness replays through both concrete evaluators") {
  const auto& p = payers();
  pp::model::Evaluator ea(*p.a), eb(*p.b);
  pp::model::CaseReader ra(*p.a), rb(*p.b);
  REQUIRE(!p.diff.decisions.regions.empty());
  for (const auto& r : p.diff.decisions.regions) {
    // Written and read back strictly, as a user would run it.
    std::string text = pp::model::write_case_json(p.a->vocab, r.witness);
    auto ca = ra.read(text, "w.json");
    auto cb = rb.read(text, "w.json");
    auto va = ea.evaluate(ca), vb = eb.evaluate(cb);
    INFO(text);
    CHECK(pp::model::decision_of(va) == r.before);
    CHECK(pp::model::decision_of(vb) == r.after);
    CHECK(r.before != r.after);
    CHECK(!r.facts.empty());
    CHECK(r.criteria.size() <= 3);  // a few facts, not a case dump
    for (const auto& c : r.criteria) {
      const auto& pol = c.before ? *p.a : *p.b;
      const auto& ev = c.before ? va : vb;
      bool v = c.before ? *c.before : *c.after;
      CHECK(ev.criteria[pol.find_criterion(c.id)] == (v ? Tri::True : Tri::False));
    }
  }
}

TEST_CASE("payers: the regions the issue names") {
  const auto& p = payers();
  const auto MN = Decision::MedicallyNecessary, NMN = Decision::NotMedicallyNecessary;
  // T1-T4: covered by Medicare, barred by CMM-607 (its non-indication; the
  // malignant pathway has no level bound, so that is the only obstacle there).
  const auto* t14 = find({"NI.upper_thoracic"}, NMN, MN);
  REQUIRE(t14);
  CHECK(std::find(t14->facts.begin(), t14->facts.end(), "request.levels") != t14->facts.end());
  // A pregnant patient: barred by Medicare only.
  const auto* preg = find({"EX.2.a.iii"}, MN, NMN);
  REQUIRE(preg);
  CHECK(preg->facts == std::vector<std::string>{"pregnant"});
  // 13-26 weeks: past Medicare's 12 weeks, CMM-607's subacute.
  const auto* old = find({"IN.1.a.age"}, MN, NMN);
  REQUIRE(old);
  double w = num(*p.a, old->witness, "pain.duration_weeks");
  CHECK(w > 12);
  CHECK(w <= 26);
  // Three levels: Medicare allows up to three, CMM-607 two.
  const auto* three = find({"IN.NM.levels"}, NMN, MN);
  REQUIRE(three);
  // Anticoagulation therapy: a CMM-607 contraindication, not Medicare's.
  REQUIRE(find({"CI.anticoagulation"}, NMN, MN));
  // The osteoporosis program: CMM-607 wants enrolment, Medicare referral and instruction.
  REQUIRE(find({"IN.NM.osteoporosis_program"}, NMN, MN));
  REQUIRE(find({"IN.1.c.i"}, MN, NMN));
  REQUIRE(find({"IN.1.c.ii"}, MN, NMN));
  // Out of scope for Medicare, covered by CMM-607 (a malignant fracture).
  bool oos = false;
  for (const auto& r : p.diff.decisions.regions) oos |= r.before == MN && r.after == Decision::OutOfScope;
  CHECK(oos);
}

TEST_CASE("payers: exactly 6 weeks is CMM-607's acute and Medicare's subacute") {
  // Medicare covers both alike, so at 6 weeks what differs is CMM-607's acute
  // requirements: a region whose witness may sit at 6 weeks. Check the point
  // directly through both evaluators: 6 weeks reads acute in A, subacute in B.
  const auto& p = payers();
  auto j = nlohmann::json::parse(pp::test::slurp(std::string(PP_SOURCE_DIR) + "/model/policies/medicare-lcd-L34106.example-case.json"));
  j["pain"]["duration_weeks"] = 6;
  pp::model::CaseReader ra(*p.a), rb(*p.b);
  auto va = pp::model::Evaluator(*p.a).evaluate(ra.read(j.dump(), "c.json"));
  auto vb = pp::model::Evaluator(*p.b).evaluate(rb.read(j.dump(), "c.json"));
  CHECK(va.criteria[p.a->find_criterion("IN.NM.acute.duration")] == Tri::True);
  CHECK(va.criteria[p.a->find_criterion("IN.NM.subacute.duration")] == Tri::False);
  CHECK(vb.criteria[p.b->find_criterion("IN.1.a.acute")] == Tri::False);
  CHECK(vb.criteria[p.b->find_criterion("IN.1.a.subacute")] == Tri::True);
  // The course region (CMM-607's acute/subacute unmet, Medicare covers) holds 6-week cases.
  const auto* course = find({"IN.NM.course"}, Decision::NotMedicallyNecessary, Decision::MedicallyNecessary);
  REQUIRE(course);
  // And the CLI's diff says so in its corpus mode, line by line (below).
}

TEST_CASE("payers: a policy against itself is equivalent, two policies sharing no fact exit 2") {
  auto self = pp::test::run("diff L34106 L34106 --format json --exit-code");
  CHECK(self.exit_code == 0);
  CHECK(nlohmann::json::parse(self.out)["verdict"] == "equivalent");
  auto text = pp::test::run("diff CMM-607 L34106");
  CHECK(text.exit_code == 0);
  CHECK(text.out.rfind("verdict: incomparable\n", 0) == 0);
  auto none = pp::test::run("diff CMM-607 tests/policies/demo-bvn-ablation.yaml --exit-code");
  CHECK(none.exit_code == 2);
  CHECK(none.err.find("share no case: `request.technique`") != std::string::npos);
  CHECK(pp::test::count_lines(none.err) == 1);
  auto unrelated = pp::test::run("diff CMM-607 tests/policies/unrelated.yaml --format json");
  CHECK(unrelated.exit_code == 2);
  CHECK(unrelated.out.empty());
  CHECK(unrelated.err.find("share no fact") != std::string::npos);
  CHECK(pp::test::count_lines(unrelated.err) == 1);
}

TEST_CASE("payers: a corpus streamed through both, flips by region with line numbers, and a chart") {
  auto base = nlohmann::json::parse(
      pp::test::slurp(std::string(PP_SOURCE_DIR) + "/model/policies/medicare-lcd-L34106.example-case.json"));
  // A case both approve: Medicare's example, at L1, enrolled, with CMM-607's facts.
  auto both = base;
  both["request"]["levels"] = {"L1"};
  both["request"]["cpt"] = nlohmann::json::array({{{"code", "22514"}, {"units", 1}}});
  both["osteoporosis_program_enrolled"] = true;
  both["pain"]["prevents_transfers_or_ambulation"] = true;
  both["pain"]["correlates_with_fracture_level"] = true;
  both["pain"]["duration_weeks"] = 3;
  both["purpose"] = {{"facilitate_fusion", false}, {"prophylactic_osteoporosis", false}};
  both["urgent"] = nlohmann::json::array();
  both["alternative_causes"] = nlohmann::json::array();
  both["conservative_care"] = {{"optimal_nsm", true}, {"analgesic_weeks", 0}, {"analgesics_contraindicated", false},
                               {"exercise_weeks", 0}, {"exercise_contraindicated", false}, {"meaningful_improvement", false}};
  auto pregnant = both;
  pregnant["pregnant"] = true;
  auto t3 = both;
  t3["request"]["levels"] = {"T3"};
  t3["request"]["cpt"] = nlohmann::json::array({{{"code", "22513"}, {"units", 1}}});
  std::string corpus = both.dump() + "\n" + pregnant.dump() + "\n\n" + t3.dump() + "\n" + pregnant.dump() + "\n";
  std::string path = pp::test::temp_path("corpus.jsonl"), svg = pp::test::temp_path("flips.svg");
  pp::test::spit(path, corpus);
  auto r = pp::test::run("diff CMM-607 L34106 --format json --cases " + path + " --chart " + svg);
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  auto j = nlohmann::json::parse(r.out);
  const auto& c = j["cases"];
  CHECK(c["total"] == 4);
  CHECK(c["a_only"] == 2);
  CHECK(c["b_only"] == 1);
  std::map<std::string, std::vector<long>> lines;
  for (const auto& br : c["by_region"]) {
    const auto& reg = j["regions"][br["region"].get<int>() - 1];
    std::set<std::string> sorted;
    for (const auto& cr : reg["criteria"]) sorted.insert(cr["id"].get<std::string>());
    std::string ids;
    for (const auto& id : sorted) ids += id + " ";
    lines[ids] = br["flips"]["lines"].get<std::vector<long>>();
  }
  CHECK(lines["EX.2.a.iii "] == std::vector<long>{2, 5});
  // The osteoporotic T3 case: CMM-607's T1-T4 non-indication and its T5-L5
  // levels at once, a pair of regions.
  bool t3_pair = false;
  for (const auto& bp : c["by_pair"]) {
    std::set<std::string> ids;
    for (int r : bp["regions"]) for (const auto& cr : j["regions"][r - 1]["criteria"]) ids.insert(cr["id"]);
    if (ids == std::set<std::string>{"NI.upper_thoracic", "IN.NM.levels"})
      t3_pair = bp["flips"]["lines"].get<std::vector<long>>() == std::vector<long>{4};
  }
  CHECK(t3_pair);
  std::string chart = pp::test::slurp(svg);
  CHECK(chart.rfind("<svg", 0) == 0);
  CHECK(chart.find("pregnancy") != std::string::npos);
  // On several threads (one line a chunk, so every thread has lines), the
  // same counts and line numbers as one pass.
  std::string many;
  for (int k = 0; k < 300; ++k) many += corpus;
  pp::test::spit(path, many);
  auto one = pp::test::run("diff CMM-607 L34106 --format json --jobs 1 --cases " + path);
  auto four = pp::test::run("diff CMM-607 L34106 --format json --jobs 4 --cases " + path);
  REQUIRE(one.exit_code == 0);
  CHECK(four.exit_code == 0);
  CHECK(four.out == one.out);
  CHECK(nlohmann::json::parse(one.out)["cases"]["total"] == 1200);
  // The first bad line in input order ends the run, whatever thread read it.
  pp::test::spit(path, many + "{\"case_id\": 7}\n" + many + "{bad\n");
  auto bad = pp::test::run("diff CMM-607 L34106 --jobs 4 --cases " + path);
  CHECK(bad.exit_code == 2);
  CHECK(bad.err == path + ":1501: case_id: error: expected a string, got a number\n");
  std::remove(path.c_str());
  std::remove(svg.c_str());
}
