// Test support for the explain tests: deterministic solver limits, named
// cases, the independent check of a correction, and a brute-force oracle for
// minimal correction sets.
#pragma once
#include <algorithm>
#include <functional>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "explain/explainer.h"
#include "model/case_reader.h"
#include "model/change_rules.h"
#include "model/evaluator.h"
#include "model/policy.h"
#include "solver/case_engine.h"
#include "support/run.h"

namespace pp::test {

// Deterministic limits: a resource limit, no wall clock (style guide 5).
inline solver::Limits explain_limits() {
  solver::Limits l;
  l.timeout_ms = 0;
  l.rlimit = 50'000'000;
  return l;
}

inline std::string golden_dir() { return std::string(PP_SOURCE_DIR) + "/tests/golden/explain/"; }

inline model::Case read_golden_case(const model::Policy& p, const std::string& stem) {
  model::CaseReader reader(p);
  std::string path = golden_dir() + stem + ".case.json";
  return reader.read(slurp(path), path);
}

// The fact paths a correction changes, in its order.
inline std::vector<std::string> paths(const model::Policy& p, const solver::Correction& k) {
  std::vector<std::string> out;
  for (const auto& ch : k.changes) out.push_back(p.vocab.slots[static_cast<size_t>(ch.slot)].path);
  return out;
}

// The fact paths of the minimal set's own changes (not what follows from them).
inline std::vector<std::string> own_paths(const model::Policy& p, const solver::Correction& k) {
  std::vector<std::string> out;
  for (const auto& ch : k.changes)
    if (!ch.follows) out.push_back(p.vocab.slots[static_cast<size_t>(ch.slot)].path);
  return out;
}

// A correction's slots as a sorted list (a set for comparisons): the changes
// of the minimal set, not what follows from them (the time, the codes).
inline std::vector<int> slot_set(const solver::Correction& k) {
  std::vector<int> s;
  for (const auto& ch : k.changes)
    if (!ch.follows) s.push_back(ch.slot);
  std::sort(s.begin(), s.end());
  return s;
}

// Slots some criterion or domain relation reads.
inline std::vector<char> relevant_slots(const model::Policy& p) {
  std::vector<int> read;
  for (const auto& c : p.criteria) model::collect_atoms(c.expr, read);
  for (const auto& r : p.relations) model::collect_atoms(r.expr, read);
  std::vector<char> out(p.vocab.slots.size(), 0);
  for (int a : read) out[static_cast<size_t>(p.vocab.atoms[static_cast<size_t>(a)].slot)] = 1;
  return out;
}

// A brute-force oracle, written from case-format.md's kinds without the
// solver: every value each candidate slot may take, every combination,
// evaluated by the concrete evaluator; a set of slots is a correction set when
// some combination changing only those slots approves (for every completion
// of the unknown slots, when there are any); the minimal ones are those with
// no correction set strictly inside.
//
// Values tried, and why they are enough for CMM-607:
//  - numbers: every multiple of 0.5 up to 30 (every region the policy's
//    comparisons cut holds one of them, which the test asserts: 6 calendar
//    months, 26.089 weeks, lies between 26 and 26.5);
//  - levels: every array of one or two levels (criteria read levels only
//    through `count <= 2`, `all in` and `any in`, so a working array can be
//    cut to one or two of its levels);
//  - enums: every value; booleans: both.
class Oracle {
 public:
  explicit Oracle(const model::Policy& p) : p_(p), ev_(p) {}

