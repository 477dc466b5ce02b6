#include "model/evaluator.h"

#include <algorithm>
#include <cmath>
#include <functional>

#include "model/unmet_walk.h"

namespace pp::model {

const char* to_string(Tri t) {
  switch (t) {
    case Tri::False: return "false";
    case Tri::True: return "true";
    case Tri::Unknown: return "unknown";
  }
  return "?";
}

const char* to_string(Decision d) {
  switch (d) {
    case Decision::MedicallyNecessary: return "medically_necessary";
    case Decision::NotMedicallyNecessary: return "not_medically_necessary";
    case Decision::Undetermined: return "undetermined";
    case Decision::OutOfScope: return "out_of_scope";
  }
  return "?";
}

namespace {

// A relation that is a clause (an or of literals over bool atoms): its literals.
bool as_clause(const Expr& e, std::vector<std::pair<int, bool>>& lits) {
  switch (e.op) {
    case Op::Atom: lits.emplace_back(e.atom, true); return true;
    case Op::Not:
      if (e.kids[0].op == Op::Atom) { lits.emplace_back(e.kids[0].atom, false); return true; }
      return false;
    case Op::Or:
      for (const auto& k : e.kids)
        if (!as_clause(k, lits)) return false;
      return true;
    default: return false;
  }
}

}  // namespace

Evaluator::Evaluator(const Policy& policy) : policy_(policy), program_(policy) {
  for (const auto& r : policy_.relations) {
    Clause lits;
    bool clause = as_clause(r.expr, lits);
    is_clause_.push_back(clause ? 1 : 0);
    if (clause)
      for (auto [a, pos] : lits) clause_atoms_.push_back(a);
    clauses_.push_back(clause ? std::move(lits) : Clause{});
  }
  std::sort(clause_atoms_.begin(), clause_atoms_.end());
  clause_atoms_.erase(std::unique(clause_atoms_.begin(), clause_atoms_.end()), clause_atoms_.end());
}

void Evaluator::close_under_relations(Case& c) const {
  // Unit propagation to a fixpoint; relations are few, so a simple loop does.
  bool changed = true;
  while (changed) {
    changed = false;
    for (size_t r = 0; r < clauses_.size(); ++r) {
      if (!is_clause_[r]) continue;
      const Clause& lits = clauses_[r];
      int unknown = -1, n_unknown = 0;
      bool satisfied = false;
      for (auto [a, pos] : lits) {
        if (!c.known[a]) { unknown = a; ++n_unknown; continue; }
        if ((c.value[a] != 0) == pos) satisfied = true;
      }
      if (satisfied || n_unknown != 1) continue;
      for (auto [a, pos] : lits)
        if (a == unknown) { c.set(a, pos ? 1.0 : 0.0); changed = true; }
    }
  }
}

Tri Evaluator::eval(const Expr& e, const Case& c, const Evaluation& ev) const {
  switch (e.op) {
    case Op::True: return Tri::True;
    case Op::False: return Tri::False;
    case Op::Atom:
      if (!c.known[e.atom]) return Tri::Unknown;
      return c.value[e.atom] != 0 ? Tri::True : Tri::False;
    case Op::NumCmp:
      if (!c.known[e.atom]) return Tri::Unknown;
      return compare(c.value[e.atom], e.cmp, e.number) ? Tri::True : Tri::False;
    case Op::EnumIn:
      if (!c.known[e.atom]) return Tri::Unknown;
      return (e.mask >> static_cast<int>(c.value[e.atom])) & 1 ? Tri::True : Tri::False;
    case Op::Count: {
      int lo = 0, unk = 0;
      for (const auto& k : e.kids) {
        Tri t = eval(k, c, ev);
        if (t == Tri::True) ++lo;
        else if (t == Tri::Unknown) ++unk;
      }
      // The count lies in [lo, lo+unk]; decided when the comparison agrees on every value.
      bool any_true = false, any_false = false;
      for (int n = lo; n <= lo + unk; ++n) {
        if (compare(n, e.cmp, e.number)) any_true = true; else any_false = true;
        if (any_true && any_false) return Tri::Unknown;
      }
      return any_true ? Tri::True : Tri::False;
    }
    case Op::Not: {
      Tri t = eval(e.kids[0], c, ev);
      return t == Tri::Unknown ? t : (t == Tri::True ? Tri::False : Tri::True);
    }
    case Op::And: {
      Tri r = Tri::True;
      for (const auto& k : e.kids) {
        Tri t = eval(k, c, ev);
        if (t == Tri::False) return Tri::False;
        if (t == Tri::Unknown) r = Tri::Unknown;
      }
      return r;
    }
    case Op::Or: {
      Tri r = Tri::False;
      for (const auto& k : e.kids) {
        Tri t = eval(k, c, ev);
        if (t == Tri::True) return Tri::True;
        if (t == Tri::Unknown) r = Tri::Unknown;
      }
      return r;
    }
    case Op::Ref: return ev.criteria[e.ref];
    case Op::Decision: return ev.decision;
  }
  return Tri::Unknown;
}

int Evaluator::first_false_relation(const Case& c) const {
  for (size_t r = 0; r < clauses_.size(); ++r) {
    if (!is_clause_[r]) {
      if (eval(policy_.relations[r].expr, c, Evaluation{}) == Tri::False) return static_cast<int>(r);
      continue;
    }
    // A clause is false when every literal is known and false.
    bool is_false = true;
    for (auto [a, pos] : clauses_[r])
      if (!c.known[a] || (c.value[a] != 0) == pos) { is_false = false; break; }
    if (is_false) return static_cast<int>(r);
  }
  return -1;
}

void Evaluator::evaluate_into(const Case& c, Evaluation& out) const {
  out.criteria.resize(policy_.criteria.size());
  program_.run(c.known.data(), c.value.data(), out.decision, out.criteria.data());
  Tri any_path = Tri::False;
  for (int p : policy_.pathways) {
    Tri t = out.criteria[p];
    if (t == Tri::True) { any_path = Tri::True; break; }
    if (t == Tri::Unknown) any_path = Tri::Unknown;
  }
  Tri any_excl = Tri::False;
  for (int x : policy_.exclusions) {
    Tri t = out.criteria[x];
    if (t == Tri::True) { any_excl = Tri::True; break; }
    if (t == Tri::Unknown) any_excl = Tri::Unknown;
  }
  if (any_path == Tri::False || any_excl == Tri::True) out.decision = Tri::False;
  else if (any_path == Tri::True && any_excl == Tri::False) out.decision = Tri::True;
  else out.decision = Tri::Unknown;
  // The scope: outside it nothing is approved (and the shown decision is
  // out_of_scope, decision_of(Evaluation)).
  out.scope = policy_.scope < 0 ? Tri::True : out.criteria[policy_.scope];
  if (out.scope == Tri::False) out.decision = Tri::False;
  else if (out.scope == Tri::Unknown && out.decision == Tri::True) out.decision = Tri::Unknown;
}

const Case& Evaluator::closure(const Case& c, Case& scratch) const {
  for (int a : clause_atoms_)
    if (!c.known[a]) {
      scratch = c;
      close_under_relations(scratch);
      return scratch;
    }
  return c;
}

Evaluation Evaluator::evaluate(const Case& c) const {
  Evaluation ev;
  Case scratch;
  evaluate_into(closure(c, scratch), ev);
  return ev;
}

std::vector<PathwayStatus> pathway_statuses(const Policy& p, const Evaluation& ev) {
  std::vector<PathwayStatus> out;
  for (int i : p.pathways) out.push_back({i, ev.criteria[i]});
  return out;
}

std::vector<int> applying_exclusions(const Policy& p, const Evaluation& ev) {
  std::vector<int> out;
  for (int i : p.exclusions)
    if (ev.criteria[i] == Tri::True) out.push_back(i);
  return out;
}

std::vector<int> possible_exclusions(const Policy& p, const Evaluation& ev) {
  std::vector<int> out;
  for (int i : p.exclusions)
    if (ev.criteria[i] == Tri::Unknown) out.push_back(i);
  return out;
}

std::vector<int> unmet_criteria(const Policy& p, const Evaluation& ev) {
  std::vector<int> out;
  UnmetWalk(p).list(ev, out);
  return out;
}

}  // namespace pp::model
