// Minimal correction set enumeration (see mcs_enumerator.h).
//
// Algorithm: phase 1 of CAMUS (Liffiton & Sakallah, "Algorithms for computing
// minimal unsatisfiable subsets of constraints", J. Automated Reasoning 40(1),
// 2008), over the selector literals MARCO also uses (Liffiton, Previti, Malik
// & Marques-Silva, "Fast, flexible MUS enumeration", Constraints 21(2), 2016):
//   - one selector keep_s per candidate slot s: keep_s -> (s keeps its value);
//   - hard: axioms(A) and decision(A) (behind the literal `approve`), each
//     slot's change rule behind a literal rule_s (so an unsat core names the
//     rules that bar approval);
//   - for k = 1, 2, ...: under AtMost(k) of the negated selectors, the false
//     selectors X of any model form a minimal correction set of size exactly
//     k, because every smaller one is found and blocked already, so X holds
//     none of them. Block X with the clause OR_{s in X} keep_s (a superset of
//     X is never minimal) and ask again; when the bounded query is unsat, ask
//     without the bound: unsat means every set has been found.
// Every model, so every set, costs one query; the sets come out by size.
// Actionable first: a first pass holds every hypothetical (clinical) slot at
// its value. The sets it finds are minimal overall (their subsets avoid the
// clinical slots too); the second pass frees those slots and keeps the blocks.
//
// Partial cases (unknown slots): a correction must approve every completion.
// That is an exists-forall query; it is answered by counterexample-guided
// refinement: a candidate model is checked by a second solver (known atoms as
// in the model, unknown atoms free, axioms and not decision); each refuting
// completion u is added to the first solver as the instance
// axioms(A[u]) -> decision(A[u]) and the query repeated. The completions that
// matter are finitely many (numbers only meet constants), so it terminates.
#include "solver/mcs_enumerator.h"

#include <algorithm>
#include <cassert>
#include <cmath>
#include <limits>
#include <optional>

#include "model/evaluator.h"
#include "solver/session.h"

