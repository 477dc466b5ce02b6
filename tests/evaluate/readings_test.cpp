// Readings as data (Policy::under), decisions that rest on an open reading
// (ReadingChecker), reasons a reviewer can read (build_why) and billing
// warnings, on hand-decided cases from the policy text (CMM-607 v1.0.2026).
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <random>
#include <set>

#include "model/billing_check.h"
#include "model/case_reader.h"
#include "model/diagnostic.h"
#include "model/evaluator.h"
#include "model/reading_deltas.h"
#include "model/reason_builder.h"
#include "solver/case_engine.h"
#include "solver/case_space.h"
#include "solver/reading_checker.h"

using nlohmann::json;
using pp::model::Decision;
using pp::model::Policy;

namespace {

const Decision MN = Decision::MedicallyNecessary;
const Decision NMN = Decision::NotMedicallyNecessary;

json acute_nm() {
  return json::parse(R"({
    "case_id": "acute-nm",
    "request": {"technique": "balloon_kyphoplasty", "levels": ["L1"], "fda_approved_materials": true,
                "cpt": [{"code": "22514", "units": 1}]},
    "purpose": {"facilitate_fusion": false, "prophylactic_osteoporosis": false},
    "imaging": {"concordant": true, "findings": ["osteoporotic_vcf"]},
    "pain": {"daily_functional_impairment": true, "duration_weeks": 3,
             "prevents_transfers_or_ambulation": true, "correlates_with_fracture_level": true},
    "urgent": [],
    "conservative_care": {"analgesic_weeks": 0, "analgesics_contraindicated": false,
                          "exercise_weeks": 0, "exercise_contraindicated": false,
                          "meaningful_improvement": false},
    "osteoporosis_program_enrolled": true,
    "alternative_causes": [],
    "contraindications": []})");
}

json subacute_nm(double weeks, double analgesic_weeks = 4) {
  json c = acute_nm();
  c["pain"]["duration_weeks"] = weeks;
  c["pain"]["prevents_transfers_or_ambulation"] = false;
  c["conservative_care"]["analgesic_weeks"] = analgesic_weeks;
  c["conservative_care"]["exercise_weeks"] = 4;
  return c;
}

json surgical() {
  json c = acute_nm();
  c["purpose"]["facilitate_fusion"] = true;
  c["request"]["technique"] = "vertebroplasty";
  c["request"]["levels"] = json::array({"L2", "L3"});
  c["request"]["cpt"] = json::array({json{{"code", "22511"}, {"units", 1}}, json{{"code", "22512"}, {"units", 1}}});
  c["imaging"]["concordant"] = false;
  c["imaging"]["findings"] = json::array();
  c["pain"]["daily_functional_impairment"] = false;
  return c;
}

pp::model::Case read(const Policy& p, const json& j) { return pp::model::CaseReader(p).read(j.dump(), "case.json"); }

Decision decide(const Policy& p, const json& j) {
  return pp::model::decision_of(pp::model::Evaluator(p).evaluate(read(p, j)).decision);
}

// "AMB.x=reading" for each reading the case would be decided otherwise under.
std::set<std::string> depends(const std::shared_ptr<const Policy>& p, const json& j) {
  auto c = read(*p, j);
  pp::solver::CaseEngine engine(p);
  auto r = engine.evaluate(c);
  std::vector<pp::solver::ReadingDependence> deps;
  pp::solver::ReadingChecker(p).depends_on(c, r, deps);
  std::set<std::string> out;
  for (const auto& d : deps) {
    auto l = pp::solver::label_of(*p, d);
    out.insert(l.ambiguity + "=" + l.reading + ":" + pp::model::to_string(d.decision));
  }
  return out;
}

std::vector<pp::model::WhyItem> why(const Policy& p, const json& j) {
  auto c = read(p, j);
  pp::model::Evaluator ev(p);
  ev.close_under_relations(c);
  auto e = ev.evaluate(c);
  return pp::model::build_why(p, c, e, pp::model::decision_of(e.decision));
}

const std::string& id_of(const Policy& p, const pp::model::WhyItem& w) {
  static const std::string none = "(none)";
  return w.criterion < 0 ? none : p.criteria[static_cast<size_t>(w.criterion)].id;
}

