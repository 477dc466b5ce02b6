// Exact evaluation of one case: Kleene first, Z3 for what it leaves unknown.
//
// Every query is asked of the residual formulas: the axioms and the decision
// with each known atom replaced by its value (Encoding::fix_known), pushed on
// one incremental solver and popped, so Z3 sees a small formula over the
// unknowns only (no per-case re-assertion of the whole policy).
//  - sat(axioms & decision) and sat(axioms & !decision) say which decisions
//    the completions reach.
//  - Slot s is decisive iff two completions that agree everywhere but on s
//    decide differently: sat(axioms & decision & B(axioms) & !B(decision)),
//    where B renames the atoms of s to a second copy (by symmetry one
//    direction suffices). Cheap concrete witnesses are tried first, and one
//    query that frees every remaining slot at once proves most of them
//    non-decisive together (if no two completions differing on all of them
//    decide differently, none differing on one does).
#include "solver/case_engine.h"

#include <algorithm>

#include "solver/session.h"

namespace pp::solver {

struct CaseEngine::Impl {
  Session session;
  const Encoding& a;
  const Encoding* b_ = nullptr;  // the second copy, for decisive-unknown queries

  z3::solver inc;  // one incremental solver; each query is pushed and popped

  Impl(std::shared_ptr<const model::Policy> policy, Limits limits)
      : session(std::move(policy), limits), a(session.encoding()), inc(session.make_solver()) {}

  const Encoding& b() {
    if (!b_) b_ = &session.copy("!b.");
    return *b_;
  }

  // sat(f); the model goes to `*m` when sat and m is given.
  CheckResult query(const z3::expr& f, std::unique_ptr<z3::model>* m = nullptr) {
    z3::solver& s = inc;
    s.push();
    s.add(f);
    CheckResult r = check(s);
    if (r.answer == Answer::Sat && m) {
      try {
        *m = std::make_unique<z3::model>(s.get_model());
      } catch (const z3::exception& e) {
        r.answer = Answer::Unknown;
        r.reason = std::string("solver error: ") + e.msg();
      }
    }
    s.pop();
    return r;
  }

  // A completion of `closed`: the model's values for the unknown atoms.
  model::Case complete(const model::Case& closed, const z3::model& m) {
    model::Case c = closed;
    a.complete(m, c);
    return c;
  }

  // Two completions agreeing outside `free` slots decide differently?
  CheckResult flips(const z3::expr& ax, const z3::expr& dec, const std::vector<int>& free) {
    z3::expr other = a.rename_slots(ax && !dec, b(), free);
    return query(ax && dec && other);
  }
};

namespace {

// Numbers are compared with constants only, so the constants and their
// neighbours are the values likely to flip a comparison.
void collect_constants(const model::Expr& e, std::vector<std::vector<double>>& out) {
  if (e.op == model::Op::NumCmp) out[static_cast<size_t>(e.atom)].push_back(e.number);
  for (const auto& k : e.kids) collect_constants(k, out);
}

}  // namespace

CaseEngine::CaseEngine(std::shared_ptr<const model::Policy> policy, Limits limits)
    : policy_(std::move(policy)), limits_(limits), evaluator_(*policy_) {
  const auto& v = policy_->vocab;
  std::vector<std::vector<double>> constants(v.atoms.size());
  for (const auto& c : policy_->criteria) collect_constants(c.expr, constants);
  probe_values_.resize(v.atoms.size());
  for (size_t a = 0; a < v.atoms.size(); ++a) {
    const auto& f = v.facts[static_cast<size_t>(v.atoms[a].fact)];
    auto& p = probe_values_[a];
    switch (v.atoms[a].type) {
      case model::AtomType::Bool: p = {0, 1}; break;
      case model::AtomType::Enum:
        for (size_t i = 0; i < f.values.size(); ++i) p.push_back(static_cast<double>(i));
        break;
      case model::AtomType::Number:
        p.push_back(f.min);
        for (double c : constants[a])
          for (double x : {c - 1, c, c + 1})
            if (x >= f.min && x <= f.max) p.push_back(x);
        std::sort(p.begin(), p.end());
        p.erase(std::unique(p.begin(), p.end()), p.end());
        break;
    }
  }
}
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
  const model::Case& closed = evaluator_.closure(c, scratch_);
  evaluator_.evaluate_into(closed, out.evaluation);
  out.decision = model::decision_of(out.evaluation);
  out.decisive_unknowns.clear();
  out.exact = true;
  out.used_solver = false;
  out.reason.clear();
  // Three-valued logic is sound: a True/False decision holds for every completion.
  if (out.decision != model::Decision::Undetermined) return;
  solve(closed, out);
}

