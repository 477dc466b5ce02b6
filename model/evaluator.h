// The concrete evaluator: Kleene three-valued logic over a case (model layer).
// Sound but not complete on partial cases: a True/False answer holds for every
// completion; Unknown means three-valued logic cannot decide (the Z3 engine can).
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "model/case.h"
#include "model/criteria_program.h"
#include "model/policy.h"
#include "model/tri.h"

namespace pp::model {

// OutOfScope: the policy does not address the case (its `scope:` is false):
// neither an approval nor a denial.
enum class Decision { MedicallyNecessary, NotMedicallyNecessary, Undetermined, OutOfScope };
// medically_necessary | not_medically_necessary | undetermined | out_of_scope
const char* to_string(Decision d);
inline Decision decision_of(Tri t) {
  return t == Tri::True ? Decision::MedicallyNecessary
         : t == Tri::False ? Decision::NotMedicallyNecessary : Decision::Undetermined;
}

struct Evaluation {
  Tri decision = Tri::Unknown;  // approved: in scope, any pathway, no exclusion
  std::vector<Tri> criteria;    // per criterion index
  Tri scope = Tri::True;        // the policy's scope condition (True when it has none)
};

// The decision an evaluation shows: out of scope when the scope is false;
// undetermined while the scope is unknown (approved is then impossible, and
// whether it is a denial or out of scope is open); else decision_of(decision).
inline Decision decision_of(const Evaluation& ev) {
  if (ev.scope == Tri::False) return Decision::OutOfScope;
  if (ev.scope == Tri::Unknown) return Decision::Undetermined;
  return decision_of(ev.decision);
}

class Evaluator {
 public:
  // Compiles every criterion into a flat program (the batch hot path), and
  // the domain relations that are clauses into literal lists.
  explicit Evaluator(const Policy& policy);

  // Propagates the domain relations that are clauses (unit propagation), so
  // implied facts count as known; returns the closed case.
  void close_under_relations(Case& c) const;
  // `c` closed under the relations: `c` itself when closing would change
  // nothing (every atom of the clauses is known, as in a fully stated case:
  // no copy), else a closed copy made in `scratch`.
  const Case& closure(const Case& c, Case& scratch) const;

  // Evaluates every criterion and the decision (after closing `c`).
  Evaluation evaluate(const Case& c) const;
  void evaluate_into(const Case& c, Evaluation& out) const;  // reuses out's storage

  // Value of an expression under the case and the criteria values in `ev`.
  Tri eval(const Expr& e, const Case& c, const Evaluation& ev) const;

  // Index of the first domain relation that is false under `c` (as `eval`
  // judges it), or -1 when none is.
  int first_false_relation(const Case& c) const;

 private:
  using Clause = std::vector<std::pair<int, bool>>;  // (atom, positive)
  const Policy& policy_;
  CriteriaProgram program_;
  std::vector<Clause> clauses_;      // per relation: its literals when it is a clause
  std::vector<char> is_clause_;      // per relation
  std::vector<int> clause_atoms_;    // every atom some clause reads, once
};

// Derived views of an evaluation, as the outputs report them.
struct PathwayStatus { int criterion; Tri status; };
std::vector<PathwayStatus> pathway_statuses(const Policy& p, const Evaluation& ev);
std::vector<int> applying_exclusions(const Policy& p, const Evaluation& ev);  // value True
std::vector<int> possible_exclusions(const Policy& p, const Evaluation& ev);  // value Unknown
// Criteria that fail on the way to each pathway that is not met (empty when a
// pathway is met): a false All-child, every child of a false Any, down to
// leaves. Batches keep a UnmetWalk (unmet_walk.h) instead of laying it out
// again for each case.
std::vector<int> unmet_criteria(const Policy& p, const Evaluation& ev);

}  // namespace pp::model
