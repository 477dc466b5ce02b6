// CRD: discovery, the order-sign / order-select hook, one request per
// decision kind, the guide's own example requests, malformed requests.
#include <unistd.h>

#include "davinci_support.h"
#include "support/shared.h"
#include "model/case_reader.h"
#include "solver/case_engine.h"

using namespace pp;
using namespace pp::test;
using davinci::DavinciService;

namespace {

std::shared_ptr<DavinciService> service(solver::Limits limits = {}) {
  davinci::ServiceOptions o;
  o.limits = limits;
  o.today = "2026-11-29";
  return std::make_shared<DavinciService>(std::vector{model::load_bundled_policy()}, o);
}

// The bundled example case (approved) stated as FHIR: the order (CPT,
// body site) and one fact-code Observation per other known fact.
std::vector<Json> example_observations(const Json& overrides = Json::object()) {
  Json facts = {{"request.technique", "balloon_kyphoplasty"},
                {"request.fda_approved_materials", true},
                {"purpose.facilitate_fusion", false},
                {"purpose.prophylactic_osteoporosis", false},
                {"imaging.concordant", true},
                {"pain.daily_functional_impairment", true},
                {"pain.duration_weeks", 3},
                {"pain.prevents_transfers_or_ambulation", true},
                {"pain.correlates_with_fracture_level", true},
                {"conservative_care.analgesic_weeks", 0},
                {"conservative_care.analgesics_contraindicated", false},
                {"conservative_care.exercise_weeks", 0},
                {"conservative_care.exercise_contraindicated", false},
                {"conservative_care.meaningful_improvement", false},
                {"osteoporosis_program_enrolled", true}};
  auto policy = model::load_bundled_policy();
  for (const auto& s : policy->vocab.slots) {
    int f = s.fact;
    if (s.member < 0) continue;
    const auto& fact = policy->vocab.facts[static_cast<size_t>(f)];
    facts[s.path] = fact.path == "imaging.findings" && s.path == "imaging.findings.osteoporotic_vcf";
  }
  facts.update(overrides);
  std::vector<Json> out;
  int n = 0;
  for (const auto& [k, v] : facts.items())
    if (!v.is_null()) out.push_back(fact_observation(k, v, ++n));
  return out;
}

struct HookResult {
  Json body;
  int status = 0;
  Json audit;
};

HookResult call(DavinciService& s, const std::string& id, const Json& req) {
  davinci::Reply r = s.hook(id, req.dump());
  HookResult h;
  h.status = r.status;
  h.body = Json::parse(r.body);
  h.audit = r.audit;
  return h;
}

Json only_ci(const HookResult& h) {
  REQUIRE(h.status == 200);
  REQUIRE(h.body["systemActions"].size() == 1);
  const Json& res = h.body["systemActions"][0]["resource"];
  Json found;
  for (const auto& x : res["extension"])
    if (x["url"] == kCi) found = x;
  REQUIRE(!found.is_null());
  INFO(found.dump());
  auto v = ci_violations(found);
  CHECK(v.empty());
  return found;
}

}  // namespace

TEST_CASE("discovery lists order-sign and order-select with prefetch templates", "[davinci][crd]") {
  auto s = service();
  Json d = Json::parse(s->discovery().body);
  REQUIRE(d["services"].size() == 2);
  std::set<std::string> hooks;
  for (const auto& sv : d["services"]) {
    hooks.insert(sv["hook"].get<std::string>());
    for (const char* k : {"patient", "coverage", "conditions", "observations"}) CHECK(sv["prefetch"].contains(k));
    CHECK(sv["id"].get<std::string>().rfind("cmm-607-", 0) == 0);
  }
  CHECK(hooks == std::set<std::string>{"order-sign", "order-select"});
}

