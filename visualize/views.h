// Views of the decision graph (visualize layer): the few boxes of an
// overview, one pathway with every criterion, the exclusions grouped by
// category, or the whole graph. A view is a small, writer-neutral diagram
// (nodes, clusters, edges) that the DOT and Mermaid writers draw. Labels lead
// with words (the criterion title); ids go in the tooltip. Generic over any
// policy: it is built from the decision graph alone.
#pragma once
#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "model/policy.h"
#include "visualize/case_overlay.h"
#include "visualize/decision_graph.h"

namespace pp::visualize {

enum class ViewKind { Full, Overview, Pathway, Exclusions, Path };
const char* to_string(ViewKind k);                     // full | overview | pathway | exclusions | path
std::optional<ViewKind> parse_view(std::string_view name);

struct ViewRequest {
  ViewKind kind = ViewKind::Full;
  std::string pathway;  // ViewKind::Pathway: the pathway criterion's id
};

// Thrown when a view cannot be made (an unknown pathway id): the message
// names what was expected.
struct ViewError : std::invalid_argument {
  using std::invalid_argument::invalid_argument;
};

// How the path view draws a node: what approved (met), what fell short of a
// pathway (short), what blocks approval (blocks), what is not known, and what
// did not decide the case (context: grey, never red). Plain in other views,
// which colour by value.
enum class Tone { Plain, Met, Short, Blocks, Unknown, Context };
const char* to_string(Tone t);  // plain | met | falls_short | excludes | unknown | did_not_matter

// What a version changed about a node (render --diff; change_overlay.h).
enum class ChangeMark : std::uint8_t { None, Unchanged, Added, Removed, Changed, ChangedInside };

struct ViewNode {
  std::string id;       // criterion id or synthetic id of the decision graph
  std::string label;    // words first, lines separated by '\n'
  std::string tooltip;  // the id, the section and the policy sentence
  NodeKind kind = NodeKind::Condition;
  model::Combinator combinator = model::Combinator::Leaf;
  bool exclusion_like = false;
  int cluster = -1;     // index in View::clusters
  std::optional<model::Tri> value;  // with a case
  ChangeMark change = ChangeMark::None;  // with render --diff
  Tone tone = Tone::Plain;          // the path view
};

struct ViewCluster {
  std::string id;     // e.g. the cluster id of the decision graph
  std::string title;  // words
  ClusterKind kind = ClusterKind::Conditions;
};

struct ViewEdge {
  size_t from = 0, to = 0;  // indices in View::nodes
  EdgeKind kind = EdgeKind::Part;
};

struct View {
  ViewKind kind = ViewKind::Full;
  std::string title;
  std::vector<ViewNode> nodes;
  std::vector<ViewCluster> clusters;
  std::vector<ViewEdge> edges;
};

// The ids of the pathways of `g` (criteria of kind pathway), in policy order.
std::vector<std::string> pathway_ids(const DecisionGraph& g);

// Makes the requested view. Throws ViewError for a pathway id that is not a
// pathway of the policy, and for ViewKind::Path (it needs a case: use
// make_path_view). Deterministic: nodes in graph order.
View make_view(const DecisionGraph& g, const model::Policy& p, const ViewRequest& r,
               const CaseOverlay* overlay = nullptr);

// The path view of one case (`c` as read, `r` its evaluation): only what
// decided it. The pathway that approved it (the first met), or else the one
// met but excluded, or else the one that came closest (build_why's closest
// pathway: fewest criteria not met), with the branch taken (or closest) at
// each `any`; the exclusions that apply (and, when undetermined, those that
// may); the gates and the decision. Every criterion carries the case's values
// against what it needs (model::criterion_facts). Parts of the pathway that
// held but did not decide are grey (Tone::Context); nothing else is drawn.
View make_path_view(const DecisionGraph& g, const model::Policy& p, const model::Case& c,
                    const solver::CaseResult& r, const std::string& case_id);

// The view as DOT text (top to bottom, subgraphs per cluster, ids in the
// tooltips, met/not_met/unknown classes with a case). Deterministic.
// `leaves_per_row`: at most that many leaves of a cluster side by side (0: the
// view's default, made for an A4 page turned sideways); a narrower column (the
// report's) asks for fewer.
std::string write_view_dot(const View& v, size_t leaves_per_row = 0);

}  // namespace pp::visualize
