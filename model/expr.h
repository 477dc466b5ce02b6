// Boolean expressions over atoms: the conditions of criteria, relations and
// properties (model layer). Set quantifiers are lowered to and/or over atoms
// by the parser, so both evaluators see only these nodes.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

namespace pp::model {

enum class Op : std::uint8_t {
  True, False,
  Atom,      // a bool atom
  NumCmp,    // number atom `cmp` number
  EnumIn,    // enum atom's value index is in `mask`
  Count,     // (number of true kids) `cmp` number
  Not, And, Or,
  Ref,       // the value of criterion `ref`
  Decision,  // the policy's decision (properties only): medically necessary
};

enum class Cmp : std::uint8_t { Lt, Le, Gt, Ge, Eq, Ne };
const char* to_string(Cmp c);
inline bool compare(double a, Cmp c, double b) {
  switch (c) {
    case Cmp::Lt: return a < b;
    case Cmp::Le: return a <= b;
    case Cmp::Gt: return a > b;
    case Cmp::Ge: return a >= b;
    case Cmp::Eq: return a == b;
    case Cmp::Ne: return a != b;
  }
  return false;
}

struct Expr {
  Op op = Op::True;
  Cmp cmp = Cmp::Eq;
  int atom = -1;         // Atom, NumCmp, EnumIn
  int ref = -1;          // Ref: criterion index
  double number = 0;     // NumCmp, Count
  std::uint64_t mask = 0;  // EnumIn: bit i = enum value i
  std::vector<Expr> kids;  // Not (1), And, Or, Count

  static Expr constant(bool b) { Expr e; e.op = b ? Op::True : Op::False; return e; }
  static Expr make(Op op, std::vector<Expr> kids) { Expr e; e.op = op; e.kids = std::move(kids); return e; }
};

// Every atom the expression reads (not following Refs), appended to `out`.
void collect_atoms(const Expr& e, std::vector<int>& out);
// Every criterion it refers to directly.
void collect_refs(const Expr& e, std::vector<int>& out);

}  // namespace pp::model
