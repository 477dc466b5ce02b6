// What every analysis of a policy shares (solver layer; solver-internal,
// includes z3++.h): one Session holding the policy's encoding (prefix ""),
// plus, compiled into the same context and sharing its case variables, the
// policy under each reading of its ambiguities; one solver holding the
// axioms, each query pushed and popped; two more solvers built once for the
// redundancy checks (the policy with any one criterion replaced by a
// constant, chosen per query; and tracked literals over the criteria for
// minimal cores), so that no query recompiles or re-asserts the policy; the
// criteria graph; and the witness helper: a witness query is built from a
// finding's claims, so a witness shows what the finding says by
// construction, and is replayed all the same.
#pragma once
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <z3++.h>

#include "model/evaluator.h"
#include "model/policy.h"
#include "solver/analysis/criteria_graph.h"
#include "solver/encoding.h"
#include "solver/policy_analyzer.h"
#include "solver/session.h"

namespace pp::solver::analysis {

// Replays `c` against `claims` (each under its reading's policy); "" when
// every claim holds, else what failed. Z3-free.
std::string check_claims(const model::Case& c, const std::vector<Claim>& claims, const model::Policy& policy,
                         const std::function<const model::Policy&(const std::string&)>& reading_policy);

class AnalysisContext {
 public:
  AnalysisContext(std::shared_ptr<const model::Policy> policy, const model::PolicySource& source, Limits limits);

  // ---- the policy
  const model::Policy& policy() const { return p_; }
  const std::shared_ptr<const model::Policy>& policy_ptr() const { return policy_; }
  const model::Criterion& crit(int i) const { return p_.criteria[static_cast<size_t>(i)]; }
  int n() const { return static_cast<int>(p_.criteria.size()); }
  // "IN.x (title)", or the id when the criterion has no title.
  std::string name(int i) const;
  const CriteriaGraph& graph() const { return graph_; }
  const model::Evaluator& evaluator() const { return ev_; }
  const Limits& limits() const { return limits_; }

  // ---- Z3
  z3::context& ctx() { return session_.ctx(); }
  Session& session() { return session_; }
  const Encoding& enc() const { return enc_; }
  z3::solver& solver() { return s_; }
  // A query on top of the axioms: sat, unsat or unknown.
  CheckResult ask(const std::vector<z3::expr>& extra);
  // Whether the policy with criterion `i` replaced by true decides some case
  // differently from the policy with it replaced by false (and `extra`
  // holds). Asked of a solver of its own that holds the axioms and both
  // variants once, for every criterion: each criterion k becomes
  // `ite(replaced == k, value, its condition)`, and a query adds
  // `replaced == i`. So a query compiles and internalises nothing again (a
  // recompiled copy of the policy per criterion made the analysis quadratic
  // in the policy's size, in time and memory). When sat and `witness` is
  // given, the model's case (decoded, not replayed).
  CheckResult ask_pivot(int i, const std::vector<z3::expr>& extra, std::optional<model::Case>* witness = nullptr);
  // A solver holding the axioms and, added as they are first asked for,
  // `implies(tracker, literal)` for literals over the criteria (criterion
  // index or kAnyPathway, value): minimal cores over the trackers are asked
  // of it under push/pop, without re-asserting one implication per query.
  z3::solver& literal_solver();
  // The axioms alone, for a query that adds its few formulas within a
  // push/pop (a check's cost grows with all that its solver holds).
  z3::solver& scratch_solver();
  const z3::expr& literal_tracker(int k, bool value);

  // ---- readings ("AMB.id/reading-id")
  const model::Policy& reading_policy(const std::string& key);
  std::shared_ptr<const model::Policy> reading_policy_ptr(const std::string& key);
  // "" = the policy; else the reading's encoding over the same case variables.
  const Encoding& encoding_of(const std::string& reading);

  // ---- witnesses
  // `c` against `claims` ("" when every claim holds).
  std::string replay(const model::Case& c, const std::vector<Claim>& claims);
  // A case where every claim holds (and `extra`), decoded and replayed; nullopt
  // when none exists (or the solver gave up: `*r` says which). A case that does
  // not replay is a bug: std::logic_error.
  std::optional<model::Case> solve(const std::vector<Claim>& claims, const std::vector<z3::expr>& extra,
                                   CheckResult* r = nullptr);
  // Attaches a witness for `f.claims` (trying `extra` first, then without it).
  bool attach_witness(Finding& f, const std::vector<z3::expr>& extra = {});
  // Names a witness case `<kind>-<n>`.
  void label(model::Case& c, const std::string& kind);

  // ---- the facts some analyses share
  // The technique fact (the first enum, as the loader resolves definitions),
  // the level fact (the first enum set); nullptr when the vocabulary has none.
  const model::Fact* technique_fact() const;
  const model::Fact* level_fact() const;
  model::Expr technique_in(const model::Fact& f, const std::vector<std::string>& values) const;
  // Per exclusion that reads the technique: the technique values for which it
  // always applies (computed once).
  const std::map<int, std::vector<std::string>>& barred_techniques();

  // ---- findings
  void add(Finding f) { findings_.push_back(std::move(f)); }
  // Records a solver limit as a finding (never as a pass or a fail).
  void incomplete(const std::string& what, const CheckResult& r, std::vector<std::string> criteria = {});
  std::vector<Finding> take_findings() { return std::move(findings_); }

 private:
  void claims_to_z3(const std::vector<Claim>& claims, std::vector<z3::expr>& out);

  std::shared_ptr<const model::Policy> policy_;
  const model::Policy& p_;
  model::PolicySource source_;
  Limits limits_;
  Session session_;
  const Encoding& enc_;
  z3::solver s_;
  model::Evaluator ev_;
  CriteriaGraph graph_;
  std::vector<Finding> findings_;
  std::map<std::string, int> case_numbers_;
  std::map<std::string, std::shared_ptr<const model::Policy>> readings_;
  std::map<std::string, const Encoding*> reading_enc_;
  z3::expr replaced_is(int i);
  std::optional<z3::expr> replaced_;  // the bit-vector naming the replaced criterion
  std::optional<z3::solver> pivot_solver_, literal_solver_, scratch_solver_;
  std::optional<z3::expr> pivot_;
  std::vector<std::optional<z3::expr>> trackers_;  // by literal (see literal_tracker)
  std::optional<std::map<int, std::vector<std::string>>> barred_;
};

}  // namespace pp::solver::analysis
