// What changed between two versions of a policy (solver layer; Z3-free header):
// the textual changes, by id, and every region of cases whose decision
// differs, each described by the criteria whose values differ on it and a
// witness case replayed through the concrete evaluator of both versions.
//
// Regions are enumerated on one Z3 context holding both versions (the new one
// with its own prefix, atoms linked by name, enum values by value name):
// find a case the versions decide differently, read off the pattern of
// criteria that differ on it, block exactly that pattern, repeat until unsat.
#pragma once
#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "model/case.h"
#include "model/evaluator.h"
#include "model/expr.h"
#include "model/policy.h"
#include "model/policy_text_diff.h"
#include "solver/limits.h"

namespace pp::solver {

// A criterion's values on a region's witness, in the old and the new version.
struct CriterionValue {
  std::string id;
  std::optional<bool> before;  // nullopt: the criterion does not exist in the old version
  std::optional<bool> after;   // nullopt: it does not exist in the new version
  bool redefined = false;      // its own condition (or combination) differs between the versions
};

// A set of cases the two versions decide differently: every case on which the
// criteria below take exactly these values (and every other common criterion
// the same value in both versions).
struct Region {
  model::Decision before = model::Decision::NotMedicallyNecessary;
  model::Decision after = model::Decision::MedicallyNecessary;
  std::vector<CriterionValue> criteria;  // old version's order, then criteria only in the new one
  // Across payers (diff_payers): the fact paths the region's criteria read,
  // in vocabulary order: the few facts that define it.
  std::vector<std::string> facts;
  model::Case witness;                   // in the old version's vocabulary
  // In the new version's vocabulary, when it is not the old one's (the case
  // `evaluate --policy NEW` should read); else empty and `witness` serves both.
  std::optional<model::Case> witness_after;
};

// The one-line verdict over the cases both policies address (Zelkova and
// Cedar's `compare`): which one approves more.
enum class Verdict { Equivalent, AMorePermissive, BMorePermissive, Incomparable };
const char* to_string(Verdict v);  // equivalent | A more permissive | B more permissive | incomparable

struct DecisionDiff {
  std::vector<Region> regions;
  bool complete = true;  // false: stopped at the region limit or on a solver limit
  std::string reason;    // why it is incomplete
  bool payers = false;   // regions from diff_payers (criteria of one side only)
  // From the regions: approvals one-sided each way, both policies in scope.
  Verdict verdict() const;
};

struct PolicyDiff {
  std::vector<model::TextChange> changes;
  DecisionDiff decisions;
};

// Every region of cases the two versions decide differently (at most
// `max_regions`); witnesses carry case ids `<case_id_prefix>-<n>`. Each
// witness is replayed through both concrete evaluators; a witness that does
// not replay is a bug (std::logic_error).
DecisionDiff diff_decisions(std::shared_ptr<const model::Policy> before,
                            std::shared_ptr<const model::Policy> after, Limits limits = {},
                            size_t max_regions = 64, const std::string& case_id_prefix = "region");

// Two payers' policies on one procedure (different criteria, maybe different
// vocabularies), compared over the facts both know; each policy's own facts
// are free (existentially quantified: a case is "approved by A, denied by B"
// when some values of the facts only one of them reads make it so, which is
// what a patient with those values would get). Each region: the cases one
// policy approves and the other does not (or one puts out of scope) where
// the listed criteria of the non-approving side are the only obstacles
// (a minimal set: granting them all would approve; none can be dropped),
// enumerated smallest first; a case with several obstacles at once lies in
// the regions of its parts, so regions may overlap. At most one pathway's
// parts per region. Plus, when a policy has a scope, the cases neither
// approves that one denies and the other puts out of scope. Every witness is
// replayed through both concrete evaluators (std::logic_error if not).
// Throws DiagnosticError when the policies share no fact.
DecisionDiff diff_payers(std::shared_ptr<const model::Policy> a, std::shared_ptr<const model::Policy> b,
                         Limits limits = {}, size_t max_regions = 256, const std::string& case_id_prefix = "region");

// Which region of a diff a concrete case lies in (for `diff --cases`).
class RegionMatcher {
 public:
  // Keeps references: `d`, `a` and `b` outlive the matcher.
  RegionMatcher(const DecisionDiff& d, const model::Policy& a, const model::Policy& b);
  // The first region (index) holding the case, read as `ca` by A and `cb` by
  // B and evaluated as `ea` and `eb`: the same decisions, every criterion the
  // region lists at its value there, and (between payers) granting those
  // obstacles alone would make the non-approving policy approve. -1 when
  // none does (several obstacles at once, or not decided differently).
  // Regions are ordered smallest first, so the first is the simplest.
  int region_of(const model::Case& ca, const model::Case& cb, const model::Evaluation& ea,
                const model::Evaluation& eb) const;
  // For a case in no single region: the pair of regions (i < j, same
  // decisions) whose obstacles together are the case's (granting both
  // approves), reading the fewest facts among such pairs, e.g. a T1-T4
  // osteoporotic fracture: CMM-607's T1-T4 non-indication and its T5-L5
  // levels. {-1, -1} when none.
  std::pair<int, int> regions_of(const model::Case& ca, const model::Case& cb, const model::Evaluation& ea,
                                 const model::Evaluation& eb) const;

 private:
  bool holds(size_t region, const model::Evaluation& ea, const model::Evaluation& eb) const;
  bool granted_approves(const std::vector<size_t>& regions, const model::Case& ca, const model::Case& cb,
                        const model::Evaluation& ea, const model::Evaluation& eb) const;
  const DecisionDiff& d_;
  const model::Policy& a_;
  const model::Policy& b_;
  model::Evaluator eval_a_, eval_b_;
};

// The number of fact atoms the two vocabularies share (by name and type).
size_t shared_atoms(const model::Vocabulary& a, const model::Vocabulary& b);

// Both of the above.
// Policies with different ids are two payers' (diff_payers, no textual
// changes); with one id, two versions (text_changes, diff_decisions).
// `max_regions` 0: 64 between versions, 256 between payers. Throws
// DiagnosticError when they share no fact.
PolicyDiff diff_policies(std::shared_ptr<const model::Policy> before,
                         std::shared_ptr<const model::Policy> after, Limits limits = {},
                         size_t max_regions = 0);


}  // namespace pp::solver
