// The query state of McsEnumerator (solver layer, internal to
// mcs_enumerator.cpp; see the algorithm there): one Z3 session, the solver
// with the selectors, rules and blocks, the verifier for partial cases, and
// the per-case state. Split out so each file stays small.
#pragma once
#include <algorithm>
#include <cmath>
#include <limits>
#include <optional>
#include <vector>

#include <z3++.h>

#include "model/evaluator.h"
#include "solver/mcs_enumerator.h"
#include "solver/session.h"

namespace pp::solver {

using model::AtomType;
using model::ChangeRule;
using model::FactKind;
using model::FactType;

// A new vector with the same elements (copying a z3::expr_vector shares it).
inline z3::expr_vector copy_of(const z3::expr_vector& v) {
  z3::expr_vector out(v.ctx());
  for (unsigned i = 0; i < v.size(); ++i) out.push_back(v[i]);
  return out;
}

// The region of x among the sorted constants: 2i for the open interval below
// constant i, 2i+1 for constant i itself. Values in one region are
// interchangeable for every comparison the policy makes.
inline int region_of(const std::vector<double>& cs, double x) {
  int r = 0;
  for (double c : cs) {
    if (x < c) return r;
    if (x == c) return r + 1;
    r += 2;
  }
  return r;
}

struct McsEnumerator::Impl {
  Session session;
  const Encoding& a;
  z3::context& ctx;
  const model::Policy& policy;
  model::Evaluator evaluator;
  z3::solver s;         // axioms(A), approve -> decision(A), per case: selectors, rules, blocks
  // axioms(A) and not decision(A): refutes a candidate on a partial case.
  // Made on first need (verifier()): asserting the axioms into a fresh
  // solver costs as much as the rest of a fully specified case's query.
  std::optional<z3::solver> verifier_;
  z3::expr approve;     // assumed in every query that asks for an approved case
  z3::expr unknowns;    // guards the refinement instances (so cores can name them)
  z3::expr time;        // guards the time coupling (assumed, except to ask whether time bars)
  std::vector<z3::expr> keep;   // per slot: keep_s
  std::vector<z3::expr> rule;   // per slot: rule_s
  std::vector<z3::expr> bound;  // AtMost literals, per k (created on demand)
  std::vector<char> relevant;   // per slot: some criterion or relation reads it
  std::vector<std::vector<double>> reps;       // per number atom: representatives
  std::vector<std::vector<double>> constants;  // per number atom: the constants it meets
  std::optional<z3::model> last_model;  // of the last Sat answer of check_all
  int checks = 0;

  // Per case:
  int clock_atom = -1;              // the time section's clock, when it may move
  std::vector<int> accruing_atoms;  // the care that moves it
  model::Case closed;
  std::vector<int> unknown_atoms;  // of relevant slots
  std::vector<int> known_atoms;    // of relevant slots

  Impl(std::shared_ptr<const model::Policy> p, Limits limits)
      : session(std::move(p), limits),
        a(session.encoding()),
        ctx(session.ctx()),
        policy(session.policy()),
        evaluator(policy),
        s(session.make_solver()),
        approve(ctx.bool_const("!mcs.approve")),
        unknowns(ctx.bool_const("!mcs.unknowns")),
        time(ctx.bool_const("!mcs.time")) {
    const auto& v = policy.vocab;
    s.add(a.axioms());
    s.add(z3::implies(approve, a.decision()));
    for (const auto& sl : v.slots) {
      keep.push_back(ctx.bool_const(("!mcs.keep." + sl.path).c_str()));
      rule.push_back(ctx.bool_const(("!mcs.rule." + sl.path).c_str()));
    }
    relevant.assign(v.slots.size(), 0);
    std::vector<int> read;
    for (const auto& c : policy.criteria) model::collect_atoms(c.expr, read);
    for (const auto& r : policy.relations) model::collect_atoms(r.expr, read);
    for (int at : read) relevant[static_cast<size_t>(v.atoms[static_cast<size_t>(at)].slot)] = 1;
    reps.resize(v.atoms.size());
    constants.resize(v.atoms.size());
    for (size_t at = 0; at < v.atoms.size(); ++at) {
      if (v.atoms[at].type != AtomType::Number) continue;
      reps[at] = model::number_representatives(policy, static_cast<int>(at));
      constants[at] = model::compared_constants(policy, static_cast<int>(at));
    }
  }

  z3::solver& verifier() {
    if (!verifier_) {
      verifier_.emplace(session.make_solver());
      verifier_->add(a.axioms());
      verifier_->add(!a.decision());
    }
    return *verifier_;
  }

  const z3::expr& bound_literal(size_t k) {
    while (bound.size() <= k) bound.push_back(ctx.bool_const(("!mcs.atmost." + std::to_string(bound.size())).c_str()));
    return bound[k];
  }

