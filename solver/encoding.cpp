// The one compiler from the policy model to Z3 (see encoding.h).
#include "solver/encoding.h"

#include <cassert>
#include <cmath>
#include <cstdlib>

#include <fmt/format.h>

namespace pp::solver {

using model::AtomType;
using model::Cmp;
using model::Expr;
using model::FactType;
using model::Op;

std::string decimal_literal(double v) {
  assert(std::isfinite(v));
  // fmt's "{}" is the shortest round-trip form, possibly with an exponent;
  // SMT-LIB decimals have none, so shift the point by hand.
  std::string s = fmt::format("{}", v);
  bool neg = !s.empty() && s[0] == '-';
  if (neg) s.erase(0, 1);
  int exp = 0;
  if (auto e = s.find_first_of("eE"); e != std::string::npos) {
    exp = std::atoi(s.c_str() + e + 1);
    s.resize(e);
  }
  std::string digits;
  int point = -1;  // digits before the decimal point
  for (char c : s) {
    if (c == '.') point = static_cast<int>(digits.size());
    else digits += c;
  }
  if (point < 0) point = static_cast<int>(digits.size());
  point += exp;
  while (point <= 0) { digits.insert(digits.begin(), '0'); ++point; }
  while (static_cast<int>(digits.size()) < point) digits += '0';
  std::string out = digits.substr(0, static_cast<size_t>(point));
  std::string frac = digits.substr(static_cast<size_t>(point));
  while (!frac.empty() && frac.back() == '0') frac.pop_back();
  size_t nz = out.find_first_not_of('0');
  out = nz == std::string::npos ? "0" : out.substr(nz);
  if (!frac.empty()) out += "." + frac;
  if (neg && out != "0") out = "-" + out;
  return out;
}

namespace {

// Reads a rational numeral ("13/2", "7", "-1/3") as the nearest double.
double numeral_to_double(const std::string& s) {
  auto slash = s.find('/');
  if (slash == std::string::npos) return std::strtod(s.c_str(), nullptr);
  double num = std::strtod(s.substr(0, slash).c_str(), nullptr);
  double den = std::strtod(s.substr(slash + 1).c_str(), nullptr);
  return num / den;
}

z3::expr compare(const z3::expr& a, Cmp c, const z3::expr& b) {
  switch (c) {
    case Cmp::Lt: return a < b;
    case Cmp::Le: return a <= b;
    case Cmp::Gt: return a > b;
    case Cmp::Ge: return a >= b;
    case Cmp::Eq: return a == b;
    case Cmp::Ne: return a != b;
  }
  return a == b;
}

}  // namespace

Encoding::Encoding(const model::Policy& policy, z3::context& ctx, const std::string& prefix)
    : policy_(&policy),
      ctx_(&ctx),
      prefix_(prefix),
      any_pathway_(ctx.bool_val(false)),
      any_exclusion_(ctx.bool_val(false)),
      decision_(ctx.bool_val(false)),
      in_scope_(ctx.bool_val(true)),
      axioms_(ctx.bool_val(true)),
      axiom_list_(ctx) {
  const auto& v = policy.vocab;
  atoms_.reserve(v.atoms.size());
  for (const auto& a : v.atoms) {
    std::string name = prefix_ + a.name;
    switch (a.type) {
      case AtomType::Bool: atoms_.push_back(ctx.bool_const(name.c_str())); break;
      case AtomType::Number: atoms_.push_back(ctx.real_const(name.c_str())); break;
      case AtomType::Enum: atoms_.push_back(ctx.int_const(name.c_str())); break;
    }
  }

  // Axioms: domains, at least one member of each enum set, domain relations.
  for (const auto& f : v.facts) {
    switch (f.type) {
      case FactType::Number: {
        const z3::expr& x = atoms_[static_cast<size_t>(f.atoms[0])];
        axiom_list_.push_back(x >= number(f.min));
        if (f.max < 1e300) axiom_list_.push_back(x <= number(f.max));
        break;
      }
      case FactType::Enum: {
        const z3::expr& x = atoms_[static_cast<size_t>(f.atoms[0])];
        axiom_list_.push_back(x >= ctx.int_val(0));
        axiom_list_.push_back(x < ctx.int_val(static_cast<int>(f.values.size())));
        break;
      }
      case FactType::EnumSet: {
        // case-format.md: `levels` holds at least one level.
        z3::expr_vector some(ctx);
        for (int a : f.atoms) some.push_back(atoms_[static_cast<size_t>(a)]);
        axiom_list_.push_back(z3::mk_or(some));
        break;
      }
      default: break;
    }
  }

  // Criteria, in topological order, so each Ref reads an expression already built.
  criteria_.reserve(policy.criteria.size());
  for (const auto& c : policy.criteria) criteria_.push_back(compile_node(c.expr));

  z3::expr_vector paths(ctx), excls(ctx);
  for (int p : policy.pathways) paths.push_back(criteria_[static_cast<size_t>(p)]);
  for (int x : policy.exclusions) excls.push_back(criteria_[static_cast<size_t>(x)]);
  any_pathway_ = paths.empty() ? ctx.bool_val(false) : z3::mk_or(paths);
  any_exclusion_ = excls.empty() ? ctx.bool_val(false) : z3::mk_or(excls);
  decision_ = any_pathway_ && !any_exclusion_;
  if (policy.scope >= 0) {  // outside the scope nothing is approved (out_of_scope)
    in_scope_ = criteria_[static_cast<size_t>(policy.scope)];
    decision_ = in_scope_ && decision_;
  }

  for (const auto& r : policy.relations) axiom_list_.push_back(compile_node(r.expr));
  axioms_ = axiom_list_.empty() ? ctx.bool_val(true) : z3::mk_and(axiom_list_);

  slot_in_support_.assign(v.slots.size(), 0);
  std::vector<int> read;
  for (const auto& c : policy.criteria) model::collect_atoms(c.expr, read);
  for (int a : read) slot_in_support_[static_cast<size_t>(v.atoms[static_cast<size_t>(a)].slot)] = 1;
}

const z3::expr& Encoding::criterion(std::string_view id) const {
  int i = policy_->find_criterion(id);
  assert(i >= 0 && "unknown criterion id");
  return criteria_[static_cast<size_t>(i)];
}

z3::expr Encoding::number(double v) const { return ctx_->real_val(decimal_literal(v).c_str()); }

z3::expr Encoding::compile(const Expr& e) const { return compile_node(e); }

z3::expr Encoding::compile(const Expr& e, const std::vector<z3::expr>& criteria) const {
  return compile_node(e, criteria);
}

z3::expr Encoding::compile_node(const Expr& e, const std::vector<z3::expr>& refs) const {
  z3::context& ctx = *ctx_;
  switch (e.op) {
    case Op::True: return ctx.bool_val(true);
    case Op::False: return ctx.bool_val(false);
    case Op::Atom: return atoms_[static_cast<size_t>(e.atom)];
    case Op::NumCmp: return compare(atoms_[static_cast<size_t>(e.atom)], e.cmp, number(e.number));
    case Op::EnumIn: {
      const z3::expr& x = atoms_[static_cast<size_t>(e.atom)];
      z3::expr_vector eqs(ctx);
      for (int i = 0; i < 64; ++i)
        if ((e.mask >> i) & 1) eqs.push_back(x == ctx.int_val(i));
      return eqs.empty() ? ctx.bool_val(false) : z3::mk_or(eqs);
    }
    case Op::Count: {
      // The count is an integer: compare it with an integral bound so the
      // obligation stays in linear integer arithmetic (n < 2.5 iff n <= 2).
      z3::expr_vector terms(ctx);
      for (const auto& k : e.kids) terms.push_back(z3::ite(compile_node(k, refs), ctx.int_val(1), ctx.int_val(0)));
      z3::expr n = terms.empty() ? ctx.int_val(0) : z3::sum(terms);
      double b = e.number;
      if (b == std::floor(b)) return compare(n, e.cmp, ctx.int_val(static_cast<int64_t>(b)));
      auto lo = ctx.int_val(static_cast<int64_t>(std::floor(b)));
      auto hi = ctx.int_val(static_cast<int64_t>(std::ceil(b)));
      switch (e.cmp) {
        case Cmp::Lt: case Cmp::Le: return n <= lo;
        case Cmp::Gt: case Cmp::Ge: return n >= hi;
        case Cmp::Eq: return ctx.bool_val(false);
        case Cmp::Ne: return ctx.bool_val(true);
      }
      return ctx.bool_val(false);
    }
    case Op::Not: return !compile_node(e.kids[0], refs);
    case Op::And:
    case Op::Or: {
      z3::expr_vector ks(ctx);
      for (const auto& k : e.kids) ks.push_back(compile_node(k, refs));
      if (ks.empty()) return ctx.bool_val(e.op == Op::And);
      return e.op == Op::And ? z3::mk_and(ks) : z3::mk_or(ks);
    }
    case Op::Ref:
      // INVARIANT: criteria are topologically ordered, so the Ref is built.
      assert(static_cast<size_t>(e.ref) < refs.size());
      return refs[static_cast<size_t>(e.ref)];
    case Op::Decision: return decision_;
  }
  return ctx.bool_val(false);
}

z3::expr Encoding::atom_is(int atom, double v) const {
  const z3::expr& x = atoms_[static_cast<size_t>(atom)];
  switch (policy_->vocab.atoms[static_cast<size_t>(atom)].type) {
    case AtomType::Bool: return v != 0 ? x : !x;
    case AtomType::Number: return x == number(v);
    case AtomType::Enum: return x == ctx_->int_val(static_cast<int>(v));
  }
  return x == number(v);
}

z3::expr Encoding::case_constraint(const model::Case& c) const {
  z3::expr_vector fixed(*ctx_);
  for (size_t a = 0; a < atoms_.size(); ++a)
    if (c.known[a]) fixed.push_back(atom_is(static_cast<int>(a), c.value[a]));
  return fixed.empty() ? ctx_->bool_val(true) : z3::mk_and(fixed);
}

z3::expr Encoding::fix_known(const z3::expr& e, const model::Case& c) const {
  z3::expr_vector from(*ctx_), to(*ctx_);
  for (size_t a = 0; a < atoms_.size(); ++a) {
    if (!c.known[a]) continue;
    from.push_back(atoms_[a]);
    switch (policy_->vocab.atoms[a].type) {
      case AtomType::Bool: to.push_back(ctx_->bool_val(c.value[a] != 0)); break;
      case AtomType::Number: to.push_back(number(c.value[a])); break;
      case AtomType::Enum: to.push_back(ctx_->int_val(static_cast<int>(c.value[a]))); break;
    }
  }
  z3::expr out = e;
  return from.empty() ? out.simplify() : out.substitute(from, to).simplify();
}

z3::expr Encoding::rename_slots(const z3::expr& e, const Encoding& other, const std::vector<int>& slots) const {
  const auto& v = policy_->vocab;
  const auto& ov = other.policy_->vocab;
  z3::expr_vector from(*ctx_), to(*ctx_);
  for (int s : slots)
    for (int a : v.slots[static_cast<size_t>(s)].atoms) {
      int b = &v == &ov ? a : ov.find_atom(v.atoms[static_cast<size_t>(a)].name);
      if (b < 0) continue;
      from.push_back(atoms_[static_cast<size_t>(a)]);
      to.push_back(other.atoms_[static_cast<size_t>(b)]);
    }
  z3::expr out = e;
  return from.empty() ? out : out.substitute(from, to);
}

z3::expr Encoding::same_slot(const Encoding& other, int slot) const {
  const auto& v = policy_->vocab;
  const auto& ov = other.policy_->vocab;
  z3::expr_vector eqs(*ctx_);
  for (int a : v.slots[static_cast<size_t>(slot)].atoms) {
    int b = &v == &ov ? a : ov.find_atom(v.atoms[static_cast<size_t>(a)].name);
    if (b < 0) continue;
    eqs.push_back(atoms_[static_cast<size_t>(a)] == other.atoms_[static_cast<size_t>(b)]);
  }
  return eqs.empty() ? ctx_->bool_val(true) : z3::mk_and(eqs);
}

z3::expr Encoding::same_case(const Encoding& other, const std::vector<int>& except_slots) const {
  const auto& v = policy_->vocab;
  std::vector<char> skip(v.slots.size(), 0);
  for (int s : except_slots) skip[static_cast<size_t>(s)] = 1;
  z3::expr_vector eqs(*ctx_);
  for (size_t s = 0; s < v.slots.size(); ++s)
    if (!skip[s]) eqs.push_back(same_slot(other, static_cast<int>(s)));
  return eqs.empty() ? ctx_->bool_val(true) : z3::mk_and(eqs);
}

model::Case Encoding::decode(const z3::model& m) const {
  model::Case c(policy_->vocab);
  complete(m, c);
  return c;
}

void Encoding::complete(const z3::model& m, model::Case& c) const {
  const auto& v = policy_->vocab;
  for (size_t a = 0; a < atoms_.size(); ++a) {
    if (c.known[a]) continue;
    z3::expr val = m.eval(atoms_[a], true);
    switch (v.atoms[a].type) {
      case AtomType::Bool: c.set(static_cast<int>(a), val.is_true() ? 1.0 : 0.0); break;
      case AtomType::Number: c.set(static_cast<int>(a), numeral_to_double(Z3_get_numeral_string(*ctx_, val))); break;
      case AtomType::Enum: c.set(static_cast<int>(a), val.get_numeral_int()); break;
    }
  }
  // The CPT lines as the case format states them (units 1), from the code atoms.
  c.cpt.clear();
  for (const auto& f : v.facts) {
    if (f.type != FactType::CodeList) continue;
    for (size_t i = 0; i < f.atoms.size(); ++i)
      if (c.value[static_cast<size_t>(f.atoms[i])] != 0) c.cpt.push_back(model::CptLine{f.values[i], 1});
  }
}

Encoding compile(const model::Policy& policy, z3::context& ctx, const std::string& prefix) {
  return Encoding(policy, ctx, prefix);
}

}  // namespace pp::solver
