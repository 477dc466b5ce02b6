// The one path every witness and counterexample takes (solver layer;
// solver-internal, includes z3++.h), after Cedar's decoder and concretizer:
// decode the model into a case, replay it through the concrete evaluator, and,
// when a number was read as a rational between two doubles, pin every number
// to the double it was decoded as and ask again. Also the one test of "the
// domain relations hold" on a decoded case.
#pragma once
#include <functional>
#include <optional>
#include <vector>

#include <z3++.h>

#include "model/case.h"
#include "model/evaluator.h"
#include "model/policy.h"
#include "solver/encoding.h"

namespace pp::solver {

// The first domain relation of `p` that is not True on `c` (evaluated as `e`),
// or nullptr when every relation holds.
const model::Relation* broken_relation(const model::Policy& p, const model::Evaluator& ev, const model::Case& c,
                                       const model::Evaluation& e);

// `number atom == the double c holds for it`, for every number atom of `enc`'s
// vocabulary, built through the encoding (Encoding::atom_is).
z3::expr_vector pinned_numbers(const Encoding& enc, const model::Case& c);

struct Witness {
  std::vector<model::Case> cases;  // one per encoding, in order
  bool replays = false;            // `replays` accepted the cases
  std::optional<z3::model> model;  // the model the cases were decoded from
};

// `s` has just answered sat. Decodes its model through each of `encodings`
// and asks `replays` (which sees the model as well); if it refuses, pins the
// numbers of every case (pinned_numbers), asks `s` again inside a push/pop
// and, when that is sat, decodes and replays once more. The caller decides
// what a witness that still does not replay means (it is a bug).
Witness decode_and_replay(z3::solver& s, const std::vector<const Encoding*>& encodings,
                          const std::function<bool(const z3::model&, const std::vector<model::Case>&)>& replays);

}  // namespace pp::solver