namespace pp::solver {

using model::AtomType;
using model::FactKind;
using model::FactType;

const char* to_string(ChangeRule r) {
  switch (r) {
    case ChangeRule::Fixed: return "fixed";
    case ChangeRule::Any: return "any";
    case ChangeRule::GrowOnly: return "grow_only";
  }
  return "fixed";
}

ChangeRule change_rule(const model::Policy& policy, int slot, const std::vector<double>& old) {
  const auto& v = policy.vocab;
  const model::Slot& s = v.slots[static_cast<size_t>(slot)];
  const model::Fact& f = v.facts[static_cast<size_t>(s.fact)];
  if (f.type == FactType::Number && f.grows_only) return ChangeRule::GrowOnly;
  bool is_bool = f.type == FactType::Bool || f.type == FactType::Group;
  switch (s.kind) {
    case FactKind::Request:
    case FactKind::Clinical:
      return ChangeRule::Any;
    case FactKind::Care:
    case FactKind::Documentation:
      // Completed: false -> true only; numbers of care accrue.
      if (is_bool) return old[0] != 0 ? ChangeRule::Fixed : ChangeRule::Any;
      return f.type == FactType::Number ? ChangeRule::GrowOnly : ChangeRule::Any;
    case FactKind::Correctable:
      // Treated: true -> false only.
      if (is_bool) return old[0] != 0 ? ChangeRule::Any : ChangeRule::Fixed;
      return ChangeRule::Any;
  }
  return ChangeRule::Fixed;
}

bool change_is_actionable(const model::Policy& policy, int slot) {
  const auto& v = policy.vocab;
  const model::Slot& s = v.slots[static_cast<size_t>(slot)];
  const model::Fact& f = v.facts[static_cast<size_t>(s.fact)];
  // Waiting is something one can do: a clinical number that only grows (the
  // pain's duration) changes by time alone.
  if (f.type == FactType::Number && f.grows_only) return true;
  return s.kind != FactKind::Clinical;
}

namespace {

void collect_constants(const model::Expr& e, int atom, std::vector<double>& out) {
  if (e.op == model::Op::NumCmp && e.atom == atom) out.push_back(e.number);
  for (const auto& k : e.kids) collect_constants(k, atom, out);
}

// The region of x among the sorted constants: 2i for the open interval below
// constant i, 2i+1 for constant i itself. Values in one region are
// interchangeable for every comparison the policy makes.
// A new vector with the same elements (copying a z3::expr_vector shares it).
z3::expr_vector copy_of(const z3::expr_vector& v) {
  z3::expr_vector out(v.ctx());
  for (unsigned i = 0; i < v.size(); ++i) out.push_back(v[i]);
  return out;
}

int region_of(const std::vector<double>& cs, double x) {
  int r = 0;
  for (double c : cs) {
    if (x < c) return r;
    if (x == c) return r + 1;
    r += 2;
  }
  return r;
}

std::vector<double> number_constants(const model::Policy& policy, int atom) {
  const auto& v = policy.vocab;
  const model::Fact& f = v.facts[static_cast<size_t>(v.atoms[static_cast<size_t>(atom)].fact)];
  std::vector<double> cs;
  for (const auto& c : policy.criteria) collect_constants(c.expr, atom, cs);
  for (const auto& r : policy.relations) collect_constants(r.expr, atom, cs);
  cs.erase(std::remove_if(cs.begin(), cs.end(), [&](double c) { return c < f.min || c > f.max; }), cs.end());
  std::sort(cs.begin(), cs.end());
  cs.erase(std::unique(cs.begin(), cs.end()), cs.end());
  return cs;
}

}  // namespace

std::vector<NumberRegion> number_regions(const model::Policy& policy, int atom) {
  const auto& v = policy.vocab;
  const model::Fact& f = v.facts[static_cast<size_t>(v.atoms[static_cast<size_t>(atom)].fact)];
  const double inf = std::numeric_limits<double>::infinity();
  double top = f.max < 1e300 ? f.max : inf;
  std::vector<double> cs = number_constants(policy, atom);
  std::vector<NumberRegion> out;
  if (cs.empty() || cs.front() > f.min)
    out.push_back({f.min, cs.empty() ? top : cs.front(), true, cs.empty() && top < inf, f.min});
  for (size_t i = 0; i < cs.size(); ++i) {
    out.push_back({cs[i], cs[i], true, true, cs[i]});
    bool last = i + 1 == cs.size();
    double hi = last ? top : cs[i + 1];
    if (!(cs[i] < hi)) continue;  // no room above (the constant is the max)
    bool hi_closed = last && hi < inf;  // the fact's max is itself a valid value
    double next_whole = std::floor(cs[i]) + 1;
    double rep = (next_whole < hi || (hi_closed && next_whole <= hi)) ? next_whole : cs[i] + (hi - cs[i]) / 2;
    out.push_back({cs[i], hi, false, hi_closed, rep});
  }
  return out;
}

std::vector<double> number_representatives(const model::Policy& policy, int atom) {
  std::vector<double> out;
  for (const auto& r : number_regions(policy, atom)) out.push_back(r.representative);
  return out;
}

struct McsEnumerator::Impl {
  Session session;
  const Encoding& a;
  z3::context& ctx;
  const model::Policy& policy;
  model::Evaluator evaluator;
  z3::solver s;         // axioms(A), approve -> decision(A), per case: selectors, rules, blocks
  z3::solver verifier;  // axioms(A) and not decision(A): refutes a candidate on a partial case
  z3::expr approve;     // assumed in every query that asks for an approved case
  z3::expr unknowns;    // guards the refinement instances (so cores can name them)
  std::vector<z3::expr> keep;   // per slot: keep_s
  std::vector<z3::expr> rule;   // per slot: rule_s
  std::vector<z3::expr> bound;  // AtMost literals, per k (created on demand)
  std::vector<char> relevant;   // per slot: some criterion or relation reads it
  std::vector<std::vector<double>> reps;       // per number atom: representatives
  std::vector<std::vector<double>> constants;  // per number atom: the constants it meets
  std::optional<z3::model> last_model;  // of the last Sat answer of check_all
  int checks = 0;

