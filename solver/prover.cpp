// Property checking on the one encoding (see prover.h). One session and one
// incremental solver per prover: the axioms are asserted once, and each
// obligation is pushed, checked and popped (a fresh solver per obligation
// costs ~10 ms of set-up each; a push costs well under 1 ms). The emitted
// SMT-LIB holds the same assertions: the axioms and the obligation.
#include "solver/prover.h"

#include <stdexcept>

#include <fmt/format.h>

#include "model/evaluator.h"
#include "solver/session.h"
#include "solver/witness.h"

namespace pp::solver {

using model::PropertyKind;
using model::Tri;

const char* to_string(Status s) {
  switch (s) {
    case Status::Proved: return "proved";
    case Status::Violated: return "violated";
    case Status::Unknown: return "unknown";
  }
  return "?";
}

Status sat_means(const model::Property& p) {
  return p.kind == PropertyKind::Exists ? Status::Proved : Status::Violated;
}

struct Prover::Impl {
  Session session;
  model::Evaluator evaluator;

  z3::solver solver;  // axioms(A) at the base; one push per obligation

  Impl(std::shared_ptr<const model::Policy> policy, Limits limits)
      : session(std::move(policy), limits), evaluator(session.policy()), solver(session.make_solver()) {
    for (const auto& ax : before().axiom_list()) solver.add(ax);
  }

  const Encoding& before() { return session.encoding(); }
  // Monotone properties' second copy: the case after the change.
  const Encoding& after() { return session.copy("after!"); }

  // What the property asserts on top of axioms(A).
  z3::expr_vector obligation(const model::Property& p) {
    const Encoding& a = before();
    z3::expr_vector out(session.ctx());
    switch (p.kind) {
      case PropertyKind::Always: out.push_back(!a.compile(p.expr)); break;
      case PropertyKind::Exists: out.push_back(a.compile(p.expr)); break;
      case PropertyKind::Monotone: {
        const Encoding& b = after();
        for (const auto& ax : b.axiom_list()) out.push_back(ax);
        const auto& vocab = session.policy().vocab;
        std::vector<char> grows(vocab.atoms.size(), 0);
        for (int i : p.monotone.atoms) grows[static_cast<size_t>(i)] = 1;
        for (size_t i = 0; i < vocab.atoms.size(); ++i) {
          const z3::expr& x = a.atom(static_cast<int>(i));
          const z3::expr& y = b.atom(static_cast<int>(i));
          if (!grows[i]) out.push_back(x == y);
          else if (vocab.atoms[i].type == model::AtomType::Bool) out.push_back(z3::implies(x, y));
          else out.push_back(x <= y);  // numbers (enums are refused by the loader)
        }
        if (p.monotone.never_approve) {
          out.push_back(!a.decision());
          out.push_back(b.decision());
        } else {
          out.push_back(a.decision());
          out.push_back(!b.decision());
        }
        break;
      }
    }
    return out;
  }

  [[noreturn]] void replay_failed(const model::Property& p, const std::string& what) {
    throw std::logic_error("the " + what + " of property `" + p.id +
                           "` does not replay through the concrete evaluator (encoding and evaluator disagree)");
  }

  Tri replay(const model::Property& p, const model::Case& c) {
    model::Evaluation ev = evaluator.evaluate(c);
    if (broken_relation(session.policy(), evaluator, c, ev)) replay_failed(p, "case (it breaks a domain relation)");
    return p.kind == PropertyKind::Monotone ? ev.decision : evaluator.eval(p.expr, c, ev);
  }

  static model::Case labelled(model::Case c, const std::string& id) {
    c.case_id = id;
    c.has_case_id = true;
    return c;
  }

