// PROVISIONAL: concrete evaluation only. The Z3 path (exact `undetermined`
// and decisive unknowns) lands with the Z3 compiler.
#include "solver/case_engine.h"

namespace pp::solver {

struct CaseEngine::Impl {};

CaseEngine::CaseEngine(std::shared_ptr<const model::Policy> policy, Limits limits)
    : policy_(std::move(policy)), limits_(limits), evaluator_(*policy_) {}
CaseEngine::~CaseEngine() = default;

CaseResult CaseEngine::evaluate(const model::Case& c) {
  CaseResult r;
  evaluate_into(c, r);
  return r;
}

void CaseEngine::evaluate_into(const model::Case& c, CaseResult& out) {
  scratch_ = c;
  evaluator_.close_under_relations(scratch_);
  evaluator_.evaluate_into(scratch_, out.evaluation);
  out.decision = model::decision_of(out.evaluation.decision);
  out.decisive_unknowns.clear();
  out.exact = out.decision != model::Decision::Undetermined;
  out.used_solver = false;
  out.reason.clear();
}

}  // namespace pp::solver
