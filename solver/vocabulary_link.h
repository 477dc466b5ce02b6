// Linking two policies' vocabularies for a joint query (solver layer,
// internal to the differs: policy_differ.cpp, payer_differ.cpp).
#pragma once
#include <string>

#include <z3++.h>

#include "model/case.h"
#include "model/evaluator.h"
#include "model/policy.h"
#include "solver/encoding.h"

namespace pp::solver {

// Atom index of `from`'s atom `atom` in `to`, by name and with the same type, or -1.
int matching_atom(const model::Vocabulary& from, int atom, const model::Vocabulary& to);

// Links two encodings' case variables by name (the same type); enum values by
// value name. Values (and enum facts) one side lacks are left out of the
// comparison, so every witness can be read by both.
void link_vocabularies(z3::solver& s, const Encoding& A, const Encoding& B);

// A witness that does not replay through the concrete evaluator: a bug.
[[noreturn]] void replay_failed(const std::string& what);

// Whether `c` satisfies `p`'s domain relations.
bool relations_hold(const model::Policy& p, const model::Evaluator& ev, const model::Case& c,
                    const model::Evaluation& e);

}  // namespace pp::solver