  Outcome prove(const model::Property& p) {
    Outcome out;
    out.id = p.id;
    z3::expr_vector goal = obligation(p);
    solver.push();
    for (const auto& e : goal) solver.add(e);
    CheckResult r = check(solver);
    std::unique_ptr<z3::model> model;
    if (r.answer == Answer::Sat) {
      try {
        model = std::make_unique<z3::model>(solver.get_model());
      } catch (const z3::exception& e) {
        r.answer = Answer::Unknown;
        r.reason = std::string("solver error: ") + e.msg();
      }
    }
    solver.pop();
    if (r.answer == Answer::Unknown) {
      out.status = Status::Unknown;
      out.reason = r.reason;
      return out;
    }
    if (r.answer == Answer::Unsat) {
      out.status = sat_means(p) == Status::Proved ? Status::Violated : Status::Proved;
      return out;
    }
    const z3::model& m = *model;
    model::Case a = before().decode(m);
    switch (p.kind) {
      case PropertyKind::Always:
        out.status = Status::Violated;
        if (replay(p, a) != Tri::False) replay_failed(p, "counterexample");
        out.counterexample = labelled(std::move(a), "counterexample-" + p.id);
        break;
      case PropertyKind::Exists:
        out.status = Status::Proved;
        if (replay(p, a) != Tri::True) replay_failed(p, "witness");
        out.witness = labelled(std::move(a), "witness-" + p.id);
        break;
      case PropertyKind::Monotone: {
        out.status = Status::Violated;
        model::Case b = after().decode(m);
        Tri want_before = p.monotone.never_approve ? Tri::False : Tri::True;
        Tri want_after = p.monotone.never_approve ? Tri::True : Tri::False;
        if (replay(p, a) != want_before || replay(p, b) != want_after) replay_failed(p, "counterexample pair");
        const auto& vocab = session.policy().vocab;
        std::vector<char> grows(vocab.atoms.size(), 0);
        for (int i : p.monotone.atoms) grows[static_cast<size_t>(i)] = 1;
        for (size_t i = 0; i < vocab.atoms.size(); ++i) {
          bool ok = grows[i] ? a.value[i] <= b.value[i] : a.value[i] == b.value[i];
          if (!ok) replay_failed(p, "counterexample pair (it changes `" + vocab.atoms[i].name + "`)");
        }
        out.counterexample = labelled(std::move(a), "counterexample-" + p.id);
        out.counterexample_after = labelled(std::move(b), "counterexample-" + p.id + "-after");
        break;
      }
    }
    return out;
  }

  std::string smt2(const model::Property& p) {
    z3::solver s(session.ctx());
    for (const auto& ax : before().axiom_list()) s.add(ax);
    for (const auto& e : obligation(p)) s.add(e);
    const model::Policy& pol = session.policy();
    bool sat_violates = sat_means(p) == Status::Violated;
    std::string text = p.text;
    for (auto& ch : text)
      if (ch == '\n' || ch == '\r') ch = ' ';
    std::string out = fmt::format(
        "; policyproof proof obligation\n"
        "; policy: {} {} (sha256 {})\n"
        "; property: {} ({})\n"
        "; {}\n"
        "; sat = {}, unsat = {}\n"
        "(set-logic ALL)\n",
        pol.id, pol.version, pol.sha256, p.id, model::to_string(p.kind), text,
        sat_violates ? "violated (a counterexample exists)" : "proved (a witness exists)",
        sat_violates ? "proved" : "violated (no case satisfies it)");
    std::string body = s.to_smt2();
    // Z3 opens with an empty comment line; keep its declarations and assertions.
    if (body.rfind(";", 0) == 0) body.erase(0, body.find('\n') + 1);
    return out + body;
  }
};

Prover::Prover(std::shared_ptr<const model::Policy> policy, Limits limits)
    : impl_(std::make_unique<Impl>(std::move(policy), limits)) {}
Prover::~Prover() = default;

Outcome Prover::prove(const model::Property& p) { return impl_->prove(p); }

std::string Prover::smt2(const model::Property& p) { return impl_->smt2(p); }

}  // namespace pp::solver
