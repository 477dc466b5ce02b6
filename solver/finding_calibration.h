// Severities of analysis findings calibrated for the person reading them
// (solver layer; Z3-free): an encoding that contradicts its text and a dead
// pathway are errors; what holds by the policy's design is info. Applied by
// `analyze` after the analysis and the text checks.
#pragma once
#include "solver/policy_analyzer.h"

namespace pp::solver {

// Lowers to info the findings that restate the policy's own design:
//  - `ambiguity`: the consequences of a reading the policy file names itself
//    (under `ambiguities:`, with its other readings);
//  - `conflict` with a definition: a term defined broadly whose techniques
//    the text then excludes one by one (the exclusion is the text's own).
// Every other severity is kept. Returns how many findings it lowered.
int calibrate_severities(Analysis& a);

}  // namespace pp::solver
