#include "model/facts_read.h"

#include "model/expr.h"

namespace pp::model {

std::vector<char> facts_read(const Policy& p) {
  std::vector<char> read(p.vocab.facts.size(), 0);
  std::vector<int> atoms;
  auto mark = [&](const Expr& e) {
    atoms.clear();
    collect_atoms(e, atoms);
    for (int a : atoms) read[static_cast<size_t>(p.vocab.atoms[static_cast<size_t>(a)].fact)] = 1;
  };
  for (const auto& c : p.criteria) mark(c.expr);
  for (const auto& a : p.ambiguities)
    for (const auto& r : a.readings)
      for (const auto& x : r.exprs) mark(x.expr);
  return read;
}

}  // namespace pp::model
