// Boundary pairs: for each criterion bullet, the case that just meets it and
// the one that just misses it, decided by the concrete evaluator on fully
// specified cases (CMM-607 v1.0.2026, the readings encoded in the policy file).
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "model/case_reader.h"
#include "model/evaluator.h"

using nlohmann::json;
using pp::model::Decision;

namespace {

// A fully specified acute osteoporotic L1 case that meets the non-malignant pathway.
json acute_nm() {
  return json::parse(R"({
    "case_id": "base-acute-nm",
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

// Subacute: 8 weeks, four weeks of analgesics and of exercise, no improvement.
json subacute_nm() {
  json c = acute_nm();
  c["pain"]["duration_weeks"] = 8;
  c["pain"]["prevents_transfers_or_ambulation"] = false;
  c["conservative_care"]["analgesic_weeks"] = 4;
  c["conservative_care"]["exercise_weeks"] = 4;
  return c;
}

// Malignant: osteolytic metastasis, daily pain; nothing of the non-malignant pathway.
json malignant() {
  json c = acute_nm();
  c["imaging"]["findings"] = json::array({"osteolytic_metastasis"});
  c["pain"]["prevents_transfers_or_ambulation"] = false;
  c["pain"]["duration_weeks"] = 10;
  c["request"]["levels"] = json::array({"T8"});
  c["request"]["technique"] = "vertebroplasty";
  c["request"]["cpt"] = json::array({json{{"code", "22510"}, {"units", 1}}});
  return c;
}

// Surgical: prophylactic vertebroplasty to facilitate fusion at L2-L3; nothing else met.
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

Decision decide(const json& j) {
  auto p = pp::model::load_bundled_policy();
  pp::model::CaseReader reader(*p);
  auto c = reader.read(j.dump(), "case.json");
  return pp::model::decision_of(pp::model::Evaluator(*p).evaluate(c).decision);
}

const Decision MN = Decision::MedicallyNecessary;
const Decision NMN = Decision::NotMedicallyNecessary;

}  // namespace

TEST_CASE("the bases meet their pathways") {
  CHECK(decide(acute_nm()) == MN);
  CHECK(decide(subacute_nm()) == MN);
  CHECK(decide(malignant()) == MN);
  CHECK(decide(surgical()) == MN);
}

TEST_CASE("acute: 0-6 weeks, prevents transfers, correlates with the fracture level") {
  json c = acute_nm();
  c["pain"]["duration_weeks"] = 6;   CHECK(decide(c) == MN);
  c["pain"]["duration_weeks"] = 0;   CHECK(decide(c) == MN);
  c["pain"]["duration_weeks"] = 6.5; CHECK(decide(c) == NMN);  // neither acute nor (without care) subacute
  c = acute_nm(); c["pain"]["prevents_transfers_or_ambulation"] = false; CHECK(decide(c) == NMN);
  c = acute_nm(); c["pain"]["correlates_with_fracture_level"] = false; CHECK(decide(c) == NMN);
}

TEST_CASE("subacute: > 6 weeks, four weeks of each conservative care unless contraindicated") {
  json c = subacute_nm();
  c["pain"]["duration_weeks"] = 6.5; CHECK(decide(c) == MN);
  c["pain"]["duration_weeks"] = 6;   CHECK(decide(c) == NMN);  // 6 is acute, and transfers are possible
  c = subacute_nm(); c["conservative_care"]["analgesic_weeks"] = 3.9; CHECK(decide(c) == NMN);
  c["conservative_care"]["analgesics_contraindicated"] = true; CHECK(decide(c) == MN);
  c = subacute_nm(); c["conservative_care"]["exercise_weeks"] = 3.99; CHECK(decide(c) == NMN);
  c["conservative_care"]["exercise_contraindicated"] = true; CHECK(decide(c) == MN);
  c = subacute_nm(); c["conservative_care"]["meaningful_improvement"] = true; CHECK(decide(c) == NMN);
}

TEST_CASE("urgent conditions waive non-surgical management, not the rest") {
  json c = subacute_nm();
  c["conservative_care"]["analgesic_weeks"] = 0;
  c["conservative_care"]["exercise_weeks"] = 0;
  CHECK(decide(c) == NMN);
  c["urgent"] = json::array({"incapacitating_pain"}); CHECK(decide(c) == MN);
  c["urgent"] = json::array({"neoplastic_pathologic_fracture"}); CHECK(decide(c) == MN);
  c["conservative_care"]["meaningful_improvement"] = true; CHECK(decide(c) == NMN);  // literal reading
  c = subacute_nm();
  c["conservative_care"]["analgesic_weeks"] = 0;
  c["urgent"] = json::array({"incapacitating_pain"});
  c["pain"]["duration_weeks"] = 5;  // acute, but transfers possible: the waiver does not help
  CHECK(decide(c) == NMN);
}

TEST_CASE("chronic pain of more than 6 months (26.09 weeks) bars every pathway") {
  json c = subacute_nm();
  c["pain"]["duration_weeks"] = 26;   CHECK(decide(c) == MN);
  c["pain"]["duration_weeks"] = 26.05; CHECK(decide(c) == MN);  // calendar months (AMB.six_months)
  c["pain"]["duration_weeks"] = 26.1; CHECK(decide(c) == NMN);
  c["pain"]["duration_weeks"] = 26.5; CHECK(decide(c) == NMN);
  c = malignant(); c["pain"]["duration_weeks"] = 26;  CHECK(decide(c) == MN);
  c = malignant(); c["pain"]["duration_weeks"] = 40;  CHECK(decide(c) == NMN);
  c = surgical();  c["pain"]["duration_weeks"] = 27;  CHECK(decide(c) == NMN);
}

TEST_CASE("levels: at most two, all of T5-L5, for the non-malignant and surgical pathways") {
  json c = acute_nm();
  c["request"]["levels"] = json::array({"T5"});       CHECK(decide(c) == MN);
  c["request"]["levels"] = json::array({"T4"});       CHECK(decide(c) == NMN);
  c["request"]["levels"] = json::array({"L5"});       CHECK(decide(c) == MN);
  c["request"]["levels"] = json::array({"T12", "L1"}); CHECK(decide(c) == MN);
  c["request"]["levels"] = json::array({"L3", "L4", "L5"}); CHECK(decide(c) == NMN);
  c["request"]["levels"] = json::array({"T4", "T5"}); CHECK(decide(c) == NMN);
  c["request"]["levels"] = json::array({"C7"});       CHECK(decide(c) == NMN);
  c["request"]["levels"] = json::array({"L5", "sacrum"}); CHECK(decide(c) == NMN);
  c["request"]["levels"] = json::array({"coccyx"});   CHECK(decide(c) == NMN);
  c = surgical();
  c["request"]["levels"] = json::array({"L1", "L2", "L3"}); CHECK(decide(c) == NMN);
  c["request"]["levels"] = json::array({"T4"}); CHECK(decide(c) == NMN);
  c = malignant();  // no level cap in the malignant pathway
  c["request"]["levels"] = json::array({"T6", "T7", "T8"}); CHECK(decide(c) == MN);
  c["request"]["levels"] = json::array({"T4", "T6"}); CHECK(decide(c) == NMN);
  c["request"]["levels"] = json::array({"C5"}); CHECK(decide(c) == NMN);
}

TEST_CASE("imaging: concordant, showing a listed finding") {
  json c = acute_nm();
  c["imaging"]["concordant"] = false; CHECK(decide(c) == NMN);
  for (const char* f : {"osteolytic_vcf", "aggressive_hemangioma", "eosinophilic_granuloma", "osteonecrotic_vcf",
                        "steroid_induced_vcf"}) {
    json d = acute_nm();
    d["imaging"]["findings"] = json::array({f});
    d["osteoporosis_program_enrolled"] = false;  // only osteoporotic fractures need the program
    INFO(f);
    CHECK(decide(d) == MN);
  }
  c = acute_nm(); c["imaging"]["findings"] = json::array(); CHECK(decide(c) == NMN);
  c = acute_nm(); c["imaging"]["findings"] = json::array({"non_aggressive_hemangioma"}); CHECK(decide(c) == NMN);
  // augmentation *for* a non-aggressive hemangioma is barred, not one beside an indicated finding (AMB.hemangioma_scope)
  c = acute_nm(); c["imaging"]["findings"] = json::array({"osteoporotic_vcf", "non_aggressive_hemangioma"}); CHECK(decide(c) == MN);
  for (const char* f : {"osteolytic_metastasis", "myeloma_destruction", "primary_malignant_bone_neoplasm"}) {
    json d = malignant();
    d["imaging"]["findings"] = json::array({f});
    INFO(f);
    CHECK(decide(d) == MN);
  }
  c = malignant(); c["imaging"]["concordant"] = false; CHECK(decide(c) == NMN);
  c = malignant(); c["pain"]["daily_functional_impairment"] = false; CHECK(decide(c) == NMN);
  c = acute_nm(); c["pain"]["daily_functional_impairment"] = false; CHECK(decide(c) == NMN);
}

TEST_CASE("osteoporotic fractures need the osteoporosis program") {
  json c = acute_nm();
  c["osteoporosis_program_enrolled"] = false; CHECK(decide(c) == NMN);
  c["imaging"]["findings"] = json::array({"osteolytic_vcf"}); CHECK(decide(c) == MN);
  c["imaging"]["findings"] = json::array({"osteolytic_vcf", "osteoporotic_vcf"}); CHECK(decide(c) == NMN);
}

TEST_CASE("the surgical pathway needs a vertebroplasty to facilitate fusion") {
  json c = surgical();
  c["purpose"]["facilitate_fusion"] = false; CHECK(decide(c) == NMN);
  c = surgical(); c["request"]["technique"] = "balloon_kyphoplasty"; CHECK(decide(c) == NMN);  // literal reading
  c = surgical(); c["request"]["levels"] = json::array({"T5", "L5"}); CHECK(decide(c) == MN);
}

TEST_CASE("techniques and materials") {
  for (const char* t : {"vertebroplasty", "balloon_kyphoplasty", "mechanical_kyphoplasty"}) {
    json c = acute_nm();
    c["request"]["technique"] = t;
    INFO(t);
    CHECK(decide(c) == MN);
  }
  for (const char* t : {"radiofrequency_kyphoplasty", "vertebral_body_stenting", "spinoplasty", "sacroplasty",
                        "coccygeoplasty"}) {
    json c = acute_nm();
    c["request"]["technique"] = t;
    INFO(t);
    CHECK(decide(c) == NMN);
  }
  json c = acute_nm();
  c["request"]["fda_approved_materials"] = false; CHECK(decide(c) == NMN);
  c = acute_nm(); c["purpose"]["prophylactic_osteoporosis"] = true; CHECK(decide(c) == NMN);
  // codes are billing: a mismatched code does not decide (AMB.sacroplasty_cpt, literal reading)
  c = acute_nm(); c["request"]["cpt"] = json::array({json{{"code", "0200T"}, {"units", 1}}}); CHECK(decide(c) == MN);
  c = acute_nm(); c.erase("request"); c["request"] = json{{"technique", "balloon_kyphoplasty"}, {"levels", {"L1"}}, {"fda_approved_materials", true}};
  CHECK(decide(c) == MN);  // no codes stated: still decided
  c = acute_nm(); c["request"]["cpt"] = json::array(); CHECK(decide(c) == MN);
}

TEST_CASE("every alternative cause and every contraindication denies") {
  for (const char* a : {"radiculopathy", "facet_disease", "trigger_points", "sacral_or_coccygeal_insufficiency"}) {
    json c = acute_nm();
    c["alternative_causes"] = json::array({a});
    INFO(a);
    CHECK(decide(c) == NMN);
  }
  for (const char* x : {"material_allergy", "uncorrected_coagulation_disorder", "anticoagulation_therapy",
                        "myelopathy_from_fragment_or_tumor", "extensive_vertebral_destruction",
                        "burst_fracture_unstable", "space_occupying_lesion_cord_compression",
                        "collapse_beyond_vertebra_plana", "untreated_coexistent_pain_generator",
                        "unstable_fracture_or_stabilization_needed", "active_infection",
                        "severe_cardiopulmonary_disease"}) {
    json c = acute_nm();
    c["contraindications"] = json::array({x});
    INFO(x);
    CHECK(decide(c) == NMN);
    json m = malignant();
    m["contraindications"] = json::array({x});
    CHECK(decide(m) == NMN);
  }
  json c = acute_nm();
  c["contraindications"] = json::array({"herniated_disc_radiculopathy"});
  c["alternative_causes"] = json::array({"radiculopathy"});
  CHECK(decide(c) == NMN);
  c = acute_nm();
  c["contraindications"] = json::array({"osteomyelitis_target_vertebra", "active_infection"});
  CHECK(decide(c) == NMN);
}

TEST_CASE("partial cases: known facts that force the outcome decide it") {
  CHECK(decide(json::parse(R"({"request": {"levels": ["T3"]}})")) == NMN);
  CHECK(decide(json::parse(R"({"contraindications": {"active_infection": true}})")) == NMN);
  CHECK(decide(json::parse(R"({"request": {"technique": "spinoplasty"}})")) == NMN);
  CHECK(decide(json::parse(R"({"case_id": "nothing known"})")) == Decision::Undetermined);
  json c = acute_nm();
  c.erase("contraindications");
  CHECK(decide(c) == Decision::Undetermined);
  // a known contraindication decides alone (no domain relation ties it to the alternative cause)
  CHECK(decide(json::parse(R"({"contraindications": {"herniated_disc_radiculopathy": true}})")) == NMN);
  CHECK(decide(json::parse(R"({"contraindications": {"herniated_disc_radiculopathy": true},
                               "alternative_causes": {"radiculopathy": false}})")) == NMN);
}
