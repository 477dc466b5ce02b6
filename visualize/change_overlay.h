// A change between two versions of one policy, drawn over a view
// (visualize layer; `policyproof render --diff OLD NEW`): which criteria were
// added, removed and changed, compared by criterion id (wording, title,
// condition, combinator and parts, kind, category, section). The picture is
// NEW's decision graph with OLD's removed criteria put back where they were,
// so any view (overview, pathway, exclusions, full) can show them.
#pragma once
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "model/policy.h"
#include "solver/policy_differ.h"
#include "visualize/decision_graph.h"
#include "visualize/views.h"

namespace pp::visualize {

const char* to_string(ChangeMark m);  // none | unchanged | added | removed | changed | changed_inside

struct CriterionChange {
  std::string id;
  ChangeMark mark = ChangeMark::Unchanged;  // Added, Removed or Changed
  // Changed: what changed, one short phrase each, in a fixed order
  // ("condition `a` -> `b`", "parts: + X, − Y", "kind: condition -> exclusion",
  // "category: ...", "section: ...", "title: ...", "wording").
  std::vector<std::string> what;
  // Changed: the same with the whole old and new texts (for tooltips).
  std::vector<std::string> detail;
  // With note_decision_effects: whether the change alters some decision (it
  // is changed itself in a region of cases the versions decide differently),
  // and in how many regions; nullopt when not known.
  std::optional<bool> alters_decisions;
  size_t regions = 0;
};

struct PolicyChanges {
  std::string old_name, new_name;  // the versions, or the file names when the versions are equal
  std::vector<CriterionChange> criteria;  // added, removed and changed only; NEW's order, removed ones where they were
  const CriterionChange* find(std::string_view id) const;  // nullptr when unchanged or unknown
  size_t count(ChangeMark m) const;
  std::string summary() const;  // "1 added, 1 removed, 1 changed" or "no criterion changed"
  size_t regions = 0;  // with note_decision_effects: regions of cases decided differently
};

// Compares two versions of one policy by criterion id. Two different
// policies (different `policy.id`s) cannot be compared criterion by
// criterion: a DiagnosticError located at NEW's file.
PolicyChanges compare_policies(const model::Policy& old_policy, const model::Policy& new_policy);

// Which changes alter a decision, from the regions of cases the two versions
// decide differently (solver::diff_decisions): a criterion altered in a
// region does. When the diff is incomplete, only "alters" is known.
void note_decision_effects(PolicyChanges& changes, const solver::DecisionDiff& d);

// NEW with OLD's removed criteria put back (children before parents, a
// removed part inside the ALL/ANY that held it, a removed pathway or
// exclusion among NEW's), for drawing only: removed conditions keep their
// words, not their `when`. Versions read "OLD to NEW".
model::Policy merge_for_drawing(const model::Policy& old_policy, const model::Policy& new_policy,
                                const PolicyChanges& changes);

// Marks the nodes of a view of merge_for_drawing's graph: added, removed and
// changed criteria (a line saying so under the words, the whole change in
// the tooltip), every other criterion unchanged, and a node standing for
// parts the view leaves out ("changes inside: ...") when some of them
// changed. Appends the summary to the title.
void mark_changes(View& v, const DecisionGraph& merged, const PolicyChanges& changes);

// The view of a change: compare, (note the decision effects,) merge, build,
// make_view, mark. Throws what compare_policies and make_view throw.
View make_change_view(const model::Policy& old_policy, const model::Policy& new_policy, const ViewRequest& r,
                      const solver::DecisionDiff* decisions = nullptr);

// For the writers. The DOT look of a marked node (fill, border, class, and
// for a removed one an HTML label with its words struck through, kept under
// the key `label` with the prefix kHtmlLabel); of an edge; the small legend.
inline constexpr std::string_view kHtmlLabel = "\x01html:";
void change_node_attributes(const ViewNode& n, std::map<std::string, std::string>& a);
void change_edge_attributes(const ViewNode& from, const ViewNode& to, std::map<std::string, std::string>& a);
bool has_change_marks(const View& v);
std::string change_legend_dot(const View& v);
// Mermaid: classDef added/removed/changed/changed_inside, the class lines
// (`ids` are the Mermaid ids of v.nodes) and a small legend subgraph.
std::string change_mermaid(const View& v, const std::vector<std::string>& ids);

}  // namespace pp::visualize
