// Da Vinci CRD and DTR over the solved core (serve layer; docs/davinci.md).
//
// Pure request handlers: JSON text in, a status and JSON text out; the HTTP
// routes (serve/) only pass bodies through. Decisions come from the same
// engine as `evaluate` (solver::CaseEngine); corrections from `explain`.
//  - CRD (CDS Hooks): the discovery document, and the order-sign and
//    order-select hooks: each draft order the policy covers is read into a
//    partial case (fhir_mapping.h) and decided; the answer is a systemAction
//    updating the order with the coverage-information extension.
//  - DTR: $questionnaire-package (the whole questionnaire generated from the
//    vocabulary, or the adaptive one) and $next-question (the adaptive form:
//    the next decisive question, or the determination).
// Thread-safe: the service is immutable after construction; each thread
// keeps its own engines (one Z3 context per thread).
#pragma once
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include <nlohmann/json.hpp>

#include "model/case.h"
#include "model/policy.h"
#include "serve/davinci/fhir_mapping.h"
#include "solver/limits.h"

namespace pp::davinci {

using Json = nlohmann::json;

// One response: HTTP status, body (JSON text), and what the audit log records.
struct Reply {
  int status = 200;
  std::string body;
  std::string content_type = "application/json";
  // Audit: one entry per decision made ({"order", "decision", "coverage_assertion_id", ...}).
  Json audit = Json::array();
};

// How a decision maps onto the coverage-information extension (docs/davinci.md).
enum class Determination { Approved, Denied, Undetermined, OutOfScope, Failure };
const char* to_string(Determination d);

struct PolicyEntry {
  std::shared_ptr<const model::Policy> policy;
  std::shared_ptr<const FhirMapping> mapping;
  std::string key;                // lower-case policy id, used in service ids and URLs
  std::string questionnaire_url;  // the whole questionnaire's canonical
  std::string adaptive_url;       // the adaptive questionnaire's canonical
  Json questionnaire;             // generated once
};

struct ServiceOptions {
  solver::Limits limits;      // per Z3 query
  std::string today;          // "YYYY-MM-DD" for `date`; empty: the current UTC date
  std::string service_base;   // the adaptive questionnaire's $next-question base URL; empty: canonical_base
  size_t seed_cache = 4096;   // CRD assertions kept to seed DTR (coverage-assertion-id -> answers)
};

class DavinciService {
 public:
  // Each policy must have a FHIR mapping for its vocabulary (bundled, or given).
  explicit DavinciService(std::vector<std::shared_ptr<const model::Policy>> policies, ServiceOptions options = {},
                          std::vector<std::shared_ptr<const FhirMapping>> mappings = {});
  ~DavinciService();

  // GET /cds-services
  Reply discovery() const;
  // POST /cds-services/{id}; 404 for an unknown id.
  Reply hook(std::string_view service_id, std::string_view body);
  // POST /Questionnaire/$questionnaire-package
  Reply questionnaire_package(std::string_view body);
  // POST /Questionnaire/$next-question
  Reply next_question(std::string_view body);

  const std::vector<PolicyEntry>& policies() const { return entries_; }

  // For tests: the determination of a case as the hook makes it.
  Determination determine(const PolicyEntry& e, const model::Case& c);

 private:
  struct Engines;
  Engines& engines(const PolicyEntry& e);
  Reply crd(const PolicyEntry& e, const std::string& hook, const Json& req);
  Json coverage_information(const PolicyEntry& e, const model::Case& c, const std::string& coverage_ref,
                            bool order_select, bool from_dtr, const Json& billing, Json& audit, Json* cards,
                            const std::string& order_ref, bool issue_pa_id);
  void remember_seed(const std::string& assertion_id, const Json& answers);
  Json recall_seed(const std::string& assertion_id) const;
  void remember_choice(const std::string& key, int slot);
  std::string today() const;

  std::vector<PolicyEntry> entries_;
  ServiceOptions options_;
  mutable std::mutex seed_mutex_;
  std::unordered_map<std::string, Json> seeds_;
  std::vector<std::string> seed_order_;
  std::mutex choice_mutex_;
  std::unordered_map<std::string, int> choices_;  // answers -> the next question's slot
};

// Facts a set of FHIR resources states, by slot path, in the case format
// (exposed for tests): `order` the draft order, `prefetch` the CDS Hooks
// prefetch object (conditions/observations bundles or resources).
Json facts_from_fhir(const model::Vocabulary& vocab, const FhirMapping& m, const Json& order, const Json& prefetch);

// The case-format JSON object of facts by slot path (nested by the path's dots).
Json case_json_from_facts(const model::Vocabulary& vocab, const Json& facts);

// The whole questionnaire of a policy, generated from its vocabulary.
Json make_questionnaire(const model::Policy& policy, const FhirMapping& m, const std::string& url);

// One question item for a slot (linkId = the slot's path).
Json question_item(const model::Policy& policy, const FhirMapping& m, int slot);

// OperationOutcome with one issue.
Json operation_outcome(const std::string& severity, const std::string& code, const std::string& diagnostics,
                       const std::string& expression = "");

}  // namespace pp::davinci
