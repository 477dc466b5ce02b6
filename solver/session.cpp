#include "solver/session.h"

namespace pp::solver {

Session::Session(std::shared_ptr<const model::Policy> policy, Limits limits)
    : policy_(std::move(policy)), limits_(limits) {
  encodings_.emplace_back(*policy_, ctx_, "");
}

const Encoding& Session::copy(const std::string& prefix) {
  for (const auto& e : encodings_)
    if (e.prefix() == prefix && &e.policy() == policy_.get()) return e;
  encodings_.emplace_back(*policy_, ctx_, prefix);
  return encodings_.back();
}

const Encoding& Session::add(std::shared_ptr<const model::Policy> policy, const std::string& prefix) {
  others_.push_back(std::move(policy));
  encodings_.emplace_back(*others_.back(), ctx_, prefix);
  return encodings_.back();
}

void apply_limits(z3::solver& s, const Limits& limits) {
  z3::params p(s.ctx());
  if (limits.timeout_ms) p.set("timeout", limits.timeout_ms);
  if (limits.rlimit) p.set("rlimit", limits.rlimit);
  s.set(p);
}

z3::solver Session::make_solver() {
  z3::solver s(ctx_);
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
