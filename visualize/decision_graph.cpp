#include "visualize/decision_graph.h"

#include <algorithm>
#include <boost/graph/breadth_first_search.hpp>
#include <boost/graph/depth_first_search.hpp>
#include <boost/graph/filtered_graph.hpp>
#include <boost/graph/reverse_graph.hpp>
#include <boost/graph/topological_sort.hpp>
#include <iterator>
#include <stdexcept>

namespace pp::visualize {

const char* to_string(NodeKind k) {
  switch (k) {
    case NodeKind::Decision: return "decision";
    case NodeKind::AnyPathway: return "any_pathway";
    case NodeKind::NoExclusion: return "no_exclusion";
    case NodeKind::ExclusionGroup: return "exclusion_group";
    case NodeKind::Pathway: return "pathway";
    case NodeKind::Group: return "group";
    case NodeKind::Condition: return "condition";
    case NodeKind::Exclusion: return "exclusion";
  }
  return "?";
}

const char* to_string(EdgeKind k) {
  switch (k) {
    case EdgeKind::Part: return "part";
    case EdgeKind::Uses: return "uses";
    case EdgeKind::Approves: return "approves";
    case EdgeKind::Excludes: return "excludes";
    case EdgeKind::Decides: return "decides";
  }
  return "?";
}

namespace {

// Records every vertex a search discovers.
struct DiscoverRecorder : boost::default_bfs_visitor {
  std::vector<bool>* seen;
  template <class V, class G>
  void discover_vertex(V v, const G&) const { (*seen)[v] = true; }
};

struct BackEdgeDetector : boost::default_dfs_visitor {
  bool* cyclic;
  template <class E, class G>
  void back_edge(E, const G&) const { *cyclic = true; }
};

// Only the edges that make a criterion out of its parts.
struct PartEdges {
  const Graph* g = nullptr;
  bool operator()(const Edge& e) const { return (*g)[e].kind == EdgeKind::Part; }
};

// A leaf that reads only request facts which are not yes/no answers: the
// technique, the levels and the CPT codes requested.
bool reads_only_request_choices(const model::Policy& p, const model::Criterion& c) {
  if (c.combinator != model::Combinator::Leaf) return false;
  std::vector<int> atoms;
  model::collect_atoms(c.expr, atoms);
  if (atoms.empty()) return false;
  return std::all_of(atoms.begin(), atoms.end(), [&](int a) {
    const model::Fact& f = p.vocab.facts[p.vocab.atoms[a].fact];
    return f.kind == model::FactKind::Request && f.type != model::FactType::Bool;
  });
}

std::string section_title(const model::Policy& p, const std::string& id) {
  for (const auto& s : p.sections)
    if (s.id == id) return s.title;
  return id;
}

// Category names for policies that do not declare their categories.
std::string fallback_category_title(const std::string& id) {
  std::string t = id.empty() ? std::string("Exclusions") : id;
  std::replace(t.begin(), t.end(), '_', ' ');
  return t;
}

class Builder {
 public:
  explicit Builder(const model::Policy& p) : p_(p) {}

  DecisionGraph build() {
    add_criteria();
    add_gates();
    assign_clusters();
    return std::move(dg_);
  }

 private:
  // A synthetic id that no criterion uses (criteria keep their own ids).
  std::string fresh_id(std::string id) const {
    while (p_.find_criterion(id) >= 0 || dg_.vertex_by_id.count(id)) id += "'";
    return id;
  }

  Vertex add_vertex(NodeProps props) {
    std::string id = props.id;
    Vertex v = boost::add_vertex(std::move(props), dg_.graph);
    dg_.vertex_by_id.emplace(std::move(id), v);
    return v;
  }

  void add_edge(Vertex from, Vertex to, EdgeKind kind) { boost::add_edge(from, to, EdgeProps{kind}, dg_.graph); }

  void add_criteria() {
    dg_.criterion_vertex.resize(p_.criteria.size());
    for (size_t i = 0; i < p_.criteria.size(); ++i) {
      const model::Criterion& c = p_.criteria[i];
      NodeProps n;
      n.id = c.id;
      n.criterion = static_cast<int>(i);
      n.combinator = c.combinator;
      if (c.kind == model::CriterionKind::Pathway) n.kind = NodeKind::Pathway;
      else if (c.combinator != model::Combinator::Leaf) n.kind = NodeKind::Group;
      else if (c.kind == model::CriterionKind::Exclusion) n.kind = NodeKind::Exclusion;
      else n.kind = NodeKind::Condition;
      n.request_check = reads_only_request_choices(p_, c);
      n.exclusion_like = c.kind == model::CriterionKind::Exclusion;
      dg_.criterion_vertex[i] = add_vertex(std::move(n));
    }
    // INVARIANT: criteria are topologically ordered, so parts already have vertices.
    for (size_t i = 0; i < p_.criteria.size(); ++i) {
      const model::Criterion& c = p_.criteria[i];
      Vertex v = dg_.criterion_vertex[i];
      for (int ch : c.children) add_edge(dg_.criterion_vertex[ch], v, EdgeKind::Part);
      if (c.combinator == model::Combinator::Leaf) {
        std::vector<int> refs;
        model::collect_refs(c.expr, refs);
        std::sort(refs.begin(), refs.end());
        refs.erase(std::unique(refs.begin(), refs.end()), refs.end());
        for (int r : refs) add_edge(dg_.criterion_vertex[r], v, EdgeKind::Uses);
      }
    }
  }