  std::vector<double> old_values(int slot) const {
    std::vector<double> out;
    for (int at : policy.vocab.slots[static_cast<size_t>(slot)].atoms) out.push_back(closed.value[static_cast<size_t>(at)]);
    return out;
  }

  z3::expr keeps_value(int slot) const {
    z3::expr_vector eqs(ctx);
    for (int at : policy.vocab.slots[static_cast<size_t>(slot)].atoms)
      eqs.push_back(a.atom_is(at, closed.value[static_cast<size_t>(at)]));
    return eqs.size() == 1 ? eqs[0] : z3::mk_and(eqs);
  }

  z3::expr num(double v) const { return ctx.real_val(decimal_literal(v).c_str()); }

  // The clock after the care of the model has grown: its value now plus the
  // largest growth of the accruing slots in `care` (model::clock_after_care).
  z3::expr clock_after_care(int clock_atom, const std::vector<int>& care) const {
    z3::expr old = num(closed.value[static_cast<size_t>(clock_atom)]);
    z3::expr grown = num(0);
    for (int sl : care) {
      int at = policy.vocab.slots[static_cast<size_t>(sl)].atoms[0];
      z3::expr g = a.atom(at) - num(closed.value[static_cast<size_t>(at)]);
      grown = z3::ite(g > grown, g, grown);
    }
    return old + grown;
  }

  // The code list's atoms as model::derived_cpt() derives them from the
  // technique and level atoms (first level: its primary code; others: the
  // add-on code, else their primary code).
  std::vector<z3::expr> derived_codes(const model::Fact& tf, const model::Fact& lf, const model::Fact& cf) const {
    std::vector<z3::expr> present(cf.values.size(), ctx.bool_val(false));
    auto code_index = [&](const std::string& t, const std::string& level, bool add_on) {
      for (const auto& c : policy.codes)
        if (c.add_on == add_on && std::find(c.techniques.begin(), c.techniques.end(), t) != c.techniques.end() &&
            std::find(c.levels.begin(), c.levels.end(), level) != c.levels.end())
          for (size_t k = 0; k < cf.values.size(); ++k)
            if (cf.values[k] == c.code) return static_cast<int>(k);
      return -1;
    };
    for (size_t t = 0; t < tf.values.size(); ++t) {
      z3::expr is_t = a.atom_is(tf.atoms[0], static_cast<double>(t));
      z3::expr none_before = ctx.bool_val(true);
      for (size_t l = 0; l < lf.values.size(); ++l) {
        z3::expr on = a.atom(lf.atoms[l]);
        int primary = code_index(tf.values[t], lf.values[l], false);
        int add_on = code_index(tf.values[t], lf.values[l], true);
        if (add_on < 0) add_on = primary;
        if (primary >= 0)
          present[static_cast<size_t>(primary)] = present[static_cast<size_t>(primary)] || (is_t && on && none_before);
        if (add_on >= 0)
          present[static_cast<size_t>(add_on)] = present[static_cast<size_t>(add_on)] || (is_t && on && !none_before);
        none_before = none_before && !on;
      }
    }
    return present;
  }

  // s.check(assume), exact for partial cases: a Sat answer is returned only
  // when the model's known atoms approve every completion of the unknown ones.
  // Without `unknowns` among the assumptions it is the plain query (some
  // completion approves), which the unsat-core minimisation uses.
  CheckResult check_all(const z3::expr_vector& assume) {
    bool forall = false;
    for (const auto& e : assume) forall = forall || z3::eq(e, unknowns);
    while (true) {
      ++checks;
      CheckResult r = check(s, assume);
      if (r.answer != Answer::Sat) return r;
      z3::model m = s.get_model();
      if (!forall || unknown_atoms.empty()) {
        last_model = m;
        return r;
      }
      z3::solver& verifier = this->verifier();
      verifier.push();
      for (int at : known_atoms) {
        const z3::expr& x = a.atom(at);
        verifier.add(x == m.eval(x, true));
      }
      ++checks;
      CheckResult v = check(verifier);
      if (v.answer != Answer::Sat) {
        verifier.pop();
        if (v.answer == Answer::Unknown) return v;
        last_model = m;
        return r;
      }
      z3::model cm = verifier.get_model();
      z3::expr_vector src(ctx), dst(ctx);
      for (int at : unknown_atoms) {
        src.push_back(a.atom(at));
        dst.push_back(cm.eval(a.atom(at), true));
      }
      verifier.pop();
      z3::expr instance = z3::implies(a.axioms(), a.decision());
      s.add(z3::implies(unknowns, instance.substitute(src, dst)));
    }
  }