pp::solver::Limits test_limits() {
  pp::solver::Limits l;
  l.timeout_ms = 0;
  l.rlimit = 50'000'000;
  return l;
}

}  // namespace

TEST_CASE("Policy::under swaps in a reading's conditions, parsed once", "[readings]") {
  auto p = pp::model::load_bundled_policy();
  auto cal = p->find_ambiguity("AMB.six_months");
  REQUIRE(cal);
  CHECK(cal->chosen == "calendar");
  auto w26 = p->under({{"AMB.six_months", "twenty_six_weeks"}});
  CHECK(w26->find_ambiguity("AMB.six_months")->chosen == "twenty_six_weeks");
  CHECK(w26->criterion("NI.chronic_pain.longstanding").when_source == "pain.duration_weeks > 26");
  CHECK(w26->sha256 != p->sha256);
  CHECK(w26->readings_in_force() == std::vector<std::string>{"AMB.six_months=twenty_six_weeks"});
  // and back: the encoded reading carries the encoded condition
  auto back = w26->under({{"AMB.six_months", "calendar"}});
  CHECK(back->criterion("NI.chronic_pain.longstanding").when_source == p->criterion("NI.chronic_pain.longstanding").when_source);
  CHECK(decide(*back, subacute_nm(26.05)) == MN);
  // the original is untouched
  CHECK(p->find_ambiguity("AMB.six_months")->chosen == "calendar");
  // errors name the known ones
  try {
    p->under({{"AMB.nope", "x"}});
    FAIL("expected an error");
  } catch (const pp::model::DiagnosticError& e) {
    CHECK_THAT(e.diagnostic().str(), Catch::Contains("unknown ambiguity `AMB.nope`") && Catch::Contains("AMB.six_months"));
  }
  try {
    p->under({{"AMB.six_months", "lunar"}});
    FAIL("expected an error");
  } catch (const pp::model::DiagnosticError& e) {
    CHECK_THAT(e.diagnostic().str(), Catch::Contains("no reading `lunar`") && Catch::Contains("twenty_six_weeks"));
  }
}

TEST_CASE("6 months are calendar months (26.09 weeks), other readings are warned about", "[readings]") {
  auto p = pp::model::load_bundled_policy();
  CHECK(decide(*p, subacute_nm(26)) == MN);
  CHECK(decide(*p, subacute_nm(26.05)) == MN);  // over 26 weeks, not over 6 months
  CHECK(decide(*p, subacute_nm(26.08)) == MN);
  CHECK(decide(*p, subacute_nm(26.09)) == NMN);
  CHECK(depends(p, subacute_nm(26.05)) ==
        std::set<std::string>{"AMB.six_months=twenty_six_weeks:not_medically_necessary",
                              "AMB.six_months=four_week_months:not_medically_necessary"});
  CHECK(depends(p, subacute_nm(25)) == std::set<std::string>{"AMB.six_months=four_week_months:not_medically_necessary"});
  CHECK(depends(p, subacute_nm(24)).empty());
  CHECK(depends(p, subacute_nm(26.09)).count("AMB.chronic_trigger=prophylactic_only:medically_necessary"));
  CHECK(depends(p, subacute_nm(20)).empty());
  auto w26 = p->under({{"AMB.six_months", "twenty_six_weeks"}});
  CHECK(decide(*w26, subacute_nm(26.05)) == NMN);
  CHECK(depends(w26, subacute_nm(26.05)) ==
        std::set<std::string>{"AMB.six_months=calendar:medically_necessary",
                              "AMB.chronic_trigger=prophylactic_only:medically_necessary"});
}