TEST_CASE("order-sign: one request per decision kind gets the expected coverage information", "[davinci][crd]") {
  auto s = service();
  FhirValidator fv;
  const Json order = service_request("sr-1", {"22514"}, {"L1"});

  SECTION("approved: covered, prior authorization satisfied with an id, the met pathway quoted") {
    HookResult h = call(*s, "cmm-607-order-sign", order_sign({order}, {}, example_observations()));
    Json ci = only_ci(h);
    auto parts = ci_parts(ci);
    CHECK(ci_code(parts, "covered") == "covered");
    CHECK(ci_code(parts, "pa-needed") == "satisfied");
    CHECK(parts.count("satisfied-pa-id") == 1);
    CHECK(parts.count("doc-needed") == 0);
    CHECK(parts.find("reason")->second["valueCodeableConcept"]["text"].get<std::string>().find("IN.NM") != std::string::npos);
    CHECK(parts.find("detail") != parts.end());
    CHECK(parts.find("billingCode")->second["valueCoding"]["code"] == "22514");
    CHECK(parts.find("date")->second["valueDate"] == "2026-11-29");
    CHECK(h.body["cards"].empty());
    CHECK(h.audit[0]["decision"] == "approved");
    CHECK(h.audit[0]["coverage_assertion_id"] == parts.find("coverage-assertion-id")->second["valueString"]);
    // Only the extension was added: the rest of the order is as sent (resp-37).
    Json back = h.body["systemActions"][0]["resource"];
    back.erase("extension");
    CHECK(back == order);
    fv.add(h.body["systemActions"][0]["resource"]);
  }
  SECTION("denied: not covered, no pa-needed, the exclusion quoted, an instructions card from the corrections") {
    std::vector<Json> obs = example_observations({{"contraindications.active_infection", nullptr}});
    HookResult h = call(*s, "cmm-607-order-sign", order_sign({order}, {condition("N39.0", 1)}, obs));
    Json ci = only_ci(h);
    auto parts = ci_parts(ci);
    CHECK(ci_code(parts, "covered") == "not-covered");
    CHECK(parts.count("pa-needed") == 0);
    std::string why = parts.find("reason")->second["valueCodeableConcept"]["text"];
    CHECK(why.find("CI.active_infection") != std::string::npos);
    CHECK(why.find("septicemia and any active infection") != std::string::npos);
    bool link = false;
    for (auto [a, b] = parts.equal_range("detail"); a != b; ++a)
      for (const auto& x : a->second["extension"])
        if (x["url"] == "value" && x["valueUrl"].get<std::string>().find("#CI.active_infection") != std::string::npos) link = true;
    CHECK(link);
    REQUIRE(h.body["cards"].size() == 1);
    const Json& card = h.body["cards"][0];
    CHECK(card["summary"].get<std::string>().size() <= 140);
    CHECK(card["detail"].get<std::string>().find("contraindications.active_infection") != std::string::npos);
    CHECK(card["extension"]["davinci-crd.associated-resource"][0]["reference"] == "ServiceRequest/sr-1");
    CHECK(h.audit[0]["decision"] == "denied");
    fv.add(h.body["systemActions"][0]["resource"]);
  }
  SECTION("undetermined: conditional, auth-needed, clinical documentation with the adaptive questionnaire") {
    HookResult h = call(*s, "cmm-607-order-sign", order_sign({order}, {condition("M80.08XA", 1)}, {}));
    Json ci = only_ci(h);
    auto parts = ci_parts(ci);
    CHECK(ci_code(parts, "covered") == "conditional");
    CHECK(ci_code(parts, "pa-needed") == "auth-needed");
    CHECK(ci_code(parts, "doc-needed") == "clinical");
    CHECK(ci_code(parts, "info-needed") == "OTH");
    CHECK(parts.find("questionnaire")->second["valueCanonical"] ==
          "http://policyproof.example/fhir/Questionnaire/cmm-607-adaptive|v1.0.2026");
    CHECK(h.audit[0]["decision"] == "undetermined");
    CHECK(!h.audit[0]["decisive_unknowns"].empty());
    fv.add(h.body["systemActions"][0]["resource"]);
  }
  SECTION("out of scope: an order for a code the policy does not cover gets no system action") {
    HookResult h = call(*s, "cmm-607-order-sign", order_sign({service_request("sr-2", {"77061"}, {})}, {}, {}));
    CHECK(h.status == 200);
    CHECK(h.body == Json{{"cards", Json::array()}});
    CHECK(h.audit[0]["decision"] == "out_of_scope");
    // A Procedure is not an order the extension may annotate: not evaluated.
    Json proc = service_request("pr-1", {"22514"}, {"L1"});
    proc["resourceType"] = "Procedure";
    h = call(*s, "cmm-607-order-sign", order_sign({proc}, {}, {}));
    CHECK(h.body == Json{{"cards", Json::array()}});
  }
  SECTION("technical failure: indeterminate with the technical reason") {
    auto tight = service(solver::Limits{5000, 1});
    HookResult h = call(*tight, "cmm-607-order-sign", order_sign({order}, {condition("M80.08XA", 1)}, {}));
    Json ci = only_ci(h);
    auto parts = ci_parts(ci);
    CHECK(ci_code(parts, "covered") == "indeterminate");
    CHECK(ci_code(parts, "pa-needed") == "indeterminate");
    CHECK(parts.find("reason")->second["valueCodeableConcept"]["coding"][0]["code"] == "technical");
    CHECK(h.audit[0]["decision"] == "failure");
    fv.add(h.body["systemActions"][0]["resource"]);
  }
  SECTION("a record that contradicts a domain relation is indeterminate, not guessed") {
    std::vector<Json> obs = {fact_observation("contraindications.osteomyelitis_target_vertebra", true, 1),
                             fact_observation("contraindications.active_infection", false, 2)};
    HookResult h = call(*s, "cmm-607-order-sign", order_sign({order}, {}, obs));
    Json ci = only_ci(h);
    CHECK(ci_code(ci_parts(ci), "covered") == "indeterminate");
  }
  SECTION("order-select: no documentation request (hooks.md hook-19)") {
    HookResult h = call(*s, "cmm-607-order-select", order_sign({order}, {condition("M80.08XA", 1)}, {}, coverage_bundle(), "order-select"));
    Json ci = only_ci(h);
    auto parts = ci_parts(ci);
    CHECK(ci_code(parts, "covered") == "conditional");
    CHECK(parts.count("doc-needed") == 0);
    CHECK(parts.count("questionnaire") == 0);
    fv.add(h.body["systemActions"][0]["resource"]);
  }
  SECTION("no new system action when the order already carries the same assertion (resp-35)") {
    Json req = order_sign({order}, {condition("M80.08XA", 1)}, {});
    HookResult first = call(*s, "cmm-607-order-sign", req);
    Json again = req;
    again["context"]["draftOrders"]["entry"][0]["resource"] = first.body["systemActions"][0]["resource"];
    HookResult second = call(*s, "cmm-607-order-sign", again);
    CHECK(second.status == 200);
    CHECK(second.body["systemActions"].empty());
    CHECK(second.audit[0]["unchanged"] == true);
  }
  fv.check("crd-kinds");
}

