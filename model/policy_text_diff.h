// The textual changes between two versions of a policy, and the canonical
// text of conditions they are compared by (model layer: no solver; the
// decisions that differ are solver/policy_differ.h's).
#pragma once
#include <string>
#include <vector>

#include "model/policy.h"

namespace pp::model {

// One textual change, keyed by what it is about.
struct TextChange {
  std::string what;    // policy | criterion | category | ambiguity | code | definition | fact | relation
  std::string id;      // criterion id, category id, code, term, fact path, relation id, or policy field
  std::string change;  // added | removed | reworded | condition | kind | category | section | title | changed
  std::string before;  // the old text or condition ("" when added)
  std::string after;   // the new one ("" when removed)
};

// The textual changes from `before` to `after`: metadata, criteria (added,
// removed, reworded, condition, kind, category, section, title), categories,
// ambiguities, codes, definitions, vocabulary facts and domain relations.
// Conditions are compared in canonical form, so layout, quoting, key order
// and equivalent spellings of the same set are no change.
std::vector<TextChange> text_changes(const Policy& before, const Policy& after);

// Whether a case of one vocabulary means the same in the other: the same
// atoms, with the same types and enum values, in the same order.
bool same_vocabulary(const Vocabulary& a, const Vocabulary& b);

// The canonical text of an expression over `policy` (atoms by name, sets by
// value name, criteria by id, the kids of and/or/count sorted): equal texts
// mean equal conditions, across versions.
std::string condition_text(const Expr& e, const Policy& policy);
// The canonical text of a criterion's condition: its `when`, or `all`/`any`
// of its children's ids (sorted).
std::string criterion_condition(const Criterion& c, const Policy& policy);

}  // namespace pp::model
