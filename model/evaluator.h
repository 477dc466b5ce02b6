// The concrete evaluator: Kleene three-valued logic over a case (model layer).
// Sound but not complete on partial cases: a True/False answer holds for every
// completion; Unknown means three-valued logic cannot decide (the Z3 engine can).
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "model/case.h"
#include "model/policy.h"

namespace pp::model {

enum class Tri : std::uint8_t { False = 0, True = 1, Unknown = 2 };
const char* to_string(Tri t);  // "false" | "true" | "unknown"

enum class Decision { MedicallyNecessary, NotMedicallyNecessary, Undetermined };
const char* to_string(Decision d);  // medically_necessary | not_medically_necessary | undetermined
inline Decision decision_of(Tri t) {
  return t == Tri::True ? Decision::MedicallyNecessary
         : t == Tri::False ? Decision::NotMedicallyNecessary : Decision::Undetermined;
}

struct Evaluation {
  Tri decision = Tri::Unknown;
  std::vector<Tri> criteria;  // per criterion index
};

class Evaluator {
 public:
  // Compiles every criterion into a flat postfix program (the batch hot path).
  explicit Evaluator(const Policy& policy);

  // Propagates the domain relations that are clauses (unit propagation), so
  // implied facts count as known; returns the closed case.
  void close_under_relations(Case& c) const;

  // Evaluates every criterion and the decision (after closing `c`).
  Evaluation evaluate(const Case& c) const;
  void evaluate_into(const Case& c, Evaluation& out) const;  // reuses out's storage

  // Value of an expression under the case and the criteria values in `ev`.
  Tri eval(const Expr& e, const Case& c, const Evaluation& ev) const;

 private:
  // One postfix instruction: leaves push a value, Not/And/Or/Count pop `n`.
  enum class Kind : std::uint8_t {
    True, False, Atom, NumCmp, EnumIn, Ref, Decision, Not, And, Or, Count,
    AndLits, OrLits, CountLits,  // fused: over `n` literals at lits_[arg]
  };
  struct Instr {
    Kind kind;
    Cmp cmp;
    std::uint16_t n;
    std::int32_t arg;      // atom or criterion index
    double number;
    std::uint64_t mask;
  };
  void emit(const Expr& e, int depth);

  const Policy& policy_;
  std::vector<Instr> code_;
  std::vector<std::pair<std::int32_t, bool>> lits_;  // (atom, positive)
  std::vector<std::uint32_t> begin_;  // per criterion: its code is [begin_[i], begin_[i+1])
  int max_depth_ = 0;
};

// Derived views of an evaluation, as the outputs report them.
struct PathwayStatus { int criterion; Tri status; };
std::vector<PathwayStatus> pathway_statuses(const Policy& p, const Evaluation& ev);
std::vector<int> applying_exclusions(const Policy& p, const Evaluation& ev);  // value True
std::vector<int> possible_exclusions(const Policy& p, const Evaluation& ev);  // value Unknown
// Criteria that fail on the way to each pathway that is not met (empty when a
// pathway is met): a false All-child, every child of a false Any, down to leaves.
std::vector<int> unmet_criteria(const Policy& p, const Evaluation& ev);
void unmet_criteria_into(const Policy& p, const Evaluation& ev, std::vector<int>& out);  // reuses out

}  // namespace pp::model
