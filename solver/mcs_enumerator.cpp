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
// Time (model/change_rules.h): the atoms are the case's values after the
// correction, the case's own values are constants; behind the literal `time`,
// clock - clock_old >= care - care_old for each accruing care fact, and the
// clock's keep_s says "advanced by exactly the care's largest growth" (so a
// set needing only care carries the clock along as a following change, and
// waiting longer is the clock's own change). Without `time` (one query, when
// no actionable set exists) the clock stands still: if that approves, time
// itself closes the door (TimeBar).
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
#include "solver/mcs_query.h"
#include "solver/session.h"

namespace pp::solver {

// McsEnumerator::Impl, the query state, is in mcs_query.h; the number
// regions in model/number_regions.cpp.

McsEnumerator::McsEnumerator(std::shared_ptr<const model::Policy> policy, Limits limits)
    : policy_(std::move(policy)), limits_(limits) {}
McsEnumerator::~McsEnumerator() = default;

McsResult McsEnumerator::enumerate(const model::Case& c, const McsOptions& options) {
  if (!impl_) impl_ = std::make_unique<Impl>(policy_, limits_);
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
  std::vector<int> derived;          // slots that follow the request (CPT codes)
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
    ChangeRule r = frozen[si] ? ChangeRule::Fixed : model::change_rule(*policy_, slot, z.old_values(slot));
    switch (r) {
      case ChangeRule::Fixed:
        z.s.add(z3::implies(z.rule[si], z.keeps_value(slot)));
        base.push_back(z.rule[si]);
        break;
      case ChangeRule::GrowOnly: {
        int at = sl.atoms[0];
        z.s.add(z3::implies(z.rule[si], z.a.atom(at) >= z.num(z.closed.value[static_cast<size_t>(at)])));
        base.push_back(z.rule[si]);
        break;
      }
      case ChangeRule::Subset: {
        // Only drop members: every member not requested stays out (the
        // fracture is where it is). The axioms keep at least one.
        z3::expr_vector stay_out(z.ctx);
        for (int at : sl.atoms)
          if (z.closed.value[static_cast<size_t>(at)] == 0) stay_out.push_back(z.a.atom_is(at, 0));
        z.s.add(z3::implies(z.rule[si], stay_out.empty() ? z.ctx.bool_val(true) : z3::mk_and(stay_out)));
        base.push_back(z.rule[si]);
        break;
      }
      case ChangeRule::Derived:
        derived.push_back(slot);
        break;
      case ChangeRule::Any: break;
    }
    if (r == ChangeRule::Fixed || r == ChangeRule::Derived) continue;
    candidates.push_back(slot);
    cand_rule.push_back(r);
    hypothetical[si] = !model::change_is_actionable(*policy_, slot);
  }
  auto is_candidate = [&](int slot) { return std::find(candidates.begin(), candidates.end(), slot) != candidates.end(); };

  // Time (the vocabulary's time section): the clock moves with the care.
  int clock = model::clock_slot(*policy_);
  bool timed = clock >= 0 && is_candidate(clock);
  std::vector<int> care;  // accruing slots that may grow
  if (timed)
    for (int sl : model::accruing_slots(*policy_))
      if (is_candidate(sl)) care.push_back(sl);
  z.clock_atom = timed ? v.slots[static_cast<size_t>(clock)].atoms[0] : -1;
  z.accruing_atoms.clear();
  for (int sl : care) z.accruing_atoms.push_back(v.slots[static_cast<size_t>(sl)].atoms[0]);
  for (int slot : candidates) {
    size_t si = static_cast<size_t>(slot);
    if (timed && slot == clock) {
      int at = v.slots[si].atoms[0];
      z3::expr now = z.a.atom_is(at, z.closed.value[static_cast<size_t>(at)]);
      z.s.add(z3::implies(z.keep[si], z3::ite(z.time, z.a.atom(at) == z.clock_after_care(at, care), now)));
    } else {
      z.s.add(z3::implies(z.keep[si], z.keeps_value(slot)));
    }
  }
  if (timed) {
    int cat = v.slots[static_cast<size_t>(clock)].atoms[0];
    z3::expr waited = z.a.atom(cat) - z.num(z.closed.value[static_cast<size_t>(cat)]);
    for (int sl : care) {
      int at = v.slots[static_cast<size_t>(sl)].atoms[0];
      z.s.add(z3::implies(z.time, z.a.atom(at) - z.num(z.closed.value[static_cast<size_t>(at)]) <= waited));
    }
    base.push_back(z.time);
  } else if (clock >= 0) {
    // The clock is held (or unknown): the care that accrues with it cannot
    // grow unless the clock is unknown (then its completions cover any time).
    int cat = v.slots[static_cast<size_t>(clock)].atoms[0];
    if (z.closed.known[static_cast<size_t>(cat)])
      for (int sl : model::accruing_slots(*policy_))
        if (is_candidate(sl)) z.s.add(z3::implies(z.time, z.keeps_value(sl)));
    base.push_back(z.time);
  }

