// One Z3 run (solver layer; solver-internal header, includes z3++.h): owns the
// z3::context and the encodings compiled into it, makes solvers with the run's
// limits, and turns Z3's answers (and exceptions) into plain results.
#pragma once
#include <deque>
#include <memory>
#include <string>

#include <z3++.h>

#include "model/policy.h"
#include "solver/encoding.h"
#include "solver/limits.h"

namespace pp::solver {

enum class Answer { Sat, Unsat, Unknown };

struct CheckResult {
  Answer answer = Answer::Unknown;
  std::string reason;  // Unknown: Z3's reason_unknown(), or the exception's message
};

class Session {
 public:
  // Compiles `policy` (prefix "") into a fresh context.
  explicit Session(std::shared_ptr<const model::Policy> policy, Limits limits = {});
  Session(const Session&) = delete;
  Session& operator=(const Session&) = delete;

  z3::context& ctx() { return *ctx_; }
  const model::Policy& policy() const { return *policy_; }
  const Limits& limits() const { return limits_; }
  // The session's policy, unprefixed.
  const Encoding& encoding() const { return encodings_.front(); }

  // Another copy of the session's policy with its own variables (`prefix` must
  // differ from every other copy's); compiled once per prefix and cached.
  const Encoding& copy(const std::string& prefix);
  // Another policy compiled into this context (e.g. `diff`'s new version);
  // the session keeps it alive. References stay valid for the session's life.
  const Encoding& add(std::shared_ptr<const model::Policy> policy, const std::string& prefix);

  // A fresh solver with the session's limits (timeout, rlimit) set.
  z3::solver make_solver();
  // Z3's default (combined) solver, for the one caller whose output was
  // reviewed with its models: the MC/DC generator (see session.cpp).
  z3::solver make_combined_solver();

 private:
  // INVARIANT: declared first, so it is destroyed after every z3::expr below.
  std::unique_ptr<z3::context> ctx_;
  std::shared_ptr<const model::Policy> policy_;
  Limits limits_;
  std::deque<std::shared_ptr<const model::Policy>> others_;
  std::deque<Encoding> encodings_;  // deque: references stay valid on growth
};

// Runs `s.check(assumptions)`; `unknown` and z3::exception become
// Answer::Unknown with the reason.
CheckResult check(z3::solver& s, const z3::expr_vector& assumptions);
CheckResult check(z3::solver& s);

// Applies `limits` to a solver.
void apply_limits(z3::solver& s, const Limits& limits);

}  // namespace pp::solver
