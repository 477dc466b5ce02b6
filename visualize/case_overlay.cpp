#include "visualize/case_overlay.h"

#include <boost/graph/breadth_first_search.hpp>
#include <boost/graph/filtered_graph.hpp>
#include <boost/graph/reverse_graph.hpp>

namespace pp::visualize {

namespace {

using model::Tri;

Tri from_decision(model::Decision d) {
  switch (d) {
    case model::Decision::MedicallyNecessary: return Tri::True;
    case model::Decision::NotMedicallyNecessary: return Tri::False;
    case model::Decision::Undetermined: return Tri::Unknown;
    case model::Decision::OutOfScope: return Tri::False;  // not approved
  }
  return Tri::Unknown;
}

// Kleene combination of a gate's inputs (In-edges other than Uses).
Tri combine(const Graph& g, Vertex v, const std::vector<Tri>& value) {
  const NodeProps& n = g[v];
  const bool all = n.combinator == model::Combinator::All;
  Tri r = all ? Tri::True : Tri::False;
  for (auto [e, end] = boost::in_edges(v, g); e != end; ++e) {
    if (g[*e].kind == EdgeKind::Uses) continue;
    Tri t = value[boost::source(*e, g)];
    if (t == Tri::Unknown) r = Tri::Unknown;
    else if ((t == Tri::True) != all) { r = t; break; }  // a false part of ALL, a true part of ANY
  }
  if (n.negated && r != Tri::Unknown) r = r == Tri::True ? Tri::False : Tri::True;
  return r;
}

struct DecisiveEdges {
  const DecisionGraph* g = nullptr;
  const CaseOverlay* ov = nullptr;
  bool operator()(const Edge& e) const { return is_decisive(*g, *ov, e); }
};

struct Recorder : boost::default_bfs_visitor {
  std::vector<bool>* seen;
  template <class V, class G>
  void discover_vertex(V v, const G&) const { (*seen)[v] = true; }
};

}  // namespace

bool is_decisive(const DecisionGraph& dg, const CaseOverlay& ov, const Edge& e) {
  const Graph& g = dg.graph;
  if (g[e].kind == EdgeKind::Uses) return false;  // a reference inside a condition, not a part
  Tri from = ov.value[boost::source(e, g)];
  Vertex to_v = boost::target(e, g);
  Tri to = ov.value[to_v];
  if (from == Tri::Unknown || to == Tri::Unknown) return false;
  return (from == to) != g[to_v].negated;
}

CaseOverlay overlay_case(const DecisionGraph& dg, const model::Policy& p, const solver::CaseResult& r,
                         const std::string& case_id) {
  const Graph& g = dg.graph;
  const size_t n = boost::num_vertices(g);
  CaseOverlay ov;
  ov.case_id = case_id;
  ov.decision = r.decision;
  ov.exact = r.exact;
  for (int s : r.decisive_unknowns) ov.decisive_unknowns.push_back(p.vocab.slots[s].path);
  ov.value.assign(n, Tri::Unknown);
  ov.on_path.assign(n, false);
  ov.highlighted.assign(n, false);

  for (Vertex v : topological_order(dg)) {
    const NodeProps& np = g[v];
    if (np.criterion >= 0) ov.value[v] = r.evaluation.criteria[np.criterion];
    else if (np.kind == NodeKind::Decision) ov.value[v] = from_decision(r.decision);
    else ov.value[v] = combine(g, v, ov.value);
  }
  for (int pw : p.pathways)
    if (ov.value[dg.criterion_vertex[pw]] == Tri::True) ov.highlighted[dg.criterion_vertex[pw]] = true;
  for (int x : p.exclusions)
    if (ov.value[dg.criterion_vertex[x]] == Tri::True) ov.highlighted[dg.criterion_vertex[x]] = true;

  // The case's path: everything that reaches the decision over decisive edges.
  boost::filtered_graph<Graph, DecisiveEdges> decisive(g, DecisiveEdges{&dg, &ov});
  Recorder rec;
  rec.seen = &ov.on_path;
  boost::breadth_first_search(boost::make_reverse_graph(decisive), dg.decision, boost::visitor(rec));
  return ov;
}

}  // namespace pp::visualize