TEST_CASE("the mapping reads conditions, body sites and observations into facts, the rest stays unknown", "[davinci][crd]") {
  auto policy = model::load_bundled_policy();
  auto m = davinci::load_bundled_fhir_mapping(policy->vocab);
  REQUIRE(m);
  Json order = service_request("sr-1", {"22511"}, {"L2", "l3"});
  order["bodySite"].push_back({{"coding", {{{"system", "http://snomed.info/sct"}, {"code", "123"}, {"display", "T12"}}}}});
  Json resolved = condition("A41.9", 2);
  resolved["clinicalStatus"]["coding"][0]["code"] = "resolved";
  Json refuted = condition("D68.9", 3);
  refuted["verificationStatus"] = {{"coding", {{{"code", "refuted"}}}}};
  Json prefetch = {{"conditions", bundle_of({condition("M80.88XA", 1), condition("T38.0X5A", 4), resolved, refuted,
                                             condition("M54.16", 5)})},
                   {"observations", bundle_of({fact_observation("pain.duration_weeks", 2, 1)})}};
  prefetch["observations"]["entry"][0]["resource"]["valueQuantity"] = {{"value", 14}, {"code", "d"}};
  Json facts = davinci::facts_from_fhir(policy->vocab, *m, order, prefetch);
  CHECK(facts["request.technique"] == "vertebroplasty");
  CHECK(facts["request.cpt"] == Json{"22511"});
  CHECK(facts["request.levels"] == Json{"L2", "L3", "T12"});
  CHECK(facts["imaging.findings.osteoporotic_vcf"] == true);
  CHECK(facts["imaging.findings.steroid_induced_vcf"] == true);
  CHECK(facts["alternative_causes.radiculopathy"] == true);
  CHECK(std::abs(facts["pain.duration_weeks"].get<double>() - 2.0) < 1e-9);
  CHECK(!facts.contains("contraindications.active_infection"));          // resolved
  CHECK(!facts.contains("contraindications.uncorrected_coagulation_disorder"));  // refuted
  CHECK(!facts.contains("imaging.concordant"));                           // nothing says
  // The partial case reads: the facts nothing states stay unknown.
  model::CaseReader reader(*policy);
  model::Case c = reader.read(davinci::case_json_from_facts(policy->vocab, facts).dump(), "t");
  CHECK(!c.is_known(policy->vocab.find_atom("imaging.concordant")));
  CHECK(c.is_known(policy->vocab.find_atom("imaging.findings.osteoporotic_vcf")));
  // Without the steroid evidence the `with` rule does not fire.
  prefetch["conditions"] = bundle_of({condition("M80.88XA", 1)});
  facts = davinci::facts_from_fhir(policy->vocab, *m, order, prefetch);
  CHECK(!facts.contains("imaging.findings.steroid_induced_vcf"));
}

