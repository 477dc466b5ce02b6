#include "solver/session.h"

#include "solver/prewarm.h"

#include <future>
#include <mutex>

namespace pp::solver {

// A context made ahead and not taken: kept reachable from a global for the
// whole exit (leak checkers scan globals), never torn down. External
// linkage, so the compiler cannot drop the write-only store.
z3::context* prewarmed_untaken = nullptr;

namespace {

struct Prewarm {
  std::mutex mutex;
  std::future<z3::context*> made;
  // At exit, waits for the thread (Z3's globals must outlive its work).
  ~Prewarm() {
    if (made.valid()) prewarmed_untaken = made.get();
  }
};
Prewarm prewarm;

std::unique_ptr<z3::context> take_context() {
  {
    std::lock_guard<std::mutex> lock(prewarm.mutex);
    if (prewarm.made.valid()) return std::unique_ptr<z3::context>(prewarm.made.get());
  }
  return std::make_unique<z3::context>();
}

}  // namespace

void prewarm_context() {
  std::lock_guard<std::mutex> lock(prewarm.mutex);
  if (!prewarm.made.valid()) prewarm.made = std::async(std::launch::async, [] { return new z3::context(); });
}

Session::Session(std::shared_ptr<const model::Policy> policy, Limits limits)
    : ctx_(take_context()), policy_(std::move(policy)), limits_(limits) {
  encodings_.emplace_back(*policy_, *ctx_, "");
}

const Encoding& Session::copy(const std::string& prefix) {
  for (const auto& e : encodings_)
    if (e.prefix() == prefix && &e.policy() == policy_.get()) return e;
  encodings_.emplace_back(*policy_, *ctx_, prefix);
  return encodings_.back();
}

const Encoding& Session::add(std::shared_ptr<const model::Policy> policy, const std::string& prefix) {
  others_.push_back(std::move(policy));
  encodings_.emplace_back(*others_.back(), *ctx_, prefix);
  return encodings_.back();
}

void apply_limits(z3::solver& s, const Limits& limits) {
  z3::params p(s.ctx());
  if (limits.timeout_ms) p.set("timeout", limits.timeout_ms);
  if (limits.rlimit) p.set("rlimit", limits.rlimit);
  s.set(p);
}

z3::solver Session::make_solver() {
  // The plain incremental SMT solver (Z3_mk_simple_solver), not the default
  // combined one: every query here is quantifier-free linear arithmetic over
  // booleans, which the SMT kernel decides by itself, and the combined
  // solver's tactic side costs ~8 ms to set up per solver and ~20 ms for a
  // first check without assumptions (Z3 4.8.12, measured on a two-line
  // formula: 14 ms against 40 ms for context, two solvers and their checks).
  // Timeouts and resource limits are the API's, the same for both.
  z3::solver s(*ctx_, z3::solver::simple());
  apply_limits(s, limits_);
  return s;
}

// The MC/DC generator picks its pairs from the solver's models, and which
// mutants its suite catches depends on them: with the plain solver's models
// the suite for CMM-607 no longer told one mutant apart (IN.NM.findings
// dropped). It keeps the solver its suite was reviewed with until the choice
// of pairs no longer rests on the model.
z3::solver Session::make_combined_solver() {
  z3::solver s(*ctx_);
  apply_limits(s, limits_);
  return s;
}

CheckResult check(z3::solver& s, const z3::expr_vector& assumptions) {
  CheckResult r;
  try {
    switch (assumptions.empty() ? s.check() : s.check(assumptions)) {
      case z3::sat: r.answer = Answer::Sat; break;
      case z3::unsat: r.answer = Answer::Unsat; break;
      case z3::unknown:
        r.answer = Answer::Unknown;
        r.reason = s.reason_unknown();
        if (r.reason.empty()) r.reason = "the solver gave up";
        break;
    }
  } catch (const z3::exception& e) {
    r.answer = Answer::Unknown;
    r.reason = std::string("solver error: ") + e.msg();
  }
  return r;
}

CheckResult check(z3::solver& s) { return check(s, z3::expr_vector(s.ctx())); }

}  // namespace pp::solver