TEST_CASE("readings revisited: hemangioma, herniated disc, stabilization, sacroplasty codes", "[readings]") {
  auto p = pp::model::load_bundled_policy();
  // augmentation for an osteoporotic fracture beside an incidental non-aggressive hemangioma
  json c = acute_nm();
  c["imaging"]["findings"] = json::array({"osteoporotic_vcf", "non_aggressive_hemangioma"});
  CHECK(decide(*p, c) == MN);
  CHECK(depends(p, c) == std::set<std::string>{"AMB.hemangioma_scope=any_presence:not_medically_necessary"});
  CHECK(decide(*p->under({{"AMB.hemangioma_scope", "any_presence"}}), c) == NMN);
  c["imaging"]["findings"] = json::array({"non_aggressive_hemangioma"});  // the hemangioma is what would be treated
  CHECK(decide(*p, c) == NMN);
  CHECK(pp::model::applying_exclusions(*p, pp::model::Evaluator(*p).evaluate(read(*p, c))).size() == 1);

  // a case recording only the contraindication is accepted (no domain relation implies radiculopathy)
  c = acute_nm();
  c["contraindications"] = json::array({"herniated_disc_radiculopathy"});
  CHECK_NOTHROW(read(*p, c));
  CHECK(decide(*p, c) == NMN);
  for (const auto& r : p->relations) CHECK(r.id != "DR.herniated_disc_is_radiculopathy");

  // the fusion case: approved, but dead under the reading where the contraindication covers the fusion
  CHECK(decide(*p, surgical()) == MN);
  CHECK(depends(p, surgical()) == std::set<std::string>{"AMB.stabilization_scope=covers_planned_fusion:not_medically_necessary"});
  CHECK(decide(*p->under({{"AMB.stabilization_scope", "covers_planned_fusion"}}), surgical()) == NMN);

  // a sacroplasty code on an L4 vertebroplasty: approved (codes are billing), warned twice
  c = acute_nm();
  c["request"]["technique"] = "vertebroplasty";
  c["request"]["levels"] = json::array({"L4"});
  c["request"]["cpt"] = json::array({json{{"code", "0200T"}, {"units", 1}}});
  CHECK(decide(*p, c) == MN);
  CHECK(depends(p, c) == std::set<std::string>{"AMB.sacroplasty_cpt=code_means_sacroplasty:not_medically_necessary"});
  auto w = pp::model::billing_warnings(*p, read(*p, c));
  REQUIRE(w.size() >= 1);
  CHECK_THAT(w[0], Catch::Contains("0200T") && Catch::Contains("sacroplasty") && Catch::Contains("vertebroplasty"));
}

TEST_CASE("billing warnings: codes against technique, levels and units", "[billing]") {
  auto p = pp::model::load_bundled_policy();
  auto warnings = [&](const json& j) { return pp::model::billing_warnings(*p, read(*p, j)); };
  CHECK(warnings(acute_nm()).empty());
  CHECK(warnings(surgical()).empty());  // 22511 + 22512 for L2, L3
  json c = acute_nm();
  c["request"]["technique"] = "vertebroplasty";  // with a kyphoplasty code
  auto w = warnings(c);
  REQUIRE(w.size() == 1);
  CHECK_THAT(w[0], Catch::Contains("22514") && Catch::Contains("kyphoplasty") && Catch::Contains("`vertebroplasty`"));
  c = acute_nm();
  c["request"]["technique"] = "vertebroplasty";
  c["request"]["cpt"] = json::array({json{{"code", "22510"}, {"units", 1}}});  // cervicothoracic for L1
  w = warnings(c);
  REQUIRE(w.size() == 1);
  CHECK_THAT(w[0], Catch::Contains("22510") && Catch::Contains("none of the requested levels (L1"));
  c = acute_nm();
  c["request"]["levels"] = json::array({"L1", "L2"});
  c["request"]["cpt"] = json::array({json{{"code", "22514"}, {"units", 2}}});  // units, not an add-on
  w = warnings(c);
  REQUIRE(w.size() == 2);
  CHECK_THAT(w[0], Catch::Contains("2 units of primary codes"));
  CHECK_THAT(w[1], Catch::Contains("0 units of add-on codes") && Catch::Contains("expected 1"));
  c["request"]["cpt"] = json::array({json{{"code", "22514"}, {"units", 1}}, json{{"code", "22515"}, {"units", 1}}});
  CHECK(warnings(c).empty());
  c["request"]["cpt"] = json::array({json{{"code", "22514"}, {"units", 1}}, json{{"code", "22515"}, {"units", 2}}});
  CHECK(warnings(c).size() == 1);
  c.erase("request");  // no codes stated: nothing to say
  CHECK(warnings(c).empty());
}

