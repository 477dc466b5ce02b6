#include "explain/case_reasons.h"

#include "model/billing_check.h"

namespace pp::explain {

CaseReasons case_reasons(const model::Policy& p, const model::Case& original, const Explanation& e) {
  CaseReasons r;
  r.why = model::build_why(p, e.closed, e.result.evaluation, e.result.decision);
  // Not owned: the checker lives only in this call.
  std::shared_ptr<const model::Policy> view(&p, [](const model::Policy*) {});
  solver::ReadingChecker(view).depends_on(e.closed, e.result, r.depends_on);
  r.warnings = model::billing_warnings(p, original);
  return r;
}

std::string case_reasons_json_fields(const model::Policy& p, const CaseReasons& r) {
  std::string out = ",\"why\":";
  model::append_why_json(out, p, r.why);
  out += ",\"depends_on\":";
  solver::append_depends_on_json(out, p, r.depends_on);
  out += ",\"warnings\":";
  model::append_string_array_json(out, r.warnings);
  return out;
}

std::string case_reasons_text(const model::Policy& p, const CaseReasons& r) {
  std::string out;
  for (const auto& d : r.depends_on) out += "warning: " + solver::dependence_text(p, d) + "\n";
  for (const auto& w : r.warnings) out += "warning: billing: " + w + "\n";
  out += model::why_text(p, r.why);
  return out;
}

}  // namespace pp::explain
