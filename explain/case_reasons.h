// The reasons part of an explanation (explain layer): the reasons as data
// (model/reason_builder.h), the readings the decision rests on
// (solver/reading_checker.h) and the billing warnings (model/billing_check.h),
// as `explain` writes them beside `reasons`.
#pragma once
#include <string>
#include <vector>

#include "explain/explainer.h"
#include "model/reason_builder.h"
#include "solver/reading_checker.h"

namespace pp::explain {

struct CaseReasons {
  std::vector<model::WhyItem> why;
  std::vector<solver::ReadingDependence> depends_on;
  std::vector<std::string> warnings;
};

// `original`: the case as read; `e`: its explanation.
CaseReasons case_reasons(const model::Policy& p, const model::Case& original, const Explanation& e);

// `,"why":[...],"depends_on":[...],"warnings":[...]`.
std::string case_reasons_json_fields(const model::Policy& p, const CaseReasons& r);
// The warning lines, then the reasons in reading order.
std::string case_reasons_text(const model::Policy& p, const CaseReasons& r);

}  // namespace pp::explain