  // The values slot `slot` may take instead of `old` (by the kinds' rules).
  std::vector<std::vector<double>> alternatives(int slot, const std::vector<double>& old) const {
    const auto& sl = p_.vocab.slots[static_cast<size_t>(slot)];
    const auto& f = p_.vocab.facts[static_cast<size_t>(sl.fact)];
    std::vector<std::vector<double>> out;
    switch (f.type) {
      case model::FactType::Bool:
      case model::FactType::Group: {
        bool on = old[0] != 0;
        bool may = sl.kind == model::FactKind::Request || sl.kind == model::FactKind::Clinical ||
                   sl.kind == model::FactKind::Plan ||
                   ((sl.kind == model::FactKind::Care || sl.kind == model::FactKind::Documentation) && !on) ||
                   (sl.kind == model::FactKind::Correctable && on);
        if (may) out.push_back({on ? 0.0 : 1.0});
        break;
      }
      case model::FactType::Number:
        for (double x : all_values(slot)) {
          bool grows = f.grows_only || f.elapsed || sl.kind == model::FactKind::Care;
          if (x != old[0] && (!grows || x > old[0])) out.push_back(x_vec(x));
        }
        break;
      case model::FactType::EnumSet:
        // Levels are only dropped: a non-empty subset of those requested.
        for (const auto& v : all_values_vec(slot)) {
          bool subset = true;
          for (size_t i = 0; i < v.size(); ++i) subset = subset && (v[i] == 0 || old[i] != 0);
          if (v != old && subset) out.push_back(v);
        }
        break;
      case model::FactType::CodeList:
        break;  // codes follow the request, never change alone
      default:
        for (const auto& v : all_values_vec(slot))
          if (v != old) out.push_back(v);
        break;
    }
    return out;
  }

  // Time (the vocabulary's time section): the clock, when kept, advances by
  // the care's largest growth; when changed, it must be at least that; when
  // held (not a candidate) but known, care cannot grow. False: the
  // combination is not possible.
  bool settle_time(const model::Case& before, model::Case& trial, const std::vector<int>& candidates,
                   const std::vector<size_t>& idx, bool clock_held) const {
    int clock = model::clock_slot(p_);
    if (clock < 0) return true;
    int ca = p_.vocab.slots[static_cast<size_t>(clock)].atoms[0];
    if (!before.known[static_cast<size_t>(ca)]) return true;
    double grown = 0;
    for (int s : model::accruing_slots(p_)) {
      int a = p_.vocab.slots[static_cast<size_t>(s)].atoms[0];
      if (before.known[static_cast<size_t>(a)])
        grown = std::max(grown, trial.value[static_cast<size_t>(a)] - before.value[static_cast<size_t>(a)]);
    }
    auto at = std::find(candidates.begin(), candidates.end(), clock);
    if (at == candidates.end() && clock_held) return grown == 0;
    double forced = before.value[static_cast<size_t>(ca)] + grown;
    if (at == candidates.end() || idx[static_cast<size_t>(at - candidates.begin())] == 0) {
      trial.set(ca, forced);
      return true;
    }
    return trial.value[static_cast<size_t>(ca)] >= forced;
  }

  // Every value of an unknown slot (for completions).
  std::vector<std::vector<double>> all_values_vec(int slot) const {
    const auto& sl = p_.vocab.slots[static_cast<size_t>(slot)];
    const auto& f = p_.vocab.facts[static_cast<size_t>(sl.fact)];
    std::vector<std::vector<double>> out;
    switch (f.type) {
      case model::FactType::Bool:
      case model::FactType::Group: out = {{0.0}, {1.0}}; break;
      case model::FactType::Number:
        for (double x : all_values(slot)) out.push_back(x_vec(x));
        break;
      case model::FactType::Enum:
        for (size_t i = 0; i < f.values.size(); ++i) out.push_back({static_cast<double>(i)});
        break;
      case model::FactType::EnumSet:
      case model::FactType::CodeList: {
        size_t n = sl.atoms.size();
        if (f.type == model::FactType::CodeList) out.emplace_back(n, 0.0);
        for (size_t i = 0; i < n; ++i)
          for (size_t j = i; j < n; ++j) {
            std::vector<double> v(n, 0.0);
            v[i] = v[j] = 1.0;
            out.push_back(v);
          }
        break;
      }
    }
    return out;
  }

  struct Answer {
    std::set<std::vector<int>> minimal;  // sets of slot indices
    long evaluations = 0;
  };

