#include "model/case.h"

#include "model/policy.h"

namespace pp::model {

bool Case::slot_known(const Slot& s) const {
  for (int a : s.atoms)
    if (!known[a]) return false;
  return true;
}

void assume_absent(const Vocabulary& v, Case& c) {
  for (const auto& f : v.facts) {
    if (f.type == FactType::Enum || f.type == FactType::EnumSet) continue;  // no "absent" value
    for (int a : f.atoms)
      if (!c.known[a]) c.set(a, f.type == FactType::Number ? (f.min > 0 ? f.min : 0.0) : 0.0);
  }
}

namespace {

// A relation's value over a completed case (only enums may be unknown):
// 1 true, 0 false, -1 unknown. Relations are small; Refs cannot occur.
int relation_value(const Expr& e, const Case& c) {
  switch (e.op) {
    case Op::True: return 1;
    case Op::False: return 0;
    case Op::Atom: return c.known[e.atom] ? (c.value[e.atom] != 0) : -1;
    case Op::NumCmp: return c.known[e.atom] ? compare(c.value[e.atom], e.cmp, e.number) : -1;
    case Op::EnumIn:
      if (!c.known[e.atom]) return -1;
      return static_cast<int>((e.mask >> static_cast<int>(c.value[e.atom])) & 1);
    case Op::Not: {
      int v = relation_value(e.kids[0], c);
      return v < 0 ? -1 : 1 - v;
    }
    case Op::And:
    case Op::Or: {
      bool is_and = e.op == Op::And;
      int out = is_and ? 1 : 0;
      for (const auto& k : e.kids) {
        int v = relation_value(k, c);
        if (v == (is_and ? 0 : 1)) return v;
        if (v < 0) out = -1;
      }
      return out;
    }
    case Op::Count: {
      int lo = 0, unk = 0;
      for (const auto& k : e.kids) {
        int v = relation_value(k, c);
        lo += v == 1;
        unk += v < 0;
      }
      bool any_true = false, any_false = false;
      for (int n = lo; n <= lo + unk; ++n) (compare(n, e.cmp, e.number) ? any_true : any_false) = true;
      return any_true && any_false ? -1 : any_true ? 1 : 0;
    }
    default: return -1;
  }
}

int false_relations(const Policy& p, const Case& c) {
  int n = 0;
  for (const auto& r : p.relations) n += relation_value(r.expr, c) == 0;
  return n;
}

}  // namespace

void assume_absent(const Policy& p, Case& c) {
  std::vector<std::uint8_t> was_known = c.known;
  assume_absent(p.vocab, c);
  if (p.relations.empty()) return;
  // Repair: a relation made false by completing absent bools as false gets
  // one of those bools (in the relation) set true instead, when that makes
  // fewer relations false. A few rounds: relations chain (a -> b -> c).
  int bad = false_relations(p, c);
  for (int round = 0; bad > 0 && round < 16; ++round) {
    bool improved = false;
    for (const auto& r : p.relations) {
      if (relation_value(r.expr, c) != 0) continue;
      std::vector<int> atoms;
      collect_atoms(r.expr, atoms);
      for (int a : atoms) {
        if (was_known[a] || !c.known[a] || p.vocab.atoms[a].type != AtomType::Bool || c.value[a] != 0) continue;
        c.value[a] = 1;
        int now = false_relations(p, c);
        if (now < bad) {
          bad = now;
          improved = true;
          break;
        }
        c.value[a] = 0;
      }
    }
    if (!improved) break;
  }
}

}  // namespace pp::model