TEST_CASE("the mapping is data: extended without code changes, refused with a location when wrong", "[davinci][crd]") {
  auto policy = model::load_bundled_policy();
  std::string text = slurp(std::string(PP_SOURCE_DIR) + "/model/policies/vertebral-augmentation.fhir.yaml");
  std::string extended = text;
  const std::string anchor = "  rules:\n";
  extended.insert(extended.find(anchor) + anchor.size(),
                  "    - {codes: [\"I50.84\"], set: {contraindications.severe_cardiopulmonary_disease: true}}\n");
  auto m = davinci::load_fhir_mapping(extended, "x.fhir.yaml", policy->vocab);
  Json facts = davinci::facts_from_fhir(policy->vocab, m, service_request("s", {"22514"}, {"L1"}),
                                        {{"conditions", bundle_of({condition("I50.84", 1)})}});
  CHECK(facts["contraindications.severe_cardiopulmonary_disease"] == true);

  std::string bad = text;
  bad.insert(bad.find(anchor) + anchor.size(), "    - {codes: [\"Z99\"], set: {contraindications.pregnancy: true}}\n");
  try {
    davinci::load_fhir_mapping(bad, "x.fhir.yaml", policy->vocab);
    FAIL("accepted an unknown fact");
  } catch (const model::DiagnosticError& e) {
    std::string msg = e.what();
    CHECK(msg.find("x.fhir.yaml:") == 0);
    CHECK(msg.find("contraindications.pregnancy") != std::string::npos);
  }
  std::string bad_value = text;
  bad_value.insert(bad_value.find(anchor) + anchor.size(), "    - {codes: [\"Z99\"], set: {request.technique: laser}}\n");
  CHECK_THROWS_AS(davinci::load_fhir_mapping(bad_value, "x.fhir.yaml", policy->vocab), model::DiagnosticError);
}

