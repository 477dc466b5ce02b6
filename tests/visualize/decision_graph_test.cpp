// The decision graph as a Boost.Graph model: every criterion is a vertex with
// its id, the graph is acyclic (Boost's topological_sort succeeds, for every
// reading of every ambiguity), everything reaches the decision, and the
// clusters and edges say what the policy says.
#include <catch2/catch.hpp>

#include "visualize/decision_graph.h"  // first: Boost's config before its exception header

#include <algorithm>
#include <boost/graph/exception.hpp>
#include <set>

#include "model/embedded_files.h"
#include "model/policy.h"

using namespace pp;
using visualize::EdgeKind;
using visualize::NodeKind;
using visualize::Vertex;

namespace {

bool has_edge(const visualize::DecisionGraph& dg, const std::string& from, const std::string& to, EdgeKind kind) {
  const auto& g = dg.graph;
  Vertex u = dg.vertex_by_id.at(from), v = dg.vertex_by_id.at(to);
  for (auto [e, end] = boost::out_edges(u, g); e != end; ++e)
    if (boost::target(*e, g) == v && g[*e].kind == kind) return true;
  return false;
}

void check_acyclic_and_ordered(const visualize::DecisionGraph& dg) {
  const auto& g = dg.graph;
  REQUIRE(visualize::is_acyclic(dg));
  std::vector<Vertex> order;
  REQUIRE_NOTHROW(order = visualize::topological_order(dg));
  REQUIRE(order.size() == boost::num_vertices(g));
  std::vector<size_t> pos(order.size());
  for (size_t i = 0; i < order.size(); ++i) pos[order[i]] = i;
  for (auto [e, end] = boost::edges(g); e != end; ++e)
    CHECK(pos[boost::source(*e, g)] < pos[boost::target(*e, g)]);
}

}  // namespace

TEST_CASE("every criterion of the model is a vertex named by its id") {
  auto p = model::load_bundled_policy();
  auto dg = visualize::build_decision_graph(*p);
  REQUIRE(dg.criterion_vertex.size() == p->criteria.size());
  for (size_t i = 0; i < p->criteria.size(); ++i) {
    INFO(p->criteria[i].id);
    REQUIRE(dg.vertex_by_id.count(p->criteria[i].id) == 1);
    Vertex v = dg.vertex_by_id.at(p->criteria[i].id);
    CHECK(v == dg.criterion_vertex[i]);
    CHECK(dg.graph[v].criterion == static_cast<int>(i));
    CHECK(dg.graph[v].cluster >= 0);  // drawn inside a box
  }
  // Ids are unique, synthetic ones included.
  CHECK(dg.vertex_by_id.size() == boost::num_vertices(dg.graph));
}

TEST_CASE("the decision graph is acyclic: Boost's topological_sort orders it") {
  auto p = model::load_bundled_policy();
  check_acyclic_and_ordered(visualize::build_decision_graph(*p));
}

TEST_CASE("the graph stays acyclic under every reading of every ambiguity") {
  auto text = model::embedded_file("cmm-607.yaml");
  REQUIRE(text);
  auto base = model::load_bundled_policy();
  for (const auto& amb : base->ambiguities)
    for (const auto& reading : amb.readings) {
      INFO(amb.id << " / " << reading.id);
      auto p = model::load_policy(model::PolicySource{std::string(*text), "cmm-607.yaml", ""}, reading.overrides);
      auto dg = visualize::build_decision_graph(*p);
      check_acyclic_and_ordered(dg);
      // A reading's `@id` references become dashed "uses" edges.
      for (const auto& [crit, when] : reading.overrides)
        for (const auto& c : p->criteria)
          if (when.find("@" + c.id) != std::string::npos &&
              when.find("@" + c.id + ".") == std::string::npos)  // not a longer id
            CHECK(has_edge(dg, c.id, crit, EdgeKind::Uses));
    }
}

TEST_CASE("a cycle is detected by the Boost algorithms") {
  auto p = model::load_bundled_policy();
  auto dg = visualize::build_decision_graph(*p);
  boost::add_edge(dg.decision, dg.vertex_by_id.at("IN.NM.levels"), visualize::EdgeProps{EdgeKind::Part}, dg.graph);
  CHECK_FALSE(visualize::is_acyclic(dg));
  CHECK_THROWS_AS(visualize::topological_order(dg), boost::not_a_dag);
}

TEST_CASE("every vertex leads to the decision (breadth-first search on the reversed graph)") {
  auto p = model::load_bundled_policy();
  auto dg = visualize::build_decision_graph(*p);
  auto reach = visualize::reaches(dg, dg.decision);
  for (Vertex v = 0; v < boost::num_vertices(dg.graph); ++v) {
    INFO(dg.graph[v].id);
    CHECK(reach[v]);
  }
  // And nothing leads out of the decision.
  CHECK(boost::out_degree(dg.decision, dg.graph) == 0);
}