  // Per case:
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
        verifier(session.make_solver()),
        approve(ctx.bool_const("!mcs.approve")),
        unknowns(ctx.bool_const("!mcs.unknowns")) {
    const auto& v = policy.vocab;
    s.add(a.axioms());
    s.add(z3::implies(approve, a.decision()));
    verifier.add(a.axioms());
    verifier.add(!a.decision());
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
      reps[at] = number_representatives(policy, static_cast<int>(at));
      constants[at] = number_constants(policy, static_cast<int>(at));
    }
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
      if (region_of(cs, x) != here && (r != ChangeRule::GrowOnly || x > old)) out.push_back(x);
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

McsEnumerator::McsEnumerator(std::shared_ptr<const model::Policy> policy, Limits limits)
    : policy_(policy), impl_(std::make_unique<Impl>(std::move(policy), limits)) {}
McsEnumerator::~McsEnumerator() = default;

McsResult McsEnumerator::enumerate(const model::Case& c, const McsOptions& options) {
  Impl& z = *impl_;
  const auto& v = policy_->vocab;
  McsResult out;
  z.checks = 0;
  z.closed = c;
  z.evaluator.close_under_relations(z.closed);
  z.unknown_atoms.clear();
  z.known_atoms.clear();
  z.last_model.reset();

  std::vector<char> frozen(v.slots.size(), 0);
  for (int sl : options.frozen_slots) frozen[static_cast<size_t>(sl)] = 1;

  z.s.push();
  z3::expr_vector base(z.ctx);  // assumed in every query asking for approval
  base.push_back(z.approve);
  std::vector<int> candidates;       // slots that may change
  std::vector<ChangeRule> cand_rule;  // their rules
  std::vector<char> hypothetical(v.slots.size(), 0);
  for (size_t si = 0; si < v.slots.size(); ++si) {
    if (!z.relevant[si]) continue;
    int slot = static_cast<int>(si);
    const model::Slot& sl = v.slots[si];
    for (int at : sl.atoms) (z.closed.known[static_cast<size_t>(at)] ? z.known_atoms : z.unknown_atoms).push_back(at);
    if (!z.closed.slot_known(sl)) {
      // Partly known (not from the reader, which reads whole slots): hold the known part.
      for (int at : sl.atoms)
        if (z.closed.known[static_cast<size_t>(at)]) z.s.add(z.a.atom_is(at, z.closed.value[static_cast<size_t>(at)]));
      continue;
    }
    ChangeRule r = frozen[si] ? ChangeRule::Fixed : change_rule(*policy_, slot, z.old_values(slot));
    switch (r) {
      case ChangeRule::Fixed:
        z.s.add(z3::implies(z.rule[si], z.keeps_value(slot)));
        base.push_back(z.rule[si]);
        break;
      case ChangeRule::GrowOnly: {
        int at = sl.atoms[0];
        model::Expr grown;  // atom >= its value now
        grown.op = model::Op::NumCmp;
        grown.atom = at;
        grown.cmp = model::Cmp::Ge;
        grown.number = z.closed.value[static_cast<size_t>(at)];
        z.s.add(z3::implies(z.rule[si], z.a.compile(grown)));
        base.push_back(z.rule[si]);
        break;
      }
      case ChangeRule::Any: break;
    }
    if (r == ChangeRule::Fixed) continue;
    z.s.add(z3::implies(z.keep[si], z.keeps_value(slot)));
    candidates.push_back(slot);
    cand_rule.push_back(r);
    hypothetical[si] = !change_is_actionable(*policy_, slot);
  }
  if (!z.unknown_atoms.empty()) base.push_back(z.unknowns);

  auto fail = [&](const CheckResult& r) {
    out.exact = false;
    out.complete = false;
    out.reason = r.reason;
  };
  auto finish = [&]() {
    z.s.pop();
    out.solver_checks = z.checks;
    return out;
  };

  // Approved already (every candidate kept)? Then there is nothing to correct.
  {
    z3::expr_vector all = copy_of(base);
    for (int sl : candidates) all.push_back(z.keep[static_cast<size_t>(sl)]);
    CheckResult r = z.check_all(all);
    if (r.answer == Answer::Unknown) { fail(r); return finish(); }
    if (r.answer == Answer::Sat) return finish();
  }

  // Can any allowed change approve it? If not, say what bars it.
  {
    CheckResult r = z.check_all(base);
    if (r.answer == Answer::Unknown) { fail(r); return finish(); }
    if (r.answer == Answer::Unsat) {
      // A minimal core of the rule literals (deletion-based: drop each in turn).
      z3::expr_vector core = z.s.unsat_core();
      std::vector<z3::expr> keep_core;
      for (unsigned i = 0; i < core.size(); ++i) keep_core.push_back(core[i]);
      for (size_t i = 0; i < keep_core.size();) {
        if (z3::eq(keep_core[i], z.approve)) { ++i; continue; }
        z3::expr_vector trial(z.ctx);
        for (size_t j = 0; j < keep_core.size(); ++j)
          if (j != i) trial.push_back(keep_core[j]);
        CheckResult t = z.check_all(trial);
        if (t.answer == Answer::Unsat) keep_core.erase(keep_core.begin() + static_cast<long>(i));
        else ++i;
      }
      for (const auto& lit : keep_core) {
        if (z3::eq(lit, z.unknowns)) out.barred_by_unknowns = true;
        for (size_t si = 0; si < v.slots.size(); ++si)
          if (z3::eq(lit, z.rule[si])) out.barring_slots.push_back(static_cast<int>(si));
      }
      std::sort(out.barring_slots.begin(), out.barring_slots.end());
      // Which criteria: exclusions that hold whatever may change; else the
      // pathways no allowed change meets.
      z3::expr_vector rules(z.ctx);
      for (const auto& lit : base)
        if (!z3::eq(lit, z.approve) && !z3::eq(lit, z.unknowns)) rules.push_back(lit);
      auto holds_always = [&](const z3::expr& e) {
        z.s.push();
        z.s.add(!e);
        ++z.checks;
        CheckResult t = check(z.s, rules);
        z.s.pop();
        return t.answer == Answer::Unsat;
      };
      for (int x : policy_->exclusions)
        if (holds_always(z.a.criterion(x))) out.barring_criteria.push_back(x);
      if (out.barring_criteria.empty())
        for (int p : policy_->pathways)
          if (holds_always(!z.a.criterion(p))) out.barring_criteria.push_back(p);
      return finish();
    }
  }

  // CAMUS phase 1, actionable sets first (see the file comment).
  z3::expr_vector negated(z.ctx);
  for (int sl : candidates) negated.push_back(!z.keep[static_cast<size_t>(sl)]);
  bool any_hypothetical = false;
  for (int sl : candidates) any_hypothetical |= hypothetical[static_cast<size_t>(sl)] != 0;
  // With a cap, the size level where it is reached is still enumerated in
  // full (the explainer sorts and cuts), so which sets of equal size are
  // shown does not depend on the solver's state (or on earlier cases).
  bool level_full = false;
  for (int pass = any_hypothetical ? 0 : 1; pass < 2; ++pass) {
    z3::expr_vector assume = copy_of(base);
    if (pass == 0)
      for (int sl : candidates)
        if (hypothetical[static_cast<size_t>(sl)]) assume.push_back(z.keep[static_cast<size_t>(sl)]);
    {
      CheckResult r = z.check_all(assume);
      if (r.answer == Answer::Unknown) { fail(r); return finish(); }
      if (r.answer == Answer::Unsat) continue;
    }
    for (size_t k = 1; k <= candidates.size();) {
      const z3::expr& lit = z.bound_literal(k);
      z.s.add(z3::implies(lit, z3::atmost(negated, static_cast<unsigned>(k))));
      z3::expr_vector bounded = copy_of(assume);
      bounded.push_back(lit);
      CheckResult r = z.check_all(bounded);
      if (r.answer == Answer::Unknown) { fail(r); return finish(); }
      if (r.answer == Answer::Unsat && level_full) {
        CheckResult more = z.check_all(base);
        if (more.answer == Answer::Unknown) { fail(more); return finish(); }
        out.complete = more.answer == Answer::Unsat;
        return finish();
      }
      if (r.answer == Answer::Unsat) {
        CheckResult more = z.check_all(assume);
        if (more.answer == Answer::Unknown) { fail(more); return finish(); }
        if (more.answer == Answer::Unsat) break;
        ++k;
        continue;
      }
      // One minimal correction set: the candidates whose selector is false.
      std::vector<int> x;
      std::vector<ChangeRule> x_rules;
      z3::expr_vector fixed = copy_of(assume);
      for (size_t i = 0; i < candidates.size(); ++i) {
        int sl = candidates[i];
        if (z.last_model->eval(z.keep[static_cast<size_t>(sl)], true).is_true()) {
          fixed.push_back(z.keep[static_cast<size_t>(sl)]);
        } else {
          x.push_back(sl);
          x_rules.push_back(cand_rule[i]);
        }
      }
      // INVARIANT: |x| == k (CAMUS); x is non-empty since the case is not approved.
      assert(!x.empty() && x.size() == k);
      CheckResult failure;
      if (!z.choose_values(x, fixed, x_rules, failure)) { fail(failure); return finish(); }
      model::Case chosen = z.a.decode(*z.last_model);
      Correction corr;
      corr.actionable = true;
      for (int sl : x) {
        SlotChange ch;
        ch.slot = sl;
        ch.from = z.old_values(sl);
        for (int at : v.slots[static_cast<size_t>(sl)].atoms) ch.to.push_back(chosen.value[static_cast<size_t>(at)]);
        ch.actionable = change_is_actionable(*policy_, sl);
        corr.actionable = corr.actionable && ch.actionable;
        corr.changes.push_back(std::move(ch));
      }
      out.corrections.push_back(std::move(corr));
      z3::expr_vector block(z.ctx);
      for (int sl : x) block.push_back(z.keep[static_cast<size_t>(sl)]);
      z.s.add(z3::mk_or(block));
      if (options.max > 0 && static_cast<int>(out.corrections.size()) >= options.max) level_full = true;
    }
  }
  return finish();
}

}  // namespace pp::solver