  // The minimal correction sets of `c` (closed, fully known on the candidates)
  // over `candidates`; `unknown` slots range over all their values.
  // `clock_held`: a clock outside the candidates is held (what `--keep`
  // does), so care cannot grow; else it follows the care.
  Answer minimal_sets(const model::Case& c, const std::vector<int>& candidates, const std::vector<int>& unknown,
                      size_t max_size = 64, bool clock_held = true) const {
    std::vector<std::vector<std::vector<double>>> alts;
    for (int s : candidates) alts.push_back(alternatives(s, old_of(c, s)));
    std::vector<std::vector<std::vector<double>>> comps;
    for (int s : unknown) comps.push_back(all_values_vec(s));
    Answer a;
    std::set<std::vector<int>> works;  // changed sets of approving combinations
    std::vector<size_t> idx(candidates.size(), 0);  // 0 = keep, i = alts[i-1]
    model::Case trial = c;
    while (true) {
      std::vector<int> changed;
      for (size_t k = 0; k < candidates.size(); ++k)
        if (idx[k]) changed.push_back(candidates[k]);
      if (changed.size() <= max_size) {
        for (size_t k = 0; k < candidates.size(); ++k)
          assign(trial, candidates[k], idx[k] ? alts[k][idx[k] - 1] : old_of(c, candidates[k]));
        if (settle_time(c, trial, candidates, idx, clock_held) && approves_all(trial, unknown, comps, a.evaluations))
          works.insert(changed);
      }
      size_t k = 0;
      while (k < candidates.size() && ++idx[k] > alts[k].size()) idx[k++] = 0;
      if (k == candidates.size()) break;
    }
    for (const auto& s : works) {
      bool minimal = true;
      for (const auto& t : works)
        if (t.size() < s.size() && std::includes(s.begin(), s.end(), t.begin(), t.end())) { minimal = false; break; }
      if (minimal) a.minimal.insert(s);
    }
    return a;
  }

  // Whether every completion (over `comps`) consistent with the relations
  // approves, and one exists.
  bool approves_all(model::Case& trial, const std::vector<int>& unknown,
                    const std::vector<std::vector<std::vector<double>>>& comps, long& evaluations) const {
    std::vector<size_t> ci(unknown.size(), 0);
    bool any = false;
    while (true) {
      for (size_t k = 0; k < unknown.size(); ++k) assign(trial, unknown[k], comps[k][ci[k]]);
      if (consistent(trial)) {
        any = true;
        ++evaluations;
        ev_.evaluate_into(trial, scratch_);
        if (scratch_.decision != model::Tri::True) return false;
      }
      size_t k = 0;
      while (k < unknown.size() && ++ci[k] == comps[k].size()) ci[k++] = 0;
      if (k == unknown.size()) break;
    }
    return any;
  }

  bool consistent(const model::Case& c) const {
    model::Evaluation none;
    for (const auto& r : p_.relations)
      if (ev_.eval(r.expr, c, none) != model::Tri::True) return false;
    return true;
  }

  std::vector<double> old_of(const model::Case& c, int slot) const {
    std::vector<double> v;
    for (int a : p_.vocab.slots[static_cast<size_t>(slot)].atoms) v.push_back(c.value[static_cast<size_t>(a)]);
    return v;
  }

  void assign(model::Case& c, int slot, const std::vector<double>& v) const {
    const auto& atoms = p_.vocab.slots[static_cast<size_t>(slot)].atoms;
    for (size_t i = 0; i < atoms.size(); ++i) c.set(atoms[i], v[i]);
  }

  // How many combinations minimal_sets() would evaluate (without unknowns).
  double cost(const model::Case& c, const std::vector<int>& candidates) const {
    double n = 1;
    for (int s : candidates) n *= 1.0 + static_cast<double>(alternatives(s, old_of(c, s)).size());
    return n;
  }

 private:
  static std::vector<double> x_vec(double x) { return {x}; }
  std::vector<double> all_values(int) const {
    std::vector<double> out;
    for (int i = 0; i <= 60; ++i) out.push_back(i * 0.5);
    return out;
  }

  const model::Policy& p_;
  model::Evaluator ev_;
  mutable model::Evaluation scratch_;
};

}  // namespace pp::test
