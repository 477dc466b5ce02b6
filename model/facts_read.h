// Which facts a policy reads (model layer): those some criterion's condition
// tests, under the reading in force or under any other named reading. The
// fact vocabulary is shared by two payers' policies, so each has facts the
// other never reads; they cannot change its decisions.
#pragma once
#include <vector>

#include "model/policy.h"

namespace pp::model {

// Per fact of `p.vocab.facts`: 1 when read, else 0.
std::vector<char> facts_read(const Policy& p);

}  // namespace pp::model