TEST_CASE("why: exclusions first, then the closest pathway's unmet criteria with the case's values", "[why]") {
  auto p = pp::model::load_bundled_policy();
  json c = acute_nm();
  c["request"]["levels"] = json::array({"T4", "T5"});
  auto w = why(*p, c);
  REQUIRE(w.size() == 5);
  CHECK(w[0].role == pp::model::WhyRole::Exclusion);
  CHECK(id_of(*p, w[0]) == "NI.upper_thoracic");
  CHECK_THAT(w[0].text, Catch::StartsWith("Primary vertebral augmentation") &&
                            Catch::EndsWith("for ANY of the following: vertebrae of the thoracic spine at levels T1-T4"));
  REQUIRE(w[0].facts.size() == 1);
  CHECK(w[0].facts[0].fact == "request.levels");
  CHECK(w[0].facts[0].value_json == R"(["T4","T5"])");
  CHECK(w[0].facts[0].needs == "no level in T1-T4");
  CHECK(w[1].role == pp::model::WhyRole::ClosestPathway);
  CHECK(id_of(*p, w[1]) == "IN.NM");
  CHECK(w[1].unmet_leaves == 1);
  CHECK(id_of(*p, w[2]) == "IN.NM.levels");
  REQUIRE(w[2].facts.size() == 1);
  CHECK(w[2].facts[0].value_text == "T4, T5");
  CHECK(w[2].facts[0].needs == "every level in T5-L5");  // only the part that fails: two levels are allowed
  CHECK(w[3].role == pp::model::WhyRole::OtherPathway);
  CHECK(w[4].role == pp::model::WhyRole::OtherPathway);
  CHECK(id_of(*p, w[3]) == "IN.ASP");  // policy order
  CHECK(id_of(*p, w[4]) == "IN.MAL");

  // 2 weeks of analgesics: the non-malignant pathway came closest (the malignant one needs another diagnosis)
  w = why(*p, subacute_nm(8, 2));
  REQUIRE(w.size() >= 2);
  CHECK(id_of(*p, w[0]) == "IN.NM");
  CHECK(id_of(*p, w[1]) == "IN.NM.subacute.analgesics");
  CHECK_THAT(w[1].text, Catch::StartsWith("EITHER of the following: subacute (> 6 weeks)") &&
                            Catch::Contains("BOTH of the following (unless contraindicated): prescription strength analgesics"));
  REQUIRE(w[1].facts.size() == 2);
  CHECK(w[1].facts[0].fact == "conservative_care.analgesic_weeks");
  CHECK(w[1].facts[0].value_json == "2");
  CHECK(w[1].facts[0].needs == "at least 4");
  CHECK(w[1].facts[0].alternatives > 0);
  CHECK(w[1].facts[1].fact == "conservative_care.analgesics_contraindicated");
  CHECK(w[1].facts[1].alternatives == w[1].facts[0].alternatives);

  // a missing finding: the lead-in is quoted with its list, never alone (a
  // tie between the malignant and non-malignant pathways: policy order)
  c = acute_nm();
  c["imaging"]["findings"] = json::array();
  w = why(*p, c);
  REQUIRE(w.size() >= 2);
  CHECK(id_of(*p, w[0]) == "IN.MAL");
  CHECK(id_of(*p, w[1]) == "IN.MAL.findings");
  CHECK_THAT(w[1].text, Catch::StartsWith("and that shows EITHER of the following: osteolytic metastases including "
                                          "destruction of a vertebral body by multiple myeloma; primary malignant"));
  CHECK(w[1].facts.size() == 3);  // every finding, any one of which would do
  for (const auto& x : w) CHECK(x.text.back() != ':');  // never a lead-in alone
}