CaseResult CaseEngine::evaluate_with_solver(const model::Case& c) {
  CaseResult out;
  const model::Case& closed = evaluator_.closure(c, scratch_);
  evaluator_.evaluate_into(closed, out.evaluation);
  solve(closed, out);
  return out;
}

void CaseEngine::solve(const model::Case& closed, CaseResult& out) {
  Impl& z = impl();
  out.used_solver = true;
  out.exact = true;
  out.reason.clear();
  out.decisive_unknowns.clear();
  out.decision = model::Decision::Undetermined;

  const z3::expr ax = z.a.fix_known(z.a.axioms(), closed);
  const z3::expr dec = z.a.fix_known(z.a.decision(), closed);
  std::vector<model::Case> completions;  // one approved and one denied completion, when both exist
  std::unique_ptr<z3::model> m;
  CheckResult can_approve = z.query(ax && dec, &m);
  if (can_approve.answer == Answer::Sat) completions.push_back(z.complete(closed, *m));
  CheckResult can_deny = z.query(ax && !dec, &m);
  if (can_deny.answer == Answer::Sat) completions.push_back(z.complete(closed, *m));

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
  if (can_approve.answer == Answer::Unsat) {
    if (policy_->scope < 0) { out.decision = model::Decision::NotMedicallyNecessary; return; }
    // Never approved: a denial, out of scope, or open between the two.
    const z3::expr scope = z.a.fix_known(z.a.in_scope(), closed);
    CheckResult can_in = z.query(ax && scope, nullptr);
    CheckResult can_out = z.query(ax && !scope, nullptr);
    if (can_in.answer == Answer::Unknown || can_out.answer == Answer::Unknown) {
      out.exact = false;
      out.reason = can_in.answer == Answer::Unknown ? can_in.reason : can_out.reason;
      return;
    }
    if (can_in.answer == Answer::Unsat) { out.decision = model::Decision::OutOfScope; return; }
    if (can_out.answer == Answer::Unsat) { out.decision = model::Decision::NotMedicallyNecessary; return; }
    // Undetermined between the two: the unknown slots that move the case in
    // or out of scope on their own are decisive.
    const auto& support = z.a.slot_in_support();
    for (size_t s = 0; s < policy_->vocab.slots.size(); ++s) {
      if (!support[s] || closed.slot_known(policy_->vocab.slots[s])) continue;
      CheckResult r = z.flips(ax, scope, {static_cast<int>(s)});
      if (r.answer == Answer::Unknown) {
        out.exact = false;
        out.reason = r.reason;
      }
      if (r.answer == Answer::Sat) out.decisive_unknowns.push_back(static_cast<int>(s));
    }
    return;
  }

  // Undetermined: which unknown slots can flip the decision on their own?
  // Candidates: unknown slots some criterion reads (a known slot cannot
  // differ; an unread one cannot change the decision).
  const auto& vocab = policy_->vocab;
  const auto& support = z.a.slot_in_support();
  std::vector<char> decisive(vocab.slots.size(), 0);
  std::vector<int> candidates;
  for (size_t s = 0; s < vocab.slots.size(); ++s)
    if (support[s] && !closed.slot_known(vocab.slots[s])) candidates.push_back(static_cast<int>(s));

  // 1. Concrete witnesses first (cheap, and sound: two consistent completions
  //    one slot apart with different decisions): change one candidate slot of
  //    each completion Z3 found, and walk from one completion to the other.
  find_witnesses(closed, completions, candidates, decisive);
  std::vector<int> rest;
  for (int s : candidates)
    if (!decisive[static_cast<size_t>(s)]) rest.push_back(s);

  // 2. Z3 for the rest: one query letting every remaining slot differ at once
  //    (unsat proves none of them decisive), then one query per slot if needed.
  auto flips = [&](const std::vector<int>& free) {
    CheckResult r = z.flips(ax, dec, free);
    if (r.answer == Answer::Unknown) {
      out.exact = false;
      out.reason = r.reason;
    }
    return r.answer;
  };
  if (rest.size() == 1 || (!rest.empty() && flips(rest) != Answer::Unsat))
    for (int s : rest)
      if (flips({s}) == Answer::Sat) decisive[static_cast<size_t>(s)] = 1;
  for (int s : candidates)
    if (decisive[static_cast<size_t>(s)]) out.decisive_unknowns.push_back(s);
}

