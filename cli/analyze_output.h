// The output of `policyproof analyze` (cli layer): the findings as JSON
// (every witness in full) and as text a person reads (grouped by severity and
// kind, the findings that hold by design folded, witnesses as the few facts
// that make them, wrapped for a terminal).
#pragma once
#include <string>

#include "model/policy.h"
#include "solver/policy_analyzer.h"

namespace pp::cli {

std::string analyze_json(const model::Policy& policy, const solver::Analysis& a);
std::string analyze_text(const model::Policy& policy, const model::PolicySource& source, const solver::Analysis& a);

}  // namespace pp::cli
