// Billing consistency (model layer): whether a request's codes agree with its
// technique and levels, by the policy's `codes:` table. Never a decision, only
// warnings: the criteria decide on the technique and the levels.
#pragma once
#include <string>
#include <vector>

#include "model/case.h"
#include "model/policy.h"

namespace pp::model {

// One sentence per disagreement, in code order then the counts: a code for
// another procedure than the technique (a sacroplasty code on a vertebra, a
// kyphoplasty code with a vertebroplasty), a code for none of the requested
// levels (a cervicothoracic code for a lumbar level), a level no code
// describes, primary units other than 1, add-on units other than levels - 1.
// Empty when the case states no codes or the policy has no codes table.
std::vector<std::string> billing_warnings(const Policy& p, const Case& c);

}  // namespace pp::model
