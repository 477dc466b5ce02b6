// Evaluation of one case, exactly (solver layer): the concrete evaluator
// answers whatever three-valued logic decides; the Z3 encoding answers the
// rest, and names the unknown facts that can still change the decision.
#pragma once
#include <memory>
#include <string>
#include <vector>

#include "model/case.h"
#include "model/evaluator.h"
#include "model/policy.h"

namespace pp::solver {

struct CaseResult {
  model::Decision decision = model::Decision::Undetermined;
  model::Evaluation evaluation;         // three-valued values of every criterion
  std::vector<int> decisive_unknowns;   // slot indices, in vocabulary order
  bool exact = true;                    // false when Z3 hit a limit (reason says why)
  bool used_solver = false;             // true when Z3 was consulted
  std::string reason;
};

struct Limits {
  unsigned timeout_ms = 5000;  // wall-clock guard per query
  unsigned rlimit = 0;         // deterministic resource limit (0 = none)
};

class CaseEngine {
 public:
  explicit CaseEngine(std::shared_ptr<const model::Policy> policy, Limits limits = {});
  ~CaseEngine();
  CaseEngine(const CaseEngine&) = delete;
  CaseEngine& operator=(const CaseEngine&) = delete;

  // The exact decision of `c` over every completion consistent with the
  // domain relations; `c` is taken as read (relations are closed inside).
  CaseResult evaluate(const model::Case& c);
  void evaluate_into(const model::Case& c, CaseResult& out);  // hot path: reuses storage

  const model::Policy& policy() const { return *policy_; }

 private:
  struct Impl;
  std::shared_ptr<const model::Policy> policy_;
  Limits limits_;
  model::Evaluator evaluator_;
  model::Case scratch_;
  std::unique_ptr<Impl> impl_;  // the Z3 session, created on first need
};

}  // namespace pp::solver
