#include "model/evaluator.h"

#include <algorithm>
#include <cmath>
#include <functional>

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

Evaluator::Evaluator(const Policy& policy) : policy_(policy) {
  for (const auto& c : policy_.criteria) {
    begin_.push_back(static_cast<std::uint32_t>(code_.size()));
    emit(c.expr, 1);
  }
  begin_.push_back(static_cast<std::uint32_t>(code_.size()));
}

void Evaluator::emit(const Expr& e, int depth) {
  auto literal = [](const Expr& k, std::pair<std::int32_t, bool>& lit) {
    if (k.op == Op::Atom) { lit = {k.atom, true}; return true; }
    if (k.op == Op::Not && k.kids[0].op == Op::Atom) { lit = {k.kids[0].atom, false}; return true; }
    return false;
  };
  if ((e.op == Op::And || e.op == Op::Or || e.op == Op::Count) && !e.kids.empty()) {
    std::vector<std::pair<std::int32_t, bool>> lits(e.kids.size());
    bool all = true;
    for (size_t k = 0; k < e.kids.size() && all; ++k) all = literal(e.kids[k], lits[k]);
    if (all) {
      Kind kind = e.op == Op::And ? Kind::AndLits : e.op == Op::Or ? Kind::OrLits : Kind::CountLits;
      code_.push_back(Instr{kind, e.cmp, static_cast<std::uint16_t>(lits.size()),
                            static_cast<std::int32_t>(lits_.size()), e.number, 0});
      lits_.insert(lits_.end(), lits.begin(), lits.end());
      max_depth_ = std::max(max_depth_, depth);
      return;
    }
  }
  for (size_t k = 0; k < e.kids.size(); ++k) emit(e.kids[k], depth + static_cast<int>(k));
  max_depth_ = std::max(max_depth_, depth + static_cast<int>(e.kids.size()));
  Kind kind = Kind::True;
  switch (e.op) {
    case Op::True: kind = Kind::True; break;
    case Op::False: kind = Kind::False; break;
    case Op::Atom: kind = Kind::Atom; break;
    case Op::NumCmp: kind = Kind::NumCmp; break;
    case Op::EnumIn: kind = Kind::EnumIn; break;
    case Op::Count: kind = Kind::Count; break;
    case Op::Not: kind = Kind::Not; break;
    case Op::And: kind = Kind::And; break;
    case Op::Or: kind = Kind::Or; break;
    case Op::Ref: kind = Kind::Ref; break;
    case Op::Decision: kind = Kind::Decision; break;
  }
  code_.push_back(Instr{kind, e.cmp, static_cast<std::uint16_t>(e.kids.size()),
                        e.op == Op::Ref ? e.ref : e.atom, e.number, e.mask});
}