TEST_CASE("why: an approval names its pathway, branch and waiver", "[why]") {
  auto p = pp::model::load_bundled_policy();
  auto w = why(*p, acute_nm());
  REQUIRE(w.size() == 3);
  CHECK(w[0].role == pp::model::WhyRole::ApprovedBy);
  CHECK(id_of(*p, w[0]) == "IN.NM");
  CHECK(id_of(*p, w[1]) == "IN.NM.finding.osteoporotic_vcf");
  CHECK(id_of(*p, w[2]) == "IN.NM.acute");
  json c = subacute_nm(8, 0);
  c["conservative_care"]["exercise_weeks"] = 0;
  c["urgent"] = json::array({"incapacitating_pain"});
  w = why(*p, c);
  REQUIRE(w.size() == 4);
  CHECK(id_of(*p, w[2]) == "IN.NM.subacute");
  CHECK(w[2].text.back() != ':');
  CHECK(w[3].role == pp::model::WhyRole::Waiver);
  CHECK(id_of(*p, w[3]) == "GG.urgent.waiver");
  REQUIRE(w[3].facts.size() == 1);
  CHECK(w[3].facts[0].fact == "urgent.incapacitating_pain");
}

TEST_CASE("under every reading, the concrete evaluator and Z3 agree, depends_on is the brute force", "[readings][diff]") {
  auto p = pp::model::load_bundled_policy();
  pp::test::CaseSpace space(*p);
  pp::model::ReadingDeltas deltas(*p);
  REQUIRE(deltas.alternatives().size() >= 10);
  std::vector<std::shared_ptr<const Policy>> under;
  std::vector<std::unique_ptr<pp::solver::CaseEngine>> engines;
  for (const auto& alt : deltas.alternatives()) {
    const auto& a = p->ambiguities[static_cast<size_t>(alt.ambiguity)];
    under.push_back(p->under({{a.id, a.readings[static_cast<size_t>(alt.reading)].id}}));
    engines.push_back(std::make_unique<pp::solver::CaseEngine>(under.back(), test_limits()));
  }
  pp::solver::CaseEngine base(p, test_limits());
  pp::solver::ReadingChecker checker(p, test_limits());
  std::mt19937_64 rng(15);
  int differing = 0;
  // Approved cases to mutate, so both decisions and the readings' boundaries are near.
  std::vector<pp::model::Case> seeds;
  json h = acute_nm();
  h["imaging"]["findings"] = json::array({"osteoporotic_vcf", "non_aggressive_hemangioma"});
  json sacro = acute_nm();
  sacro["request"]["cpt"] = json::array({json{{"code", "0200T"}, {"units", 1}}});
  for (const json& j : {acute_nm(), subacute_nm(26.05), subacute_nm(25), surgical(), h, sacro})
    seeds.push_back(space.completed(read(*p, j)));  // the facts CMM-607 does not read: false, minimum
  for (int i = 0; i < 240; ++i) {
    pp::model::Case c = i % 3 == 0 ? space.random_case(rng, (rng() % 2) ? 0.5 : 0.1)
                                   : space.mutate(seeds[rng() % seeds.size()], static_cast<int>(rng() % 3), rng);
    // fully stated cases, and now and then a partial one
    bool partial = i % 8 == 0;
    if (partial)
      for (int k = 0; k < 3; ++k) space.unset(c, static_cast<int>(rng() % p->vocab.slots.size()));
    if (!space.consistent(c)) continue;
    auto r = base.evaluate(c);
    std::vector<pp::solver::ReadingDependence> deps;
    checker.depends_on(c, r, deps);
    std::set<size_t> expected, got;
    for (size_t k = 0; k < under.size(); ++k) {
      auto concrete = pp::model::decision_of(pp::model::Evaluator(*under[k]).evaluate(c).decision);
      auto exact = engines[k]->evaluate_with_solver(c);
      INFO("case " << i << " reading " << k);
      REQUIRE(exact.exact);
      if (!partial) CHECK(concrete == exact.decision);
      else if (concrete != Decision::Undetermined) CHECK(concrete == exact.decision);
      if (exact.decision != r.decision) expected.insert(k);
    }
    for (const auto& d : deps)
      for (size_t k = 0; k < under.size(); ++k)
        if (deltas.alternatives()[k].ambiguity == d.ambiguity && deltas.alternatives()[k].reading == d.reading) got.insert(k);
    CHECK(got == expected);
    differing += !expected.empty();
  }
  CHECK(differing > 10);
}
