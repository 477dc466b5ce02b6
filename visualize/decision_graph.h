// The decision graph of a policy as a Boost.Graph model (visualize layer):
// one vertex per criterion (ids reused as node ids) plus the decision, the
// "ANY pathway" and "no exclusion applies" gates and one group per exclusion
// category; edges point from a part towards the decision it feeds.
#pragma once
#include <boost/graph/adjacency_list.hpp>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "model/policy.h"

namespace pp::visualize {

enum class NodeKind : std::uint8_t {
  Decision,        // the policy's decision: ANY pathway AND no exclusion (CMM.SP.IN.607.2)
  AnyPathway,      // ANY indication pathway is met
  NoExclusion,     // the gate: NO exclusion applies (CMM.SP.NI.607.3)
  ExclusionGroup,  // ANY exclusion of one category applies
  Pathway,         // a criterion of kind pathway (ALL/ANY of its parts)
  Group,           // any other ALL/ANY criterion
  Condition,       // a leaf criterion (a `when`)
  Exclusion,       // a leaf exclusion criterion
};
const char* to_string(NodeKind k);  // decision | any_pathway | ... (also the SVG class)

enum class EdgeKind : std::uint8_t {
  Part,      // a part -> the ALL/ANY criterion it belongs to
  Uses,      // a criterion -> the leaf whose `when` reads it (`@id`): drawn dashed
  Approves,  // a pathway -> the ANY-pathway gate
  Excludes,  // an exclusion -> its category group; a group -> the no-exclusion gate
  Decides,   // the two gates -> the decision
};
const char* to_string(EdgeKind k);

enum class ClusterKind : std::uint8_t { Pathway, Conditions, Exclusions };

// A box drawn around related vertices.
struct Cluster {
  std::string id;       // `cluster_` + this is the DOT subgraph name
  ClusterKind kind = ClusterKind::Conditions;
  std::string title;    // e.g. "Pathway: Non-Malignant Conditions"
  std::string section;  // policy section id
  std::string text;     // the policy sentence that opens it (tooltip), may be empty
};

struct NodeProps {
  // The criterion id, or for the synthetic vertices `decision`, `pathways`
  // (ANY pathway), `exclusions` (no exclusion applies) and
  // `exclusions.<category>` (a `'` is appended should a criterion use one).
  std::string id;
  NodeKind kind = NodeKind::Condition;
  int criterion = -1;  // index in Policy::criteria; -1 for synthetic vertices
  model::Combinator combinator = model::Combinator::Leaf;  // how its in-edges (Part/Approves/Excludes) combine
  bool negated = false;  // NoExclusion: true when NONE of its inputs holds
  bool request_check = false;  // a leaf that only reads the technique, levels or codes requested
  bool exclusion_like = false;  // true means "blocks approval": exclusions and their groups
  int cluster = -1;      // index in DecisionGraph::clusters; -1 = outside every cluster
};

struct EdgeProps {
  EdgeKind kind = EdgeKind::Part;
};

// bidirectionalS: the overlay and the tests walk edges both ways.
using Graph = boost::adjacency_list<boost::vecS, boost::vecS, boost::bidirectionalS, NodeProps, EdgeProps>;
using Vertex = boost::graph_traits<Graph>::vertex_descriptor;
using Edge = boost::graph_traits<Graph>::edge_descriptor;

struct DecisionGraph {
  Graph graph;
  std::vector<Cluster> clusters;          // in drawing order
  std::vector<Vertex> criterion_vertex;   // per criterion index
  std::map<std::string, Vertex, std::less<>> vertex_by_id;
  Vertex decision = 0, any_pathway = 0, no_exclusion = 0;
};

// Builds the graph of `p`. Vertex order (and so the DOT order) follows the
// policy file: criteria in Policy::criteria order, then the synthetic vertices.
// Assumes a validated policy (no Ref cycles; the loader checks that).
DecisionGraph build_decision_graph(const model::Policy& p);

// The vertices, every part before what it feeds (boost::topological_sort).
// Throws boost::not_a_dag if the graph has a cycle.
std::vector<Vertex> topological_order(const DecisionGraph& g);

// True when the graph has no cycle (a depth-first search finds no back edge).
bool is_acyclic(const DecisionGraph& g);

// Per vertex: true when a directed path leads from it to `target`
// (breadth-first search over the reversed graph).
std::vector<bool> reaches(const DecisionGraph& g, Vertex target);

}  // namespace pp::visualize