void CaseEngine::find_witnesses(const model::Case& closed, std::vector<model::Case>& completions,
                                const std::vector<int>& candidates, std::vector<char>& decisive) {
  const auto& v = policy_->vocab;
  model::Evaluation ev;
  auto consistent = [&](const model::Case& c) {
    for (const auto& f : v.facts) {
      if (f.type != model::FactType::EnumSet) continue;
      bool some = false;
      for (int a : f.atoms) some |= c.value[static_cast<size_t>(a)] != 0;
      if (!some) return false;  // a request names at least one level
    }
    for (const auto& r : policy_->relations)
      if (evaluator_.eval(r.expr, c, ev) != model::Tri::True) return false;
    return true;
  };
  auto decide = [&](const model::Case& c) {
    evaluator_.evaluate_into(c, ev);
    return ev.decision;  // INVARIANT: c is fully specified, so True or False
  };

  // One slot changed at a time around each completion.
  for (auto& base : completions) {
    model::Tri d0 = decide(base);
    for (int s : candidates) {
      if (decisive[static_cast<size_t>(s)]) continue;
      const auto& atoms = v.slots[static_cast<size_t>(s)].atoms;
      bool found = false;
      if (atoms.size() > 1) {
        // A set: add or drop one member the case leaves unknown.
        for (int a : atoms) {
          if (found || closed.known[static_cast<size_t>(a)]) continue;
          double& x = base.value[static_cast<size_t>(a)];
          x = x != 0 ? 0 : 1;
          found = consistent(base) && decide(base) != d0;
          x = x != 0 ? 0 : 1;
        }
      } else {
        double& x = base.value[static_cast<size_t>(atoms[0])];
        double saved = x;
        for (double y : probe_values_[static_cast<size_t>(atoms[0])]) {
          if (y == saved) continue;
          x = y;
          if (consistent(base) && decide(base) != d0) { found = true; break; }
        }
        x = saved;
      }
      if (found) decisive[static_cast<size_t>(s)] = 1;
    }
  }

  // A walk from the approved completion to the denied one, one slot at a time:
  // where two consistent neighbours decide differently, their slot is decisive.
  if (completions.size() != 2) return;
  model::Case cur = completions[0];
  const model::Case& target = completions[1];
  bool cur_ok = true;
  model::Tri cur_d = decide(cur);
  for (int s : candidates) {
    bool differs = false;
    for (int a : v.slots[static_cast<size_t>(s)].atoms) {
      differs |= cur.value[static_cast<size_t>(a)] != target.value[static_cast<size_t>(a)];
      cur.value[static_cast<size_t>(a)] = target.value[static_cast<size_t>(a)];
    }
    if (!differs) continue;
    bool ok = consistent(cur);
    model::Tri d = ok ? decide(cur) : model::Tri::Unknown;
    if (ok && cur_ok && d != cur_d) decisive[static_cast<size_t>(s)] = 1;
    cur_ok = ok;
    cur_d = d;
  }
}

bool CaseEngine::is_decisive(const model::Case& c, int slot, bool* exact) {
  model::Case closed = c;
  evaluator_.close_under_relations(closed);
  Impl& z = impl();
  CheckResult r = z.flips(z.a.fix_known(z.a.axioms(), closed), z.a.fix_known(z.a.decision(), closed), {slot});
  if (exact) *exact = r.answer != Answer::Unknown;
  return r.answer == Answer::Sat;
}

}  // namespace pp::solver