TEST_CASE("structure: ALL/ANY groups, pathways, exclusions by category, the urgent waiver") {
  auto p = model::load_bundled_policy();
  auto dg = visualize::build_decision_graph(*p);
  const auto& g = dg.graph;
  auto node = [&](const std::string& id) -> const visualize::NodeProps& { return g[dg.vertex_by_id.at(id)]; };

  for (const auto& c : p->criteria) {
    INFO(c.id);
    const auto& n = node(c.id);
    if (c.kind == model::CriterionKind::Pathway) CHECK(n.kind == NodeKind::Pathway);
    else if (c.combinator != model::Combinator::Leaf) CHECK(n.kind == NodeKind::Group);
    else CHECK((n.kind == NodeKind::Condition || n.kind == NodeKind::Exclusion));
    CHECK(n.combinator == c.combinator);
    // Parts are edges into the group, inside the group's cluster.
    for (int ch : c.children) {
      CHECK(has_edge(dg, p->criteria[ch].id, c.id, EdgeKind::Part));
      CHECK(g[dg.criterion_vertex[ch]].cluster == n.cluster);
    }
  }
  // Pathways feed the ANY-pathway gate, each in its own cluster.
  std::set<int> pathway_clusters;
  for (int pw : p->pathways) {
    CHECK(has_edge(dg, p->criteria[pw].id, g[dg.any_pathway].id, EdgeKind::Approves));
    const auto& cl = dg.clusters[node(p->criteria[pw].id).cluster];
    CHECK(cl.kind == visualize::ClusterKind::Pathway);
    CHECK(cl.id == p->criteria[pw].id);
    pathway_clusters.insert(node(p->criteria[pw].id).cluster);
  }
  CHECK(pathway_clusters.size() == p->pathways.size());
  // Exclusions: one cluster per category, a group node in it, the gate after.
  std::set<std::string> categories;
  for (int x : p->exclusions) {
    const auto& c = p->criteria[x];
    INFO(c.id);
    categories.insert(c.category);
    const auto& cl = dg.clusters[node(c.id).cluster];
    CHECK(cl.kind == visualize::ClusterKind::Exclusions);
    CHECK(cl.id == "exclusions." + c.category);
    CHECK(has_edge(dg, c.id, cl.id, EdgeKind::Excludes));
    CHECK(node(c.id).exclusion_like);
  }
  for (const auto& cat : categories) CHECK(has_edge(dg, "exclusions." + cat, g[dg.no_exclusion].id, EdgeKind::Excludes));
  CHECK(g[dg.no_exclusion].negated);
  CHECK(has_edge(dg, g[dg.any_pathway].id, g[dg.decision].id, EdgeKind::Decides));
  CHECK(has_edge(dg, g[dg.no_exclusion].id, g[dg.decision].id, EdgeKind::Decides));

  // The urgent/emergent conditions and their waiver (CMM.SP.GG.607.1): their
  // own cluster, and the waiver is used by the subacute conservative-care leaves.
  const auto& waiver_cluster = dg.clusters[node("GG.urgent.waiver").cluster];
  CHECK(waiver_cluster.kind == visualize::ClusterKind::Conditions);
  CHECK(waiver_cluster.section == "CMM.SP.GG.607.1");
  for (const char* id : {"GG.urgent", "GG.urgent.neoplastic", "GG.urgent.incapacitated", "GG.urgent.imaging"})
    CHECK(node(id).cluster == node("GG.urgent.waiver").cluster);
  CHECK(has_edge(dg, "GG.urgent.waiver", "IN.NM.subacute.analgesics", EdgeKind::Uses));
  CHECK(has_edge(dg, "GG.urgent.waiver", "IN.NM.subacute.exercise", EdgeKind::Uses));
  CHECK(has_edge(dg, "IN.NM.findings", "GG.urgent.imaging", EdgeKind::Uses));

  // Technique and level checks are criteria, marked as such.
  for (const char* id : {"IN.ASP.vertebroplasty", "IN.ASP.levels", "IN.NM.levels", "NI.cervical", "NI.upper_thoracic",
                         "NI.sacroplasty", "NI.spinoplasty", "NI.stenting"})
    CHECK(node(id).request_check);
  for (const char* id : {"NI.non_fda_materials", "IN.ASP.fusion", "IN.NM.pain", "CI.active_infection"})
    CHECK_FALSE(node(id).request_check);
}

TEST_CASE("building twice gives the same graph, vertex for vertex") {
  auto p = model::load_bundled_policy();
  auto a = visualize::build_decision_graph(*p);
  auto b = visualize::build_decision_graph(*p);
  REQUIRE(boost::num_vertices(a.graph) == boost::num_vertices(b.graph));
  REQUIRE(boost::num_edges(a.graph) == boost::num_edges(b.graph));
  for (Vertex v = 0; v < boost::num_vertices(a.graph); ++v) {
    CHECK(a.graph[v].id == b.graph[v].id);
    CHECK(a.graph[v].cluster == b.graph[v].cluster);
  }
}
