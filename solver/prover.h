// Checks properties of a policy over all cases (solver layer; Z3-free header).
// Each property becomes one proof obligation on the policy's encoding:
//   always E     axioms(A) and not E(A)             sat = violated (counterexample)
//   exists E     axioms(A) and E(A)                 sat = proved (witness)
//   monotone     axioms(A), axioms(B), B = A except the growing facts, which
//                only grow, and dec(A) = deny, dec(B) = approve (never: approve)
//                or the reverse (never: deny)     sat = violated (the pair A, B)
// Every case shown is decoded from the Z3 model and replayed through the
// concrete evaluator first; a case that does not replay is an internal error.
#pragma once
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "model/case.h"
#include "model/policy.h"
#include "model/properties.h"
#include "solver/limits.h"

namespace pp::solver {

enum class Status { Proved, Violated, Unknown };
const char* to_string(Status s);  // proved | violated | unknown

struct Outcome {
  std::string id;  // the property's id
  Status status = Status::Unknown;
  // always: a case where the property is false; monotone: the case before the
  // change (its decision is the one that must not flip).
  std::optional<model::Case> counterexample;
  // monotone: the case after the change (the listed facts grown, the rest equal).
  std::optional<model::Case> counterexample_after;
  // exists, proved: a case where the expression holds.
  std::optional<model::Case> witness;
  std::string reason;  // unknown: the solver's reason (e.g. "timeout", "max. resource limit exceeded")
};

class Prover {
 public:
  explicit Prover(std::shared_ptr<const model::Policy> policy, Limits limits = {});
  ~Prover();
  Prover(const Prover&) = delete;
  Prover& operator=(const Prover&) = delete;

  // Checks one property (of the prover's policy). Counterexamples and witnesses
  // carry case_id `counterexample-<id>`, `counterexample-<id>-after`, `witness-<id>`.
  // Throws std::logic_error when a decoded case does not replay (a bug).
  Outcome prove(const model::Property& p);

  // The property's proof obligation as a standalone SMT-LIB 2 script (logic
  // ALL, ending with (check-sat)); comments say what `sat` means.
  std::string smt2(const model::Property& p);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// What a `sat` answer to the property's obligation means: Violated (always,
// monotone) or Proved (exists); `unsat` means the other one.
Status sat_means(const model::Property& p);

}  // namespace pp::solver
