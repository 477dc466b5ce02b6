#include "model/expr.h"

namespace pp::model {

const char* to_string(Cmp c) {
  switch (c) {
    case Cmp::Lt: return "<";
    case Cmp::Le: return "<=";
    case Cmp::Gt: return ">";
    case Cmp::Ge: return ">=";
    case Cmp::Eq: return "==";
    case Cmp::Ne: return "!=";
  }
  return "?";
}

void collect_atoms(const Expr& e, std::vector<int>& out) {
  if (e.atom >= 0) out.push_back(e.atom);
  for (const auto& k : e.kids) collect_atoms(k, out);
}

void collect_refs(const Expr& e, std::vector<int>& out) {
  if (e.op == Op::Ref) out.push_back(e.ref);
  for (const auto& k : e.kids) collect_refs(k, out);
}

}  // namespace pp::model