void Evaluator::close_under_relations(Case& c) const {
  // Unit propagation to a fixpoint; relations are few, so a simple loop does.
  bool changed = true;
  std::vector<std::pair<int, bool>> lits;
  while (changed) {
    changed = false;
    for (const auto& r : policy_.relations) {
      lits.clear();
      if (!as_clause(r.expr, lits)) continue;
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

void Evaluator::evaluate_into(const Case& c, Evaluation& out) const {
  out.criteria.resize(policy_.criteria.size());
  // A stack deep enough for any criterion (computed when compiling).
  Tri small[64];
  std::vector<Tri> big;
  Tri* stack = small;
  if (max_depth_ >= 64) { big.resize(static_cast<size_t>(max_depth_) + 1); stack = big.data(); }
  // Raw pointers: Tri is a byte type, so stores through it would otherwise
  // force the compiler to reload every vector's data pointer.
  const Instr* const code = code_.data();
  const std::pair<std::int32_t, bool>* const lits = lits_.data();
  const std::uint8_t* const known = c.known.data();
  const double* const value = c.value.data();
  Tri* const crit = out.criteria.data();
  // INVARIANT: criteria are topologically ordered, so every Ref is computed first.
  for (size_t i = 0; i < policy_.criteria.size(); ++i) {
    int sp = 0;
    for (std::uint32_t pc = begin_[i]; pc < begin_[i + 1]; ++pc) {
      const Instr& in = code[pc];
      switch (in.kind) {
        case Kind::True: stack[sp++] = Tri::True; break;
        case Kind::False: stack[sp++] = Tri::False; break;
        case Kind::Atom:
          stack[sp++] = !known[in.arg] ? Tri::Unknown : value[in.arg] != 0 ? Tri::True : Tri::False;
          break;
        case Kind::NumCmp:
          stack[sp++] = !known[in.arg] ? Tri::Unknown
                        : compare(value[in.arg], in.cmp, in.number) ? Tri::True : Tri::False;
          break;
        case Kind::EnumIn:
          stack[sp++] = !known[in.arg] ? Tri::Unknown
                        : (in.mask >> static_cast<int>(value[in.arg])) & 1 ? Tri::True : Tri::False;
          break;
        case Kind::Ref: stack[sp++] = crit[in.arg]; break;
        case Kind::Decision: stack[sp++] = out.decision; break;
        case Kind::Not: {
          Tri t = stack[sp - 1];
          if (t != Tri::Unknown) stack[sp - 1] = t == Tri::True ? Tri::False : Tri::True;
          break;
        }
        case Kind::And:
        case Kind::Or: {
          Tri stop = in.kind == Kind::And ? Tri::False : Tri::True;
          Tri r = in.kind == Kind::And ? Tri::True : Tri::False;
          sp -= in.n;
          for (int k = 0; k < in.n; ++k) {
            Tri t = stack[sp + k];
            if (t == stop) { r = stop; break; }
            if (t == Tri::Unknown) r = Tri::Unknown;
          }
          stack[sp++] = r;
          break;
        }
        case Kind::AndLits:
        case Kind::OrLits: {
          // and: false as soon as a literal is false; or: true as soon as one is true
          bool want = in.kind == Kind::OrLits;
          Tri r = want ? Tri::False : Tri::True;
          const auto* l = lits + in.arg;
          for (int k = 0; k < in.n; ++k) {
            int a = l[k].first;
            if (!known[a]) { r = Tri::Unknown; continue; }
            if (((value[a] != 0) == l[k].second) == want) { r = want ? Tri::True : Tri::False; break; }
          }
          stack[sp++] = r;
          break;
        }
        case Kind::Count:
        case Kind::CountLits: {
          int lo = 0, unk = 0;
          if (in.kind == Kind::Count) {
            sp -= in.n;
            for (int k = 0; k < in.n; ++k) {
              lo += stack[sp + k] == Tri::True;
              unk += stack[sp + k] == Tri::Unknown;
            }
          } else {
            const auto* l = lits + in.arg;
            for (int k = 0; k < in.n; ++k) {
              int a = l[k].first;
              if (!known[a]) ++unk;
              else lo += (value[a] != 0) == l[k].second;
            }
          }
          bool any_true = false, any_false = false;
          for (int n = lo; n <= lo + unk && !(any_true && any_false); ++n)
            (compare(n, in.cmp, in.number) ? any_true : any_false) = true;
          stack[sp++] = any_true && any_false ? Tri::Unknown : any_true ? Tri::True : Tri::False;
          break;
        }
      }
    }
    crit[i] = stack[0];
  }
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
}

Evaluation Evaluator::evaluate(const Case& c) const {
  Evaluation ev;
  if (policy_.relations.empty()) {
    evaluate_into(c, ev);
  } else {
    Case closed = c;
    close_under_relations(closed);
    evaluate_into(closed, ev);
  }
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
  unmet_criteria_into(p, ev, out);
  return out;
}

void unmet_criteria_into(const Policy& p, const Evaluation& ev, std::vector<int>& out) {
  out.clear();
  for (int i : p.pathways)
    if (ev.criteria[i] == Tri::True) return;
  // Depth-first, children in order; a criterion reached twice is listed once.
  // Scratch space is per thread: this runs once per denied case in batches.
  static thread_local std::vector<int> stack;
  static thread_local std::vector<int> order;
  stack.clear();
  order.clear();
  for (auto it = p.pathways.rbegin(); it != p.pathways.rend(); ++it)
    if (ev.criteria[*it] == Tri::False) stack.push_back(*it);
  while (!stack.empty()) {
    int i = stack.back();
    stack.pop_back();
    const auto& ch = p.criteria[i].children;
    for (auto it = ch.rbegin(); it != ch.rend(); ++it)
      if (ev.criteria[*it] == Tri::False) stack.push_back(*it);
    if (p.criteria[i].kind != CriterionKind::Pathway) order.push_back(i);
  }
  for (int i : order)
    if (std::find(out.begin(), out.end(), i) == out.end()) out.push_back(i);
}

}  // namespace pp::model
