// Evaluation of one case, exactly (solver layer): the concrete evaluator
// answers whatever three-valued logic decides; the Z3 encoding answers the
// rest, and names the unknown facts that can still change the decision.
//
// Exact semantics (issue 4): a partial case is medically necessary (or not)
// when every completion consistent with the domain relations is; otherwise it
// is undetermined. An unknown slot is decisive when two such completions that
// agree on every other slot get different decisions.
#pragma once
#include <memory>
#include <string>
#include <vector>

#include "model/case.h"
#include "model/evaluator.h"
#include "model/policy.h"
#include "solver/limits.h"

namespace pp::solver {

struct CaseResult {
  model::Decision decision = model::Decision::Undetermined;
  model::Evaluation evaluation;         // three-valued values of every criterion
  std::vector<int> decisive_unknowns;   // slot indices, in vocabulary order
  bool exact = true;                    // false when Z3 hit a limit (reason says why)
  bool used_solver = false;             // true when Z3 was consulted
  std::string reason;
};

class CaseEngine {
 public:
  explicit CaseEngine(std::shared_ptr<const model::Policy> policy, Limits limits = {});
  ~CaseEngine();
  CaseEngine(const CaseEngine&) = delete;
  CaseEngine& operator=(const CaseEngine&) = delete;

  // The exact decision of `c` over every completion consistent with the
  // domain relations; `c` is taken as read (relations are closed inside).
  // Z3 is consulted only when three-valued logic leaves the decision unknown,
  // so fully specified cases never reach it.
  CaseResult evaluate(const model::Case& c);
  void evaluate_into(const model::Case& c, CaseResult& out);  // hot path: reuses storage

  // The same answer computed by Z3 alone, whatever three-valued logic says
  // (`evaluation` is still the concrete one). For differential tests.
  CaseResult evaluate_with_solver(const model::Case& c);

  // Whether slot `slot` is decisive for `c` (the definition above), asked of
  // Z3 directly; Unknown answers count as false and clear `*exact`.
  bool is_decisive(const model::Case& c, int slot, bool* exact = nullptr);

  const model::Policy& policy() const { return *policy_; }

 private:
  struct Impl;
  void solve(const model::Case& closed, CaseResult& out);
  // Marks candidate slots shown decisive by concrete witnesses around the
  // given full completions of `closed` (sound, not complete).
  void find_witnesses(const model::Case& closed, std::vector<model::Case>& completions,
                      const std::vector<int>& candidates, std::vector<char>& decisive);
  Impl& impl();

  std::shared_ptr<const model::Policy> policy_;
  Limits limits_;
  model::Evaluator evaluator_;
  model::Case scratch_;
  std::vector<std::vector<double>> probe_values_;  // per atom: values worth trying for a witness
  std::unique_ptr<Impl> impl_;  // the Z3 session, created on first need
};

}  // namespace pp::solver
