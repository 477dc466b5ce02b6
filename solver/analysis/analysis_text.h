// Small builders shared by the analyses (solver layer; Z3-free): model
// expressions over atoms and criteria, and lists in prose.
#pragma once
#include <string>
#include <utility>
#include <vector>

#include "model/expr.h"

namespace pp::solver::analysis {

inline model::Expr atom_expr(int a) {
  model::Expr e;
  e.op = model::Op::Atom;
  e.atom = a;
  return e;
}
inline model::Expr ref_expr(int i) {
  model::Expr e;
  e.op = model::Op::Ref;
  e.ref = i;
  return e;
}
inline model::Expr not_expr(model::Expr e) { return model::Expr::make(model::Op::Not, {std::move(e)}); }
inline model::Expr and_expr(std::vector<model::Expr> kids) {
  if (kids.size() == 1) return kids[0];
  return model::Expr::make(model::Op::And, std::move(kids));
}
inline model::Expr or_expr(std::vector<model::Expr> kids) {
  if (kids.empty()) return model::Expr::constant(false);
  if (kids.size() == 1) return kids[0];
  return model::Expr::make(model::Op::Or, std::move(kids));
}

inline std::string join(const std::vector<std::string>& v, const std::string& sep = ", ") {
  std::string out;
  for (size_t i = 0; i < v.size(); ++i) {
    if (i) out += sep;
    out += v[i];
  }
  return out;
}

// "a", "a and b", "a, b and c"
inline std::string prose_list(const std::vector<std::string>& v, const char* last = " and ") {
  if (v.empty()) return "";
  if (v.size() == 1) return v[0];
  std::vector<std::string> head(v.begin(), v.end() - 1);
  return join(head) + last + v.back();
}

}  // namespace pp::solver::analysis
