// The one compiler from a policy model to Z3 (solver layer; solver-internal:
// only solver/*.cpp include this header, everything else goes through
// case_engine.h, prover.h and the other Z3-free solver headers).
//
// Every atom of the vocabulary becomes one Z3 constant named `prefix + atom`
// (Bool for bool atoms and set members, Real for numbers, Int for enum value
// indices); every criterion, the pathways, the exclusions and the decision
// become Z3 expressions built once and cached. A prefix lets several copies
// (two-copy queries, or two policies in `diff`) share one z3::context.
#pragma once
#include <string>
#include <string_view>
#include <vector>

#include <z3++.h>

#include "model/case.h"
#include "model/expr.h"
#include "model/policy.h"

namespace pp::solver {

class Encoding {
 public:
  // Compiles `policy` into `ctx`. Assumes the policy outlives the encoding.
  Encoding(const model::Policy& policy, z3::context& ctx, const std::string& prefix = "");

  const model::Policy& policy() const { return *policy_; }
  z3::context& ctx() const { return *ctx_; }
  const std::string& prefix() const { return prefix_; }

  // The Z3 constant of atom `i` (vocabulary atom index).
  const z3::expr& atom(int i) const { return atoms_[static_cast<size_t>(i)]; }
  // The value of criterion `i` (criterion index) or of the criterion named `id`
  // (asserts it exists).
  const z3::expr& criterion(int i) const { return criteria_[static_cast<size_t>(i)]; }
  const z3::expr& criterion(std::string_view id) const;
  const z3::expr& any_pathway() const { return any_pathway_; }
  const z3::expr& any_exclusion() const { return any_exclusion_; }
  // Medically necessary: any pathway and no exclusion (CMM.SP.IN.607.2 / NI.607.3).
  // Within the policy's scope too, when it declares one (`scope:`).
  const z3::expr& decision() const { return decision_; }
  // The scope condition (true when the policy declares none).
  const z3::expr& in_scope() const { return in_scope_; }

  // What every case satisfies: number domains (min <= x <= max), enum ranges
  // (0 <= x < n), at least one value of each enum set (request.levels), and the
  // vocabulary's domain relations. One conjunction.
  const z3::expr& axioms() const { return axioms_; }
  // The same, as separate conjuncts (for unsat cores and readable SMT-LIB).
  const z3::expr_vector& axiom_list() const { return axiom_list_; }

  // Compiles any expression over this policy (criteria Refs reuse the cache;
  // `approved` is the decision). Used for properties and analysis queries.
  z3::expr compile(const model::Expr& e) const;
  // The same with each criterion Ref read from `criteria` (indexed like the
  // policy's criteria; at least up to the Refs of `e`) instead of this
  // encoding's own: builds
  // a variant of the policy over the same atoms without recompiling it.
  z3::expr compile(const model::Expr& e, const std::vector<z3::expr>& criteria) const;

  // `atom == v` with v in the case's encoding (bool 0/1, number, enum index).
  z3::expr atom_is(int atom, double v) const;
  // The conjunction fixing every known atom of `c` to its value.
  z3::expr case_constraint(const model::Case& c) const;
  // Atoms of slot `s` equal in this copy and in `other` (atoms matched by name;
  // atoms the other vocabulary lacks are skipped).
  z3::expr same_slot(const Encoding& other, int slot) const;
  // Every atom equal in both copies except those of the slots in `except`.
  z3::expr same_case(const Encoding& other, const std::vector<int>& except_slots = {}) const;

  // `e` with every atom `c` knows replaced by its value, simplified: what the
  // case leaves open. Queries on the residual are small and need no push/pop.
  z3::expr fix_known(const z3::expr& e, const model::Case& c) const;
  // `e` with the atoms of `slots` replaced by `other`'s atoms of the same name.
  z3::expr rename_slots(const z3::expr& e, const Encoding& other, const std::vector<int>& slots) const;

  // Reads every atom of a model (model completion on) into a fully specified
  // case; case_id is left to the caller. Numbers become the nearest double.
  model::Case decode(const z3::model& m) const;
  // Completes `c` from a model: every atom `c` does not know gets the model's
  // value (model completion on); known atoms stay as they are.
  void complete(const z3::model& m, model::Case& c) const;

  // Slots whose atoms some criterion reads: only these can change the decision.
  const std::vector<char>& slot_in_support() const { return slot_in_support_; }

 private:
  z3::expr compile_node(const model::Expr& e) const { return compile_node(e, criteria_); }
  z3::expr compile_node(const model::Expr& e, const std::vector<z3::expr>& refs) const;
  z3::expr number(double v) const;

  const model::Policy* policy_;
  z3::context* ctx_;
  std::string prefix_;
  std::vector<z3::expr> atoms_;
  std::vector<z3::expr> criteria_;
  z3::expr any_pathway_, any_exclusion_, decision_, in_scope_, axioms_;
  z3::expr_vector axiom_list_;
  std::vector<char> slot_in_support_;
};

// The compiler's entry point: `policy` into `ctx` with variable names prefixed.
Encoding compile(const model::Policy& policy, z3::context& ctx, const std::string& prefix = "");

// A double as an exact Z3 decimal literal ("26.089", "0.00001"): the shortest
// decimal that reads back as the same double, so the order of doubles is kept.
std::string decimal_literal(double v);

}  // namespace pp::solver
