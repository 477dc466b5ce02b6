// Exact evaluation of one case: Kleene first, Z3 for what it leaves unknown.
//
// Two solvers, created on the first case three-valued logic cannot decide:
//  - `single`: axioms(A) and a literal d <-> decision(A). A case is pushed,
//    then sat(d) and sat(!d) say which decisions its completions reach.
//  - `pair`: two copies A and B of the vocabulary with axioms(A), axioms(B),
//    decision(A), !decision(B), and one selector per slot t with
//    sel_t -> (A_t == B_t). Slot s is decisive iff, with the case asserted on
//    both copies, assuming every sel_t but sel_s is satisfiable: two
//    completions that agree everywhere but on s decide differently (by
//    symmetry one direction suffices).
#include "solver/case_engine.h"

#include "solver/session.h"

namespace pp::solver {

struct CaseEngine::Impl {
  Session session;
  const Encoding& a;
  z3::solver single;
  z3::expr decided;  // d <-> decision(A)
  const Encoding* b_ = nullptr;  // copy B, created with `pair`
  std::unique_ptr<z3::solver> pair;
  std::vector<z3::expr> same;  // per slot: selector of A_t == B_t

  Impl(std::shared_ptr<const model::Policy> policy, Limits limits)
      : session(std::move(policy), limits),
        a(session.encoding()),
        single(session.make_solver()),
        decided(session.ctx().bool_const("!decision")) {
    single.add(a.axioms());
    single.add(decided == a.decision());
  }

  z3::solver& pair_solver() {
    if (pair) return *pair;
    const Encoding& b = session.copy("!b.");
    pair = std::make_unique<z3::solver>(session.make_solver());
    pair->add(a.axioms());
    pair->add(b.axioms());
    pair->add(a.decision());
    pair->add(!b.decision());
    const auto& slots = session.policy().vocab.slots;
    for (size_t t = 0; t < slots.size(); ++t) {
      z3::expr sel = session.ctx().bool_const(("!same." + slots[t].path).c_str());
      pair->add(z3::implies(sel, a.same_slot(b, static_cast<int>(t))));
      same.push_back(sel);
    }
    b_ = &b;
    return *pair;
  }
  const Encoding& b() { pair_solver(); return *b_; }
};

CaseEngine::CaseEngine(std::shared_ptr<const model::Policy> policy, Limits limits)
    : policy_(std::move(policy)), limits_(limits), evaluator_(*policy_) {}
CaseEngine::~CaseEngine() = default;

CaseEngine::Impl& CaseEngine::impl() {
  if (!impl_) impl_ = std::make_unique<Impl>(policy_, limits_);
  return *impl_;
}

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
  out.exact = true;
  out.used_solver = false;
  out.reason.clear();
  // Three-valued logic is sound: a True/False decision holds for every completion.
  if (out.decision != model::Decision::Undetermined) return;
  solve(scratch_, out);
}

CaseResult CaseEngine::evaluate_with_solver(const model::Case& c) {
  CaseResult out;
  scratch_ = c;
  evaluator_.close_under_relations(scratch_);
  evaluator_.evaluate_into(scratch_, out.evaluation);
  solve(scratch_, out);
  return out;
}

void CaseEngine::solve(const model::Case& closed, CaseResult& out) {
  Impl& z = impl();
  out.used_solver = true;
  out.exact = true;
  out.reason.clear();
  out.decisive_unknowns.clear();
  out.decision = model::Decision::Undetermined;

  z.single.push();
  z.single.add(z.a.case_constraint(closed));
  z3::expr_vector yes(z.session.ctx()), no(z.session.ctx());
  yes.push_back(z.decided);
  no.push_back(!z.decided);
  CheckResult can_approve = check(z.single, yes);
  CheckResult can_deny = check(z.single, no);
  z.single.pop();

  if (can_approve.answer == Answer::Unknown || can_deny.answer == Answer::Unknown) {
    out.exact = false;
    out.reason = can_approve.answer == Answer::Unknown ? can_approve.reason : can_deny.reason;
    return;
  }
  if (can_approve.answer == Answer::Unsat && can_deny.answer == Answer::Unsat) {
    out.exact = false;
    out.reason = "the case contradicts the domain relations (no completion is consistent)";
    return;
  }
  if (can_deny.answer == Answer::Unsat) { out.decision = model::Decision::MedicallyNecessary; return; }
  if (can_approve.answer == Answer::Unsat) { out.decision = model::Decision::NotMedicallyNecessary; return; }

  // Undetermined: which unknown slots can flip the decision on their own?
  const auto& vocab = policy_->vocab;
  const auto& support = z.a.slot_in_support();
  z3::solver& pair = z.pair_solver();
  pair.push();
  pair.add(z.a.case_constraint(closed));
  pair.add(z.b().case_constraint(closed));
  for (size_t s = 0; s < vocab.slots.size(); ++s) {
    // A slot no criterion reads cannot change the decision; a known one cannot differ.
    if (!support[s] || closed.slot_known(vocab.slots[s])) continue;
    z3::expr_vector assume(z.session.ctx());
    for (size_t t = 0; t < vocab.slots.size(); ++t)
      if (t != s) assume.push_back(z.same[t]);
    CheckResult r = check(pair, assume);
    if (r.answer == Answer::Sat) out.decisive_unknowns.push_back(static_cast<int>(s));
    if (r.answer == Answer::Unknown) {
      out.exact = false;
      out.reason = r.reason;
    }
  }
  pair.pop();
}

bool CaseEngine::is_decisive(const model::Case& c, int slot, bool* exact) {
  model::Case closed = c;
  evaluator_.close_under_relations(closed);
  Impl& z = impl();
  z3::solver& pair = z.pair_solver();
  pair.push();
  pair.add(z.a.case_constraint(closed));
  pair.add(z.b().case_constraint(closed));
  z3::expr_vector assume(z.session.ctx());
  for (size_t t = 0; t < z.same.size(); ++t)
    if (static_cast<int>(t) != slot) assume.push_back(z.same[t]);
  CheckResult r = check(pair, assume);
  pair.pop();
  if (exact) *exact = r.answer != Answer::Unknown;
  return r.answer == Answer::Sat;
}

}  // namespace pp::solver
