// The few facts that make a witness a witness (solver layer; Z3-free):
// the witness's known slots, minimized greedily: a slot is left out when,
// without it, three-valued evaluation still gives every claim (decision,
// criteria values, conditions). Kleene evaluation is sound, so every case
// that agrees with the kept facts shows the same claims (the domain
// relations aside). `analyze` prints these instead of the whole case.
#pragma once
#include <functional>
#include <string>
#include <vector>

#include "model/case.h"
#include "model/policy.h"
#include "solver/policy_analyzer.h"

namespace pp::solver {

// Slot indices of `witness` to keep, in vocabulary order. `reading_policy`
// maps a claim's reading ("AMB.id/reading") to its policy.
std::vector<int> deciding_slots(const model::Case& witness, const std::vector<Claim>& claims, const model::Policy& policy,
                                const std::function<const model::Policy&(const std::string&)>& reading_policy);

// "imaging.concordant = true, request.levels = [T5, L1], pain.duration_weeks = 7"
std::string facts_text(const model::Policy& policy, const model::Case& c, const std::vector<int>& slots);

}  // namespace pp::solver