  void add_gates() {
    // Exclusion groups, one per category, in the policy's category order, then
    // any category only the criteria name.
    std::vector<std::string> order;
    for (const auto& cat : p_.categories) order.push_back(cat.id);
    for (int x : p_.exclusions)
      if (std::find(order.begin(), order.end(), p_.criteria[x].category) == order.end())
        order.push_back(p_.criteria[x].category);

    std::vector<Vertex> groups;
    for (const auto& cat_id : order) {
      NodeProps n;
      n.id = fresh_id(cat_id.empty() ? std::string("exclusions.other") : "exclusions." + cat_id);
      n.kind = NodeKind::ExclusionGroup;
      n.combinator = model::Combinator::Any;
      n.exclusion_like = true;
      Cluster cl;
      cl.id = n.id;
      cl.kind = ClusterKind::Exclusions;
      cl.title = fallback_category_title(cat_id);
      for (const auto& cat : p_.categories)
        if (cat.id == cat_id) { cl.title = cat.title; cl.section = cat.section; cl.text = cat.text; }
      n.cluster = static_cast<int>(dg_.clusters.size());
      dg_.clusters.push_back(cl);
      Vertex g = add_vertex(std::move(n));
      groups.push_back(g);
      for (int x : p_.exclusions)
        if (p_.criteria[x].category == cat_id) {
          add_edge(dg_.criterion_vertex[x], g, EdgeKind::Excludes);
          if (dg_.clusters.back().section.empty()) dg_.clusters.back().section = p_.criteria[x].section;
        }
    }

    NodeProps any;
    any.id = fresh_id("pathways");
    any.kind = NodeKind::AnyPathway;
    any.combinator = model::Combinator::Any;
    dg_.any_pathway = add_vertex(std::move(any));
    for (int pw : p_.pathways) add_edge(dg_.criterion_vertex[pw], dg_.any_pathway, EdgeKind::Approves);

    NodeProps none;
    none.id = fresh_id("exclusions");
    none.kind = NodeKind::NoExclusion;
    none.combinator = model::Combinator::Any;
    none.negated = true;
    dg_.no_exclusion = add_vertex(std::move(none));
    for (Vertex g : groups) add_edge(g, dg_.no_exclusion, EdgeKind::Excludes);

    NodeProps d;
    d.id = fresh_id("decision");
    d.kind = NodeKind::Decision;
    d.combinator = model::Combinator::All;
    dg_.decision = add_vertex(std::move(d));
    add_edge(dg_.any_pathway, dg_.decision, EdgeKind::Decides);
    add_edge(dg_.no_exclusion, dg_.decision, EdgeKind::Decides);
    // The scope (`scope:`) gates the decision too: outside it, out of scope.
    if (p_.scope >= 0) add_edge(dg_.criterion_vertex[static_cast<size_t>(p_.scope)], dg_.decision, EdgeKind::Decides);
  }

  // Which cluster a vertex belongs to, before the clusters are put in drawing
  // order: the band (sections, pathways, exclusions) and the index within it.
  enum Band { kSections = 0, kPathways = 1, kExclusions = 2 };
  struct Owner { int band = -1, index = -1; };

  // Gives `root` and every part under it (over Part edges) to `owner`,
  // leaving vertices that already have one alone.
  void claim_parts(Vertex root, Owner owner, std::vector<Owner>& owners) const {
    const Graph& g = dg_.graph;
    std::vector<bool> seen(boost::num_vertices(g), false);
    boost::filtered_graph<Graph, PartEdges> parts(g, PartEdges{&g});
    DiscoverRecorder rec;
    rec.seen = &seen;
    boost::breadth_first_search(boost::make_reverse_graph(parts), root, boost::visitor(rec));
    for (Vertex v = 0; v < seen.size(); ++v)
      if (seen[v] && owners[v].band < 0) owners[v] = owner;
  }

