// The FHIR-code-to-fact mapping of a vocabulary, as data
// (model/policies/<vocabulary>.fhir.yaml; docs/davinci.md): which codes of a
// draft order, its body site, prefetched Conditions and Observations state
// which case facts; how the questionnaires show number facts; which
// questions are shown only given an earlier answer.
#pragma once
#include <map>
#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "model/vocabulary.h"

namespace pp::davinci {

using Json = nlohmann::json;

// One fact a code states: a slot path of the vocabulary (a fact, or a group
// member) and its value in the case format (true, 3, "vertebroplasty", ["L1"]).
struct FactSetting {
  std::string path;
  Json value;
};

struct OrderCode {
  std::string code;
  std::vector<FactSetting> set;
  std::string note;
};

struct ConditionRule {
  std::vector<std::string> codes;  // prefixes, normalized (upper case, no dots)
  std::vector<std::string> with;   // the rule needs one of these too (normalized prefixes)
  std::vector<FactSetting> set;
  std::string note;
};

struct ObservationRule {
  std::string system, code;
  std::string fact;                      // slot path
  std::map<std::string, double> units;   // UCUM unit -> factor to the fact's unit
};

struct Payer {
  std::string system, value;
};

struct QuestionUnit {
  std::string code, display;  // UCUM
};

struct EnableWhen {
  std::string question;  // slot path shown only when...
  std::string when;      // ...this slot's answer...
  Json equals;           // ...equals this
};

struct BodySiteCode {
  std::string system, code;
  std::vector<std::string> levels;
};

struct FhirMapping {
  std::string id;  // the vocabulary's id
  std::string file;
  std::string canonical_base;
  std::string policy_link;       // with {policy}, {version}, {criterion}
  std::string fact_code_system;
  std::vector<Payer> payers;     // empty: any payer
  std::vector<std::string> order_types;
  std::vector<std::string> order_code_systems;
  std::vector<OrderCode> order_codes;
  bool read_level_names = true;
  std::vector<BodySiteCode> body_site_codes;
  std::vector<std::string> condition_systems;
  std::vector<ConditionRule> condition_rules;
  std::vector<ObservationRule> observations;
  std::map<std::string, QuestionUnit> units;  // slot path -> unit
  std::vector<EnableWhen> enable_when;

  const OrderCode* find_order_code(const std::string& code) const;
};

// Parses a mapping file's text against the vocabulary; throws
// model::DiagnosticError (file:line:col) on anything it does not know.
FhirMapping load_fhir_mapping(const std::string& text, const std::string& file, const model::Vocabulary& vocab);

// The bundled mapping of a vocabulary (`<vocabulary id>.fhir.yaml`), or null
// when none is bundled.
std::shared_ptr<const FhirMapping> load_bundled_fhir_mapping(const model::Vocabulary& vocab);

// An ICD-10-CM code as the rules compare it: upper case, dots removed.
std::string normalize_icd(const std::string& code);

// "" when `value` is a valid case-format value of slot `path`, else what was expected.
std::string check_fact_value(const model::Vocabulary& vocab, const std::string& path, const Json& value);

}  // namespace pp::davinci