  // The number values worth trying for a changed slot's atom, best first.
  std::vector<double> number_candidates(int at, ChangeRule r) const {
    double old = closed.value[static_cast<size_t>(at)];
    const auto& cs = constants[static_cast<size_t>(at)];
    int here = region_of(cs, old);
    std::vector<double> out;
    for (double x : reps[static_cast<size_t>(at)])
      if (r == ChangeRule::GrowOnly ? x > old : region_of(cs, x) != here) out.push_back(x);
    // Care that moves the clock: also the growths that bring the clock to
    // each of its own representatives (so the value chosen never rests on
    // the solver's model, which depends on its state).
    if (r == ChangeRule::GrowOnly && clock_atom >= 0 &&
        std::find(accruing_atoms.begin(), accruing_atoms.end(), at) != accruing_atoms.end()) {
      double clock_old = closed.value[static_cast<size_t>(clock_atom)];
      for (double x : reps[static_cast<size_t>(clock_atom)])
        if (x > clock_old) out.push_back(old + (x - clock_old));
      std::sort(out.begin(), out.end());
      out.erase(std::unique(out.begin(), out.end()), out.end());
    }
    if (r != ChangeRule::GrowOnly)
      std::stable_sort(out.begin(), out.end(), [&](double x, double y) { return std::fabs(x - old) < std::fabs(y - old); });
    return out;
  }

  // The order in which to try keeping a set's members: the requested members
  // first, then the others farthest from any requested member first, so the
  // members added are the nearest ones (a level next to the requested levels).
  std::vector<int> member_order(int slot) const {
    const auto& atoms = policy.vocab.slots[static_cast<size_t>(slot)].atoms;
    std::vector<int> on, off;
    for (size_t i = 0; i < atoms.size(); ++i)
      (closed.value[static_cast<size_t>(atoms[i])] != 0 ? on : off).push_back(static_cast<int>(i));
    auto distance = [&](int i) {
      int d = std::numeric_limits<int>::max();
      for (int j : on) d = std::min(d, std::abs(i - j));
      return d;
    };
    std::stable_sort(off.begin(), off.end(), [&](int x, int y) { return distance(x) > distance(y); });
    std::vector<int> order;
    for (int i : on) order.push_back(atoms[static_cast<size_t>(i)]);
    for (int i : off) order.push_back(atoms[static_cast<size_t>(i)]);
    return order;
  }

  // The values of the slots of one minimal correction set X: the nearest that
  // work, one slot at a time (each choice is kept while the next is made).
  // `assume` holds the query's assumptions with every slot outside X kept.
  // The result is last_model. Returns false on a solver limit.
  bool choose_values(const std::vector<int>& x, const z3::expr_vector& given, const std::vector<ChangeRule>& rules,
                     CheckResult& failure) {
    z3::expr_vector assume = copy_of(given);
    const auto& v = policy.vocab;
    for (size_t i = 0; i < x.size(); ++i) {
      int slot = x[i];
      const model::Slot& sl = v.slots[static_cast<size_t>(slot)];
      const model::Fact& f = v.facts[static_cast<size_t>(sl.fact)];
      switch (f.type) {
        case FactType::Bool:
        case FactType::Group:
          // A minimal set changes each of its slots in every model: a flip.
          assume.push_back(a.atom_is(sl.atoms[0], closed.value[static_cast<size_t>(sl.atoms[0])] != 0 ? 0.0 : 1.0));
          break;
        case FactType::Number: {
          int at = sl.atoms[0];
          for (double cand : number_candidates(at, rules[i])) {
            z3::expr eq = a.atom_is(at, cand);
            assume.push_back(eq);
            CheckResult r = check_all(assume);
            if (r.answer == Answer::Sat) break;
            assume.pop_back();
            if (r.answer == Answer::Unknown) { failure = r; return false; }
          }
          break;
        }
        case FactType::Enum: {
          int at = sl.atoms[0];
          int old = static_cast<int>(closed.value[static_cast<size_t>(at)]);
          for (int val = 0; val < static_cast<int>(f.values.size()); ++val) {
            if (val == old) continue;
            assume.push_back(a.atom_is(at, val));
            CheckResult r = check_all(assume);
            if (r.answer == Answer::Sat) break;
            assume.pop_back();
            if (r.answer == Answer::Unknown) { failure = r; return false; }
          }
          break;
        }
        case FactType::EnumSet:
        case FactType::CodeList: {
          // Keep as many members as possible (inclusion-maximal), greedily.
          for (int at : member_order(slot)) {
            double old = closed.value[static_cast<size_t>(at)];
            z3::expr same = a.atom_is(at, old);
            if (last_model && last_model->eval(same, true).is_true()) {  // the current model keeps it already
              assume.push_back(same);
              continue;
            }
            assume.push_back(same);
            CheckResult r = check_all(assume);
            if (r.answer == Answer::Sat) continue;
            assume.pop_back();
            if (r.answer == Answer::Unknown) { failure = r; return false; }
            assume.push_back(a.atom_is(at, old != 0 ? 0.0 : 1.0));
          }
          break;
        }
      }
    }
    // INVARIANT: last_model satisfies every assumption pushed so far (each
    // forced flip holds in every model of the assumptions before it).
    return true;
  }
};

}  // namespace pp::solver
