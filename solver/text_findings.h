// The text-against-encoding checks (model/text_lint.h) as analysis findings
// (solver layer; Z3-free header and source): analyze_policy reports them
// first, before the analyses of solver/analysis/.
#pragma once
#include <string>
#include <vector>

#include "model/policy.h"
#include "solver/policy_analyzer.h"

namespace pp::solver {

// One finding per lint finding: same kind and severity, the criterion as its
// criteria, the quote as its subject. `policy_dir` is where the policy file
// lies ("" for the bundled policy): its source text is looked for there first.
std::vector<Finding> text_findings(const model::Policy& policy, const std::string& policy_dir);

}  // namespace pp::solver
