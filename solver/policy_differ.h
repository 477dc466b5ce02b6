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
#include "solver/limits.h"

namespace pp::solver {

// One textual change, keyed by what it is about.
struct TextChange {
  std::string what;    // policy | criterion | category | ambiguity | code | definition | fact | relation
  std::string id;      // criterion id, category id, code, term, fact path, relation id, or policy field
  std::string change;  // added | removed | reworded | condition | kind | category | section | title | changed
  std::string before;  // the old text or condition ("" when added)
  std::string after;   // the new one ("" when removed)
};

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
  model::Case witness;                   // in the old version's vocabulary
  // In the new version's vocabulary, when it is not the old one's (the case
  // `evaluate --policy NEW` should read); else empty and `witness` serves both.
  std::optional<model::Case> witness_after;
};

struct DecisionDiff {
  std::vector<Region> regions;
  bool complete = true;  // false: stopped at the region limit or on a solver limit
  std::string reason;    // why it is incomplete
};

struct PolicyDiff {
  std::vector<TextChange> changes;
  DecisionDiff decisions;
};

// The textual changes from `before` to `after`: metadata, criteria (added,
// removed, reworded, condition, kind, category, section, title), categories,
// ambiguities, codes, definitions, vocabulary facts and domain relations.
// Conditions are compared in canonical form, so layout, quoting, key order
// and equivalent spellings of the same set are no change.
std::vector<TextChange> text_changes(const model::Policy& before, const model::Policy& after);

// Every region of cases the two versions decide differently (at most
// `max_regions`); witnesses carry case ids `<case_id_prefix>-<n>`. Each
// witness is replayed through both concrete evaluators; a witness that does
// not replay is a bug (std::logic_error).
DecisionDiff diff_decisions(std::shared_ptr<const model::Policy> before,
                            std::shared_ptr<const model::Policy> after, Limits limits = {},
                            size_t max_regions = 64, const std::string& case_id_prefix = "region");

// Both of the above.
PolicyDiff diff_policies(std::shared_ptr<const model::Policy> before,
                         std::shared_ptr<const model::Policy> after, Limits limits = {},
                         size_t max_regions = 64);

// Whether a case of one vocabulary means the same in the other: the same
// atoms, with the same types and enum values, in the same order.
bool same_vocabulary(const model::Vocabulary& a, const model::Vocabulary& b);

// The canonical text of an expression over `policy` (atoms by name, sets by
// value name, criteria by id, the kids of and/or/count sorted): equal texts
// mean equal conditions, across versions.
std::string condition_text(const model::Expr& e, const model::Policy& policy);
// The canonical text of a criterion's condition: its `when`, or `all`/`any`
// of its children's ids (sorted).
std::string criterion_condition(const model::Criterion& c, const model::Policy& policy);

}  // namespace pp::solver
