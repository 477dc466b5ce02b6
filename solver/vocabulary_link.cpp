#include "solver/vocabulary_link.h"

#include <algorithm>
#include <stdexcept>

namespace pp::solver {

int matching_atom(const model::Vocabulary& from, int atom, const model::Vocabulary& to) {
  const auto& a = from.atoms[static_cast<size_t>(atom)];
  int b = to.find_atom(a.name);
  if (b < 0 || to.atoms[static_cast<size_t>(b)].type != a.type) return -1;
  return b;
}

void link_vocabularies(z3::solver& s, const Encoding& A, const Encoding& B) {
  z3::context& ctx = A.ctx();
  const auto& va = A.policy().vocab;
  const auto& vb = B.policy().vocab;
  for (size_t i = 0; i < va.atoms.size(); ++i) {
    int j = matching_atom(va, static_cast<int>(i), vb);
    if (j < 0) continue;
    const z3::expr& x = A.atom(static_cast<int>(i));
    const z3::expr& y = B.atom(j);
    if (va.atoms[i].type != model::AtomType::Enum) {
      s.add(x == y);
      continue;
    }
    const auto& fa = va.facts[static_cast<size_t>(va.atoms[i].fact)].values;
    const auto& fb = vb.facts[static_cast<size_t>(vb.atoms[static_cast<size_t>(j)].fact)].values;
    for (size_t k = 0; k < fa.size(); ++k) {
      auto it = std::find(fb.begin(), fb.end(), fa[k]);
      z3::expr xa = x == ctx.int_val(static_cast<int>(k));
      if (it == fb.end()) s.add(!xa);
      else s.add(xa == (y == ctx.int_val(static_cast<int>(it - fb.begin()))));
    }
    for (size_t k = 0; k < fb.size(); ++k)
      if (std::find(fa.begin(), fa.end(), fb[k]) == fa.end()) s.add(y != ctx.int_val(static_cast<int>(k)));
  }
}

[[noreturn]] void replay_failed(const std::string& what) {
  throw std::logic_error("diff: " + what + " (the Z3 encoding and the concrete evaluator disagree)");
}

bool relations_hold(const model::Policy& p, const model::Evaluator& ev, const model::Case& c, const model::Evaluation& e) {
  for (const auto& r : p.relations)
    if (ev.eval(r.expr, c, e) != model::Tri::True) return false;
  return true;
}

}  // namespace pp::solver
