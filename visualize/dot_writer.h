// The decision graph as Graphviz DOT text (visualize layer): clusters per
// pathway, per exclusion category and for the urgent/emergent conditions,
// short labels (criterion id and title), the policy sentence as the tooltip,
// a legend, and optionally a case's path drawn over it.
#pragma once
#include <map>
#include <string>
#include <vector>

#include "model/policy.h"
#include "visualize/case_overlay.h"
#include "visualize/decision_graph.h"

namespace pp::visualize {

// DOT attributes of one node or edge, sorted by name so the text is stable.
using Attributes = std::map<std::string, std::string>;

// The attributes each vertex is drawn with (per vertex index); with an
// overlay, those of the case's path. Criterion vertices carry `class` values
// `criterion <kind> [met|not_met|unknown]`, which end up in the SVG.
std::vector<Attributes> node_attributes(const DecisionGraph& g, const model::Policy& p,
                                        const CaseOverlay* overlay = nullptr);

// The attributes of one edge.
Attributes edge_attributes(const DecisionGraph& g, const Edge& e, const CaseOverlay* overlay = nullptr);

// The whole DOT document. Deterministic: vertices and edges in graph order,
// attributes sorted, no dates or paths, so it works as a golden file.
std::string write_dot(const DecisionGraph& g, const model::Policy& p, const CaseOverlay* overlay = nullptr);

// A DOT double-quoted string literal of `s` (quotes and backslashes escaped,
// newlines as `\n`).
std::string dot_quote(const std::string& s);

}  // namespace pp::visualize
