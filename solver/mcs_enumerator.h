// Minimal correction sets of a case (solver layer; Z3-free header, so explain/
// and cli/ use it without seeing Z3): every inclusion-minimal set of slot
// changes that makes a case medically necessary, found by enumerating minimal
// correction sets over one "keeps its value" selector per slot.
//
// What may change, and how: model/change_rules.h (the kinds of
// shared/spec/case-format.md, as data in the vocabulary). In short: plan and
// clinical facts change only in hypothetical sets (`actionable` false, found
// after every actionable set); request levels are only dropped; CPT codes
// follow technique and levels; care and documentation are completed;
// correctable contraindications treated; elapsed facts only grow, and the
// time section couples them: N more weeks of care advance the clock by at
// least N (care side by side), so a set that needs care lands the case at a
// later pain duration, which is part of the set (a following change).
//
// Partial cases: unknown slots are not changed (they are the questions). A
// correction must make the case medically necessary for EVERY completion of
// the unknown slots consistent with the domain relations (the exact decision
// of solver::CaseEngine), so its answer never depends on what is still unknown.
#pragma once
#include <memory>
#include <string>
#include <vector>

#include "model/case.h"
#include "model/change_rules.h"
#include "model/number_regions.h"
#include "model/policy.h"
#include "solver/limits.h"

namespace pp::solver {

// One slot's change: its values before and after (per atom of the slot).
struct SlotChange {
  int slot = -1;
  std::vector<double> from, to;
  bool actionable = true;
  // Follows from the set's other changes (the clock advanced by the care the
  // set completes, the CPT codes of a changed request): shown, applied, but
  // not a member of the minimal set (undoing another change settles it anew,
  // model::settle_followers).
  bool follows = false;
};

// A minimal correction set: applying every change makes the case medically
// necessary; no proper subset of its slots can (whatever values they take).
struct Correction {
  std::vector<SlotChange> changes;  // ascending slot index, followers included
  bool actionable = true;           // every change actionable
};

// When no actionable set exists although one would if time stood still: the
// care it needs takes `weeks`, by which time the clock reads `clock_then` and
// `exclusions` apply (or, when none does, no pathway is met any more).
struct TimeBar {
  bool applies = false;
  double weeks = 0;
  double clock_from = 0, clock_then = 0;
  std::vector<SlotChange> care;  // the care changes it would need (least values)
  std::vector<int> exclusions;   // criterion indices
};

struct McsOptions {
  int max = 0;                    // stop after the size level where this many are found (0 = all)
  std::vector<int> frozen_slots;  // slots held at their value whatever their kind
  // On a fully stated case, answer from the concrete evaluator the queries
  // whose answer is the case as it stands (is it approved already; does an
  // exclusion the case does not meet hold whatever changes). Off only in the
  // test that shows the answers are the same either way.
  bool evaluator_shortcuts = true;
};

struct McsResult {
  // Actionable sets first, each group in order of size (the enumeration finds
  // them in that order, CAMUS-style); ties in enumeration order.
  std::vector<Correction> corrections;
  bool complete = true;  // false: --max reached with more left, or a solver limit
  bool exact = true;     // false: the solver hit a limit (reason says which)
  std::string reason;
  // When no correction exists (complete and empty): what bars every change.
  std::vector<int> barring_slots;     // slots whose change rule the bar needs (minimal unsat core)
  bool barred_by_unknowns = false;    // the unknown slots take part in the bar
  bool barred_by_time = false;        // the time coupling takes part in the bar
  TimeBar time_bar;                   // computed when no actionable set exists
  std::vector<int> barring_criteria;  // exclusions that apply whatever may change;
                                      // else the pathways no allowed change can meet
  int solver_checks = 0;              // for benchmarks
};

class McsEnumerator {
 public:
  explicit McsEnumerator(std::shared_ptr<const model::Policy> policy, Limits limits = {});
  ~McsEnumerator();
  McsEnumerator(const McsEnumerator&) = delete;
  McsEnumerator& operator=(const McsEnumerator&) = delete;

  // Every minimal correction set of `c` (closed under the domain relations
  // first). For an approved case, none. The values of a set's changes are the
  // nearest that work: grown numbers take their least representative value
  // (the clock, when it follows, the least the care needs), level arrays drop
  // as few levels as they can, enums take the first value that works.
  McsResult enumerate(const model::Case& c, const McsOptions& options = {});

  const model::Policy& policy() const { return *policy_; }

 private:
  struct Impl;
  std::shared_ptr<const model::Policy> policy_;
  Limits limits_;
  std::unique_ptr<Impl> impl_;  // made on the first enumerate(): the Z3 context is not needed before
};

}  // namespace pp::solver
