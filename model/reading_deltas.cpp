#include "model/reading_deltas.h"

#include <algorithm>

namespace pp::model {

ReadingDeltas::ReadingDeltas(const Policy& policy) : policy_(policy), evaluator_(policy) {
  const size_t n = policy.criteria.size();
  // Direct readers of each criterion (under the readings in force).
  std::vector<std::vector<int>> readers(n);
  for (size_t i = 0; i < n; ++i) {
    std::vector<int> refs;
    collect_refs(policy.criteria[i].expr, refs);
    for (int r : refs) readers[static_cast<size_t>(r)].push_back(static_cast<int>(i));
  }
  for (size_t a = 0; a < policy.ambiguities.size(); ++a) {
    const Ambiguity& amb = policy.ambiguities[a];
    for (size_t r = 0; r < amb.readings.size(); ++r) {
      if (amb.readings[r].id == amb.chosen) continue;
      ReadingAlternative alt;
      alt.ambiguity = static_cast<int>(a);
      alt.reading = static_cast<int>(r);
      alt.replaced = amb.readings[r].exprs;
      std::vector<char> mark(n, 0);
      std::vector<int> stack;
      for (const auto& re : alt.replaced) stack.push_back(re.criterion);
      while (!stack.empty()) {
        int i = stack.back();
        stack.pop_back();
        for (int rd : readers[static_cast<size_t>(i)])
          if (!mark[static_cast<size_t>(rd)]) {
            mark[static_cast<size_t>(rd)] = 1;
            stack.push_back(rd);
          }
      }
      alt.reaches = mark;
      for (const auto& re : alt.replaced) {
        mark[static_cast<size_t>(re.criterion)] = 0;
        alt.reaches[static_cast<size_t>(re.criterion)] = 1;
      }
      for (size_t i = 0; i < n; ++i)
        if (mark[i]) alt.dependents.push_back(static_cast<int>(i));  // INVARIANT: indices are topological
      for (int pw : policy.pathways) alt.reaches_pathway |= alt.reaches[static_cast<size_t>(pw)] != 0;
      for (int x : policy.exclusions) alt.reaches_exclusion |= alt.reaches[static_cast<size_t>(x)] != 0;
      alts_.push_back(std::move(alt));
    }
  }
  reaching_.resize(n);
  reaching_excl_or_.resize(n);
  for (size_t k = 0; k < alts_.size(); ++k) {
    const auto& alt = alts_[k];
    int ki = static_cast<int>(k);
    all_.push_back(ki);
    if (alt.reaches_pathway) reaching_pathways_.push_back(ki);
    for (size_t i = 0; i < n; ++i) {
      if (alt.reaches[i]) reaching_[i].push_back(ki);
      if (alt.reaches[i] || alt.reaches_exclusion) reaching_excl_or_[i].push_back(ki);
    }
  }
}

const std::vector<int>& ReadingDeltas::candidates(const Evaluation& ev) const {
  if (ev.decision == Tri::False) {
    // An exclusion that applies still applies under a reading that does not reach it.
    for (int x : policy_.exclusions)
      if (ev.criteria[static_cast<size_t>(x)] == Tri::True) return reaching_[static_cast<size_t>(x)];
    // No exclusion applies: every pathway is known not met; only a reading reaching one can meet it.
    return reaching_pathways_;
  }
  if (ev.decision == Tri::True) {
    // Every exclusion is known not to apply and the pathway met stays met
    // under a reading that reaches neither.
    for (int pw : policy_.pathways)
      if (ev.criteria[static_cast<size_t>(pw)] == Tri::True) return reaching_excl_or_[static_cast<size_t>(pw)];
  }
  return all_;
}

Tri ReadingDeltas::decide(size_t k, const Case& closed, const Evaluation& ev, bool& unchanged) {
  const ReadingAlternative& alt = alts_[k];
  unchanged = true;
  bool same_values = true;
  const size_t nr = alt.replaced.size();
  vals_.resize(nr);
  for (size_t j = 0; j < nr; ++j) {
    Tri v = vals_[j] = evaluator_.eval(alt.replaced[j].expr, closed, ev);
    Tri old = ev.criteria[static_cast<size_t>(alt.replaced[j].criterion)];
    if (v != old) same_values = false;
    if (v != old || v == Tri::Unknown) unchanged = false;
  }
  if (same_values) return ev.decision;
  scratch_.criteria = ev.criteria;
  for (size_t j = 0; j < nr; ++j) scratch_.criteria[static_cast<size_t>(alt.replaced[j].criterion)] = vals_[j];
  for (int i : alt.dependents)
    scratch_.criteria[static_cast<size_t>(i)] = evaluator_.eval(policy_.criteria[static_cast<size_t>(i)].expr, closed, scratch_);
  // The decision rule (Evaluator::evaluate_into): any pathway met and no exclusion applies.
  Tri any_path = Tri::False;
  for (int p : policy_.pathways) {
    Tri t = scratch_.criteria[static_cast<size_t>(p)];
    if (t == Tri::True) { any_path = Tri::True; break; }
    if (t == Tri::Unknown) any_path = Tri::Unknown;
  }
  Tri no_excl = Tri::True;
  for (int x : policy_.exclusions) {
    Tri t = scratch_.criteria[static_cast<size_t>(x)];
    if (t == Tri::True) { no_excl = Tri::False; break; }
    if (t == Tri::Unknown) no_excl = Tri::Unknown;
  }
  if (any_path == Tri::False || no_excl == Tri::False) return Tri::False;
  if (any_path == Tri::True && no_excl == Tri::True) return Tri::True;
  return Tri::Unknown;
}

}  // namespace pp::model