  void assign_clusters() {
    Graph& g = dg_.graph;
    std::vector<Owner> owners(boost::num_vertices(g));
    std::vector<Cluster> bands[3];
    // The exclusion clusters were made with their groups in add_gates.
    bands[kExclusions] = std::move(dg_.clusters);
    dg_.clusters.clear();
    for (Vertex v = 0; v < owners.size(); ++v)
      if (g[v].cluster >= 0) owners[v] = {kExclusions, g[v].cluster};

    // A pathway and its parts; a part shared by two pathways goes to the first.
    for (int pw : p_.pathways) {
      const model::Criterion& c = p_.criteria[pw];
      Cluster cl;
      cl.id = c.id;
      cl.kind = ClusterKind::Pathway;
      cl.title = "Pathway: " + c.title;
      cl.section = c.section;
      cl.text = c.text;
      bands[kPathways].push_back(cl);
      claim_parts(dg_.criterion_vertex[pw], {kPathways, static_cast<int>(bands[kPathways].size()) - 1}, owners);
    }
    // An exclusion and its parts: its category's cluster.
    for (int x : p_.exclusions) {
      Vertex v = dg_.criterion_vertex[x];
      for (auto [e, end] = boost::out_edges(v, g); e != end; ++e)
        if (g[*e].kind == EdgeKind::Excludes) claim_parts(v, owners[boost::target(*e, g)], owners);
    }
    // Whatever is left (the urgent/emergent conditions and their waiver,
    // CMM.SP.GG.607.1): one cluster per section, in the order first met.
    std::vector<std::vector<std::string>> roots;  // per section cluster: titles of its top criteria
    for (size_t i = 0; i < p_.criteria.size(); ++i) {
      Vertex v = dg_.criterion_vertex[i];
      if (owners[v].band >= 0) continue;
      const std::string& sec = p_.criteria[i].section;
      auto& secs = bands[kSections];
      auto it = std::find_if(secs.begin(), secs.end(), [&](const Cluster& c) { return c.section == sec; });
      if (it == secs.end()) {
        Cluster cl;
        cl.id = "section." + sec;
        cl.kind = ClusterKind::Conditions;
        cl.title = section_title(p_, sec);
        cl.section = sec;
        secs.push_back(cl);
        roots.emplace_back();
        it = secs.end() - 1;
      }
      claim_parts(v, {kSections, static_cast<int>(it - secs.begin())}, owners);
      // A criterion nothing is made of names what the cluster is about.
      bool is_root = true;
      for (auto [e, end] = boost::out_edges(v, g); e != end; ++e) is_root &= g[*e].kind != EdgeKind::Part;
      if (is_root) roots[it - secs.begin()].push_back(p_.criteria[i].title);
    }
    for (size_t k = 0; k < roots.size(); ++k)
      for (size_t r = 0; r < roots[k].size(); ++r)
        bands[kSections][k].title += (r == 0 ? ": " : ", ") + roots[k][r];

    // Drawing order: the pathways, the conditions outside them (the urgent
    // waiver, which the last pathway uses), the exclusions.
    int offset[3] = {0, 0, 0};
    for (int b : {kPathways, kSections, kExclusions}) {
      offset[b] = static_cast<int>(dg_.clusters.size());
      for (auto& c : bands[b]) dg_.clusters.push_back(std::move(c));
    }
    for (Vertex v = 0; v < owners.size(); ++v) {
      g[v].cluster = owners[v].band < 0 ? -1 : offset[owners[v].band] + owners[v].index;
      if (owners[v].band == kExclusions) g[v].exclusion_like = true;
    }
  }

  const model::Policy& p_;
  DecisionGraph dg_;
};

}  // namespace

DecisionGraph build_decision_graph(const model::Policy& p) { return Builder(p).build(); }

std::vector<Vertex> topological_order(const DecisionGraph& g) {
  std::vector<Vertex> order;
  order.reserve(boost::num_vertices(g.graph));
  boost::topological_sort(g.graph, std::back_inserter(order));  // reverse topological order
  std::reverse(order.begin(), order.end());
  return order;
}

bool is_acyclic(const DecisionGraph& g) {
  bool cyclic = false;
  BackEdgeDetector det;
  det.cyclic = &cyclic;
  boost::depth_first_search(g.graph, boost::visitor(det));
  return !cyclic;
}

std::vector<bool> reaches(const DecisionGraph& g, Vertex target) {
  std::vector<bool> seen(boost::num_vertices(g.graph), false);
  DiscoverRecorder rec;
  rec.seen = &seen;
  boost::breadth_first_search(boost::make_reverse_graph(g.graph), target, boost::visitor(rec));
  return seen;
}

}  // namespace pp::visualize