  // Codes follow the request: the case's own while technique and levels
  // stay, else those the codes table derives from the new request.
  for (int slot : derived) {
    const model::Fact& cf = v.facts[static_cast<size_t>(v.slots[static_cast<size_t>(slot)].fact)];
    int tfi = -1, lfi = -1;
    for (size_t fi = 0; fi < v.facts.size(); ++fi) {
      const auto& f = v.facts[fi];
      if (f.kind != model::FactKind::Request) continue;
      if (f.type == FactType::Enum && tfi < 0) tfi = static_cast<int>(fi);
      if (f.type == FactType::EnumSet && lfi < 0) lfi = static_cast<int>(fi);
    }
    if (tfi < 0 || lfi < 0) {
      z.s.add(z3::implies(z.rule[static_cast<size_t>(slot)], z.keeps_value(slot)));
      base.push_back(z.rule[static_cast<size_t>(slot)]);
      continue;
    }
    const model::Fact& tf = v.facts[static_cast<size_t>(tfi)];
    const model::Fact& lf = v.facts[static_cast<size_t>(lfi)];
    z3::expr_vector same(z.ctx);
    bool request_known = true;
    for (const model::Fact* f : {&tf, &lf})
      for (int at : f->atoms) {
        request_known = request_known && z.closed.known[static_cast<size_t>(at)];
        same.push_back(z.a.atom_is(at, z.closed.value[static_cast<size_t>(at)]));
      }
    if (!request_known) {
      z.s.add(z3::implies(z.rule[static_cast<size_t>(slot)], z.keeps_value(slot)));
    } else {
      auto codes = z.derived_codes(tf, lf, cf);
      z3::expr_vector follow(z.ctx);
      for (size_t k = 0; k < cf.atoms.size(); ++k)
        follow.push_back(z.a.atom(cf.atoms[k]) ==
                         z3::ite(z3::mk_and(same), z.ctx.bool_val(z.closed.value[static_cast<size_t>(cf.atoms[k])] != 0), codes[k]));
      z.s.add(z3::implies(z.rule[static_cast<size_t>(slot)], z3::mk_and(follow)));
    }
    base.push_back(z.rule[static_cast<size_t>(slot)]);
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

  // The case after the changes of the last model to the slots of x, with the
  // followers settled (model::settle_followers), as one Correction.
  auto correction_of = [&](const std::vector<int>& x) {
    model::Case chosen = z.a.decode(*z.last_model);
    model::Case after = z.closed;
    for (int sl : x)
      for (int at : v.slots[static_cast<size_t>(sl)].atoms) after.set(at, chosen.value[static_cast<size_t>(at)]);
    model::settle_followers(*policy_, z.closed, after, x);
    Correction corr;
    for (size_t si = 0; si < v.slots.size(); ++si) {
      int sl = static_cast<int>(si);
      bool in_x = std::find(x.begin(), x.end(), sl) != x.end();
      std::vector<double> to;
      for (int at : v.slots[si].atoms) to.push_back(after.value[static_cast<size_t>(at)]);
      std::vector<double> from = z.old_values(sl);
      if (!in_x && (to == from || !z.closed.slot_known(v.slots[si]))) continue;
      SlotChange ch;
      ch.slot = sl;
      ch.from = std::move(from);
      ch.to = std::move(to);
      ch.follows = !in_x;
      ch.actionable = model::change_is_actionable(*policy_, sl);
      corr.actionable = corr.actionable && ch.actionable;
      corr.changes.push_back(std::move(ch));
    }
    return corr;
  };

  // When no actionable set exists: would one, if time stood still? Then the
  // time the care takes closes the door; say what applies by then.
  auto time_bar = [&]() -> bool {
    if (!timed || care.empty()) return true;
    z3::expr_vector still(z.ctx);
    for (const auto& lit : base)
      if (!z3::eq(lit, z.time)) still.push_back(lit);
    for (int sl : candidates)
      if (hypothetical[static_cast<size_t>(sl)] || sl == clock) still.push_back(z.keep[static_cast<size_t>(sl)]);
    CheckResult r = z.check_all(still);
    if (r.answer == Answer::Unknown) { fail(r); return false; }
    if (r.answer == Answer::Unsat) return true;
    // The least care that works, one accruing slot at a time.
    for (int sl : care) {
      int at = v.slots[static_cast<size_t>(sl)].atoms[0];
      for (double cand : z.number_candidates(at, ChangeRule::GrowOnly)) {
        still.push_back(z.a.atom_is(at, cand));
        CheckResult t = z.check_all(still);
        if (t.answer == Answer::Sat) break;
        still.pop_back();
        if (t.answer == Answer::Unknown) { fail(t); return false; }
      }
    }
    // INVARIANT: last_model satisfies every assumption kept in `still`.
    model::Case chosen = z.a.decode(*z.last_model);
    model::Case then = z.closed;
    TimeBar& tb = out.time_bar;
    for (int sl : care) {
      int at = v.slots[static_cast<size_t>(sl)].atoms[0];
      double to = chosen.value[static_cast<size_t>(at)];
      if (to == z.closed.value[static_cast<size_t>(at)]) continue;
      then.set(at, to);
      tb.care.push_back({sl, {z.closed.value[static_cast<size_t>(at)]}, {to}, true, false});
    }
    for (int sl : candidates)
      if (std::find(care.begin(), care.end(), sl) == care.end() && sl != clock)
        for (int at : v.slots[static_cast<size_t>(sl)].atoms) then.set(at, chosen.value[static_cast<size_t>(at)]);
    int cat = v.slots[static_cast<size_t>(clock)].atoms[0];
    tb.applies = true;
    tb.clock_from = z.closed.value[static_cast<size_t>(cat)];
    tb.clock_then = model::clock_after_care(*policy_, z.closed, then);
    tb.weeks = tb.clock_then - tb.clock_from;
    then.set(cat, tb.clock_then);
    model::Evaluation ev;
    z.evaluator.evaluate_into(then, ev);
    tb.exclusions = model::applying_exclusions(*policy_, ev);
    return true;
  };

  // A fully stated case (every atom a criterion or relation reads known) is
  // itself a model of the axioms and of every rule literal (each keeps or
  // allows the case's own values), so where the concrete evaluator decides
  // a criterion on it, the query that asks whether the case as it stands
  // can be otherwise needs no solver: it is the evaluator's answer.
  model::Evaluation now;
  bool stated = options.evaluator_shortcuts && z.unknown_atoms.empty();
  if (stated) z.evaluator.evaluate_into(z.closed, now);

  // Approved already (every candidate kept)? Then there is nothing to correct.
  if (stated && now.decision == model::Tri::False) {
    // Every candidate kept is the case as it stands: not approved.
  } else {
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
        if (z3::eq(lit, z.time)) out.barred_by_time = true;
        for (size_t si = 0; si < v.slots.size(); ++si)
          if (z3::eq(lit, z.rule[si])) out.barring_slots.push_back(static_cast<int>(si));
      }
      std::sort(out.barring_slots.begin(), out.barring_slots.end());
      // Which criteria: exclusions that hold whatever may change; else the
      // pathways no allowed change meets.
      z3::expr_vector rules(z.ctx);
      for (const auto& lit : base)
        if (!z3::eq(lit, z.approve) && !z3::eq(lit, z.unknowns)) rules.push_back(lit);
      // `e` holds after every allowed change. Not when it is false on the
      // case as it stands (a fully stated case is one allowed "change").
      auto holds_always = [&](const z3::expr& e, int criterion, model::Tri false_now) {
        if (stated && now.criteria[static_cast<size_t>(criterion)] == false_now) return false;
        z.s.push();
        z.s.add(!e);
        ++z.checks;
        CheckResult t = check(z.s, rules);
        z.s.pop();
        return t.answer == Answer::Unsat;
      };
      for (int x : policy_->exclusions)
        if (holds_always(z.a.criterion(x), x, model::Tri::False)) out.barring_criteria.push_back(x);
      if (out.barring_criteria.empty())
        for (int p : policy_->pathways)
          if (holds_always(!z.a.criterion(p), p, model::Tri::True)) out.barring_criteria.push_back(p);
      if (out.barred_by_time) time_bar();
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
  bool any_actionable = false;
  for (int pass = any_hypothetical ? 0 : 1; pass < 2; ++pass) {
    if (pass == 1 && any_hypothetical && !any_actionable && !time_bar()) return finish();
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
      Correction corr = correction_of(x);
      any_actionable = any_actionable || corr.actionable;
      out.corrections.push_back(std::move(corr));
      z3::expr_vector block(z.ctx);
      for (int sl : x) block.push_back(z.keep[static_cast<size_t>(sl)]);
      z.s.add(z3::mk_or(block));
      if (options.max > 0 && static_cast<int>(out.corrections.size()) >= options.max) level_full = true;
    }
  }
  if (!any_actionable && !any_hypothetical) time_bar();
  return finish();
}

}  // namespace pp::solver
