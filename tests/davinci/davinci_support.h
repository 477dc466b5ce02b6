// Test support for the Da Vinci CRD/DTR handlers: requests built from cases,
// the coverage-information invariants, and the FHIR validator (FHIR.js).
#pragma once
#include <catch2/catch.hpp>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <map>
#include <unistd.h>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "model/case.h"
#include "model/policy.h"
#include "serve/davinci/davinci.h"

namespace pp::test {

using Json = nlohmann::json;

inline const char* kCi = "http://hl7.org/fhir/us/davinci-crd/StructureDefinition/ext-coverage-information";
inline const char* kFactSystem = "http://policyproof.example/fhir/CodeSystem/vertebral-augmentation-facts";

inline std::string slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

inline Json coverage_bundle(const std::string& payer_system = "", const std::string& payer_value = "") {
  Json cov = {{"resourceType", "Coverage"},
              {"id", "cov-1"},
              {"status", "active"},
              {"beneficiary", {{"reference", "Patient/p1"}}},
              {"payor", {{{"reference", "Organization/payer-1"}}}}};
  if (!payer_system.empty()) cov["payor"][0]["identifier"] = {{"system", payer_system}, {"value", payer_value}};
  return {{"resourceType", "Bundle"}, {"type", "searchset"}, {"entry", {{{"fullUrl", "http://ehr.example/fhir/Coverage/cov-1"}, {"resource", cov}}}}};
}

inline Json service_request(const std::string& id, const std::vector<std::string>& cpt, const std::vector<std::string>& levels) {
  Json codings = Json::array();
  for (const auto& c : cpt) codings.push_back({{"system", "http://www.ama-assn.org/go/cpt"}, {"code", c}});
  Json sr = {{"resourceType", "ServiceRequest"},
             {"id", id},
             {"status", "draft"},
             {"intent", "order"},
             {"code", {{"coding", codings}}},
             {"subject", {{"reference", "Patient/p1"}}}};
  if (!levels.empty()) {
    Json sites = Json::array();
    for (const auto& l : levels) sites.push_back({{"text", l + " vertebra"}});
    sr["bodySite"] = sites;
  }
  return sr;
}

inline Json condition(const std::string& icd, int n) {
  return {{"resourceType", "Condition"},
          {"id", "c" + std::to_string(n)},
          {"clinicalStatus", {{"coding", {{{"system", "http://terminology.hl7.org/CodeSystem/condition-clinical"}, {"code", "active"}}}}}},
          {"code", {{"coding", {{{"system", "http://hl7.org/fhir/sid/icd-10-cm"}, {"code", icd}}}}}},
          {"subject", {{"reference", "Patient/p1"}}}};
}

// An Observation in the project's fact code system stating one fact.
inline Json fact_observation(const std::string& path, const Json& value, int n) {
  Json o = {{"resourceType", "Observation"},
            {"id", "o" + std::to_string(n)},
            {"status", "final"},
            {"code", {{"coding", {{{"system", kFactSystem}, {"code", path}}}}}},
            {"subject", {{"reference", "Patient/p1"}}}};
  if (value.is_boolean()) o["valueBoolean"] = value;
  else if (value.is_number()) o["valueQuantity"] = {{"value", value}, {"unit", "wk"}, {"system", "http://unitsofmeasure.org"}, {"code", "wk"}};
  else o["valueCodeableConcept"] = {{"coding", {{{"system", kFactSystem}, {"code", value}}}}};
  return o;
}

inline Json bundle_of(const std::vector<Json>& rs) {
  Json b = {{"resourceType", "Bundle"}, {"type", "searchset"}, {"entry", Json::array()}};
  for (const auto& r : rs) b["entry"].push_back({{"resource", r}});
  return b;
}

inline Json order_sign(const std::vector<Json>& orders, const std::vector<Json>& conditions,
                       const std::vector<Json>& observations, const Json& coverage = coverage_bundle(),
                       const std::string& hook = "order-sign") {
  Json entries = Json::array();
  for (const auto& o : orders) entries.push_back({{"resource", o}});
  Json req = {{"hookInstance", "d1577c69-dfbe-44ad-ba6d-3e05e953b2ea"},
              {"hook", hook},
              {"fhirServer", "http://ehr.example/fhir"},
              {"context", {{"userId", "Practitioner/1"}, {"patientId", "p1"},
                           {"draftOrders", {{"resourceType", "Bundle"}, {"type", "collection"}, {"entry", entries}}}}},
              {"prefetch", {{"patient", {{"resourceType", "Patient"}, {"id", "p1"}}},
                            {"conditions", bundle_of(conditions)},
                            {"observations", bundle_of(observations)}}}};
  if (!coverage.is_null()) req["prefetch"]["coverage"] = coverage;
  if (hook == "order-select") {
    Json sel = Json::array();
    for (const auto& o : orders) sel.push_back(o["resourceType"].get<std::string>() + "/" + o["id"].get<std::string>());
    req["context"]["selections"] = sel;
  }
  return req;
}

// The sub-extensions of a coverage-information extension, by url.
inline std::multimap<std::string, Json> ci_parts(const Json& ci) {
  std::multimap<std::string, Json> out;
  for (const auto& x : ci["extension"]) out.emplace(x["url"].get<std::string>(), x);
  return out;
}

inline std::string ci_code(const std::multimap<std::string, Json>& parts, const std::string& url) {
  auto it = parts.find(url);
  return it == parts.end() ? "" : it->second["valueCode"].get<std::string>();
}

// The extension's cardinalities, bindings and invariants crd-ci-q1..q9
// (crd/CoverageInformation.fsh); returns the violations.
inline std::vector<std::string> ci_violations(const Json& ci) {
  std::vector<std::string> v;
  if (ci.value("url", "") != kCi) v.push_back("url");
  auto parts = ci_parts(ci);
  for (const char* one : {"coverage", "covered", "date", "coverage-assertion-id"})
    if (parts.count(one) != 1) v.push_back(std::string(one) + " 1..1");
  for (const char* opt : {"pa-needed", "satisfied-pa-id", "expiry-date"})
    if (parts.count(opt) > 1) v.push_back(std::string(opt) + " 0..1");
  const std::set<std::string> covered = {"covered", "not-covered", "conditional", "indeterminate"};
  const std::set<std::string> pa = {"no-auth", "auth-needed", "satisfied", "performpa", "conditional", "indeterminate"};
  const std::set<std::string> doc = {"clinical", "admin", "patient", "conditional", "indeterminate"};
  const std::set<std::string> purpose = {"withpa", "withclaim", "withorder", "retain-doc", "OTH"};
  const std::set<std::string> info = {"performer", "location", "timeframe", "contract-window", "detail-code", "OTH"};
  std::string cov = ci_code(parts, "covered"), pan = ci_code(parts, "pa-needed");
  if (!covered.count(cov)) v.push_back("covered binding");
  if (parts.count("pa-needed") && !pa.count(pan)) v.push_back("pa-needed binding");
  for (auto [a, b] = parts.equal_range("doc-needed"); a != b; ++a)
    if (!doc.count(a->second["valueCode"])) v.push_back("doc-needed binding");
  for (auto [a, b] = parts.equal_range("doc-purpose"); a != b; ++a)
    if (!purpose.count(a->second["valueCode"])) v.push_back("doc-purpose binding");
  for (auto [a, b] = parts.equal_range("info-needed"); a != b; ++a)
    if (!info.count(a->second["valueCode"])) v.push_back("info-needed binding");
  if (parts.count("questionnaire") && !parts.count("doc-needed")) v.push_back("crd-ci-q1");
  if (cov == "not-covered" && parts.count("pa-needed")) v.push_back("crd-ci-q2");
  bool conditional = cov == "conditional" || pan == "conditional";
  for (auto [a, b] = parts.equal_range("doc-needed"); a != b; ++a) conditional = conditional || a->second["valueCode"] == "conditional";
  if (conditional && !parts.count("info-needed")) v.push_back("crd-ci-q3");
  if ((pan == "satisfied" || pan == "no-auth"))
    for (auto [a, b] = parts.equal_range("doc-purpose"); a != b; ++a)
      if (a->second["valueCode"] == "withpa") v.push_back("crd-ci-q4");
  if ((pan == "satisfied") != (parts.count("satisfied-pa-id") == 1)) v.push_back("crd-ci-q5");
  bool oth = false;
  for (auto [a, b] = parts.equal_range("info-needed"); a != b; ++a) oth = oth || a->second["valueCode"] == "OTH";
  if (oth && !parts.count("reason")) v.push_back("crd-ci-q6");
  for (auto [a, b] = parts.equal_range("reason"); a != b; ++a)
    if (!a->second["valueCodeableConcept"].contains("text")) v.push_back("crd-ci-q7");
  bool purpose_not_conditional = false;
  for (auto [a, b] = parts.equal_range("doc-purpose"); a != b; ++a) purpose_not_conditional = true;
  if (purpose_not_conditional && !parts.count("reason")) v.push_back("crd-ci-q8");
  bool indeterminate = cov == "indeterminate" || pan == "indeterminate";
  for (auto [a, b] = parts.equal_range("doc-needed"); a != b; ++a) indeterminate = indeterminate || a->second["valueCode"] == "indeterminate";
  if (indeterminate && !parts.count("reason")) v.push_back("crd-ci-q9");
  for (auto [a, b] = parts.equal_range("detail"); a != b; ++a) {
    std::set<std::string> sub;
    for (const auto& x : a->second["extension"]) sub.insert(x["url"].get<std::string>());
    if (!sub.count("category") || !sub.count("code") || !sub.count("value")) v.push_back("detail 1..1 parts");
  }
  return v;
}

// Resources the tests collected for the FHIR validator, validated once at the end of each test case.
class FhirValidator {
 public:
  void add(const Json& r) { resources_.push_back(r); }
  // Runs FHIR.js over every resource collected; SUCCEED/WARN-skips when node
  // or the pinned package is not installed.
  void check(const std::string& name) {
    if (resources_.empty()) return;
    const std::string dir = std::string(PP_SOURCE_DIR) + "/tests/davinci/fhir-validate";
    if (std::system("node --version > /dev/null 2>&1") != 0) {
      WARN("skipped FHIR validation: node is not installed");
      return;
    }
    if (std::system(("test -d " + dir + "/node_modules/fhir").c_str()) != 0) {
      WARN("skipped FHIR validation: run `npm ci` in tests/davinci/fhir-validate (setup.sh does)");
      return;
    }
    const std::string file = "/tmp/pp-davinci-" + name + "-" + std::to_string(::getpid()) + ".json";
    std::ofstream(file) << Json(resources_).dump();
    const std::string out_file = file + ".out";
    int rc = std::system(("node " + dir + "/validate.js " + file + " > " + out_file + " 2>&1").c_str());
    std::string out = slurp(out_file);
    INFO(out);
    CHECK(rc == 0);
    std::remove(file.c_str());
    std::remove(out_file.c_str());
    resources_.clear();
  }

 private:
  std::vector<Json> resources_;
};

}  // namespace pp::test
