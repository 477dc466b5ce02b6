// A view of the decision graph as a Mermaid flowchart (visualize layer), for
// documentation sites and code hosts that render Mermaid natively.
#pragma once
#include <string>

#include "visualize/views.h"

namespace pp::visualize {

// A Mermaid node id for a criterion id: every character outside
// [A-Za-z0-9_] becomes `_` (Mermaid ids cannot hold dots), and an id equal
// to a Mermaid keyword (`end`, `graph`, `subgraph`, ...) gets a trailing `_`.
std::string mermaid_id(const std::string& id);

// Text for inside a Mermaid "..." label: quotes, <, >, & and # as entity
// codes, newlines as <br/>.
std::string mermaid_label(const std::string& s);

// `flowchart TD` of the view: a subgraph per cluster, node ids from
// mermaid_id (made unique by a numeric suffix should two ids collide), titles
// as labels; with a case, classDef met/not_met/unknown and a class line for
// each. Deterministic, ends with a newline.
std::string write_mermaid(const View& v);

}  // namespace pp::visualize