TEST_CASE("malformed hook requests get 400 with an OperationOutcome, unknown services 404", "[davinci][crd]") {
  auto s = service();
  FhirValidator fv;
  const Json good = order_sign({service_request("sr-1", {"22514"}, {"L1"})}, {}, {});
  std::vector<std::pair<std::string, std::string>> bodies = {
      {"not json", "{"},
      {"array", "[]"},
      {"no hook", [&] { Json j = good; j.erase("hook"); return j.dump(); }()},
      {"wrong hook", [&] { Json j = good; j["hook"] = "order-dispatch"; return j.dump(); }()},
      {"no context", [&] { Json j = good; j.erase("context"); return j.dump(); }()},
      {"draftOrders not a bundle", [&] { Json j = good; j["context"]["draftOrders"] = 3; return j.dump(); }()},
      {"no coverage", [&] { Json j = good; j["prefetch"].erase("coverage"); return j.dump(); }()},
      {"two coverages", [&] { Json j = good; j["prefetch"]["coverage"]["entry"].push_back(j["prefetch"]["coverage"]["entry"][0]); return j.dump(); }()},
  };
  for (const auto& [name, body] : bodies) {
    INFO(name);
    davinci::Reply r = s->hook("cmm-607-order-sign", body);
    CHECK(r.status == 400);
    Json oo = Json::parse(r.body);
    CHECK(oo["resourceType"] == "OperationOutcome");
    CHECK(!oo["issue"][0]["diagnostics"].get<std::string>().empty());
    fv.add(oo);
  }
  CHECK(s->hook("nope", good.dump()).status == 404);

  // A payer this endpoint does not handle (hooks.md: 400).
  auto policy = model::load_bundled_policy();
  std::string text = slurp(std::string(PP_SOURCE_DIR) + "/model/policies/vertebral-augmentation.fhir.yaml");
  text.replace(text.find("payers: []"), 10, "payers:\n  - {system: \"http://payers.example\", value: \"cmm\"}");
  auto m = std::make_shared<const davinci::FhirMapping>(davinci::load_fhir_mapping(text, "p.fhir.yaml", policy->vocab));
  DavinciService strict({policy}, {}, {m});
  CHECK(strict.hook("cmm-607-order-sign", good.dump()).status == 400);
  Json ours = order_sign({service_request("sr-1", {"22514"}, {"L1"})}, {}, {}, coverage_bundle("http://payers.example", "cmm"));
  CHECK(strict.hook("cmm-607-order-sign", ours.dump()).status == 200);
  fv.check("crd-bad");
}

TEST_CASE("the guide's own example requests are answered or refused as CRD says", "[davinci][crd]") {
  auto s = service();
  const std::string shared = shared_path("corpora/davinci/crd", "the guide's example requests");
  if (shared.empty()) return;
  const std::string dir = shared + "/";
  FhirValidator fv;
  struct Expect { const char* file; int status; };
  // 1: order-sign for home oxygen and a mammography code: not this policy's codes, no decision support.
  // 3: order-sign for a CommunicationRequest: not an order type this service evaluates.
  // 2, 4: order-dispatch and appointment-book: hooks this service does not offer; sent to the
  //    order-sign service they are refused (400: the request fails CDS Hooks validation for it).
  for (Expect x : {Expect{"CRDServiceRequest.json", 200}, Expect{"CRDServiceRequest3.json", 200},
                   Expect{"CRDServiceRequest2.json", 400}, Expect{"CRDServiceRequest4.json", 400}}) {
    INFO(x.file);
    std::string body = slurp(dir + x.file);
    REQUIRE(!body.empty());
    davinci::Reply r = s->hook("cmm-607-order-sign", body);
    CHECK(r.status == x.status);
    Json j = Json::parse(r.body);
    if (x.status == 200) {
      CHECK(j["cards"].empty());
      CHECK(!j.contains("systemActions"));
    } else {
      CHECK(j["resourceType"] == "OperationOutcome");
      fv.add(j);
    }
  }
  // The guide's example 1 with a vertebral augmentation order put in: answered with a system action.
  Json ex = Json::parse(slurp(dir + "CRDServiceRequest.json"));
  ex["context"]["draftOrders"]["entry"].push_back({{"resource", service_request("va-1", {"22513"}, {"T8"})}});
  davinci::Reply r = s->hook("cmm-607-order-sign", ex.dump());
  REQUIRE(r.status == 200);
  Json j = Json::parse(r.body);
  REQUIRE(j["systemActions"].size() == 1);
  CHECK(j["systemActions"][0]["resource"]["id"] == "va-1");
  Json ci = j["systemActions"][0]["resource"]["extension"].back();
  CHECK(ci_violations(ci).empty());
  CHECK(ci_parts(ci).find("coverage")->second["valueReference"]["reference"] == "Coverage/COV1");
  fv.add(j["systemActions"][0]["resource"]);
  fv.check("crd-guide");
}
