// The DOT text: stable (golden files), complete (every criterion id is a node
// with its policy sentence as the tooltip), and a case's overlay differs from
// the plain graph exactly at the nodes the evaluation reports.
//
// Golden files: tests/golden/visualize/plain.expected.dot (the plain graph) and
// <name>.case.json beside <name>.expected.dot (a case's path). Refresh: see
// CONTRIBUTING.md "Golden files".
#include <catch2/catch.hpp>

#include <set>

#include "model/case_reader.h"
#include "model/policy.h"
#include "solver/case_engine.h"
#include "visualize/case_overlay.h"
#include "visualize/decision_graph.h"
#include "visualize/dot_writer.h"
#include "visualize_support.h"

using namespace pp;
using model::Tri;

namespace {

const std::string kGolden = std::string(PP_SOURCE_DIR) + "/tests/golden/visualize/";

struct Evaluated {
  model::Case c;
  solver::CaseResult result;
  visualize::CaseOverlay overlay;
};

Evaluated evaluate(const std::shared_ptr<const model::Policy>& p, const visualize::DecisionGraph& dg,
                   const std::string& json, const std::string& name) {
  model::CaseReader reader(*p);
  Evaluated e{reader.read(json, name), {}, {}};
  solver::CaseEngine engine(p);
  e.result = engine.evaluate(e.c);
  e.overlay = visualize::overlay_case(dg, *p, e.result, e.c.case_id);
  return e;
}

const char* status_class(Tri t) {
  return t == Tri::True ? "met" : t == Tri::False ? "not_met" : "unknown";
}

// The `class` words of a node.
std::set<std::string> classes(const vtest::DotAttributes& a) {
  std::set<std::string> out;
  std::istringstream in(a.count("class") ? a.at("class") : "");
  std::string w;
  while (in >> w) out.insert(w);
  return out;
}

// Replaces one fact of a case's JSON text (a plain string replacement).
std::string with(std::string json, const std::string& from, const std::string& to) {
  auto at = json.find(from);
  REQUIRE(at != std::string::npos);
  return json.replace(at, from.size(), to);
}

}  // namespace

TEST_CASE("the plain graph's DOT matches its golden file", "[golden]") {
  auto p = model::load_bundled_policy();
  auto dot = visualize::write_dot(visualize::build_decision_graph(*p), *p);
  CHECK(vtest::matches_golden(kGolden + "plain.expected.dot", dot));
}

TEST_CASE("a case's path matches its golden file", "[golden]") {
  auto p = model::load_bundled_policy();
  auto dg = visualize::build_decision_graph(*p);
  for (const char* name : {"denied-t3", "approved-acute"}) {
    INFO(name);
    std::string json = vtest::slurp(kGolden + name + ".case.json");
    REQUIRE_FALSE(json.empty());
    auto e = evaluate(p, dg, json, std::string(name) + ".case.json");
    CHECK(vtest::matches_golden(kGolden + name + ".expected.dot", visualize::write_dot(dg, *p, &e.overlay)));
  }
}

TEST_CASE("the DOT is deterministic") {
  auto p = model::load_bundled_policy();
  auto a = visualize::write_dot(visualize::build_decision_graph(*p), *p);
  auto b = visualize::write_dot(visualize::build_decision_graph(*p), *p);
  CHECK(a == b);
  CHECK(a.find("/tmp") == std::string::npos);
  CHECK(a.find(PP_SOURCE_DIR) == std::string::npos);
}

TEST_CASE("every criterion id is a node, labelled with its id and title, the sentence as tooltip") {
  auto p = model::load_bundled_policy();
  auto nodes = vtest::dot_nodes(visualize::write_dot(visualize::build_decision_graph(*p), *p));
  for (const auto& c : p->criteria) {
    INFO(c.id);
    REQUIRE(nodes.count(c.id) == 1);
    const auto& a = nodes.at(c.id);
    CHECK(a.at("id") == c.id);  // the SVG element id
    CHECK(a.at("label").find(c.id) != std::string::npos);
    CHECK(a.at("label").find(c.title) != std::string::npos);
    // The sentence, as DOT escapes it (quotes are the only escapes in it).
    std::string text;
    for (char ch : c.text) {
      if (ch == '"' || ch == '\\') text.push_back('\\');
      text.push_back(ch);
    }
    CHECK(a.at("tooltip").find(text) != std::string::npos);
    CHECK(classes(a).count("criterion") == 1);
  }
  CHECK(nodes.count("decision") == 1);
  CHECK(nodes.count("legend.condition") == 1);
}

TEST_CASE("a case's overlay differs from the plain graph exactly at the nodes the evaluation reports") {
  auto p = model::load_bundled_policy();
  auto dg = visualize::build_decision_graph(*p);
  auto e = evaluate(p, dg, vtest::slurp(kGolden + "denied-t3.case.json"), "denied-t3.case.json");
  REQUIRE(e.result.decision == model::Decision::NotMedicallyNecessary);
  auto plain = vtest::dot_nodes(visualize::write_dot(dg, *p));
  auto drawn = vtest::dot_nodes(visualize::write_dot(dg, *p, &e.overlay));

  // The graph's nodes are the same; the legend gains the value samples.
  for (const auto& [id, a] : plain) CHECK(drawn.count(id) == 1);
  const std::set<std::string> overlay_attributes = {"style", "fillcolor", "color", "penwidth", "class",
                                                    "label", "tooltip", "peripheries"};
  std::set<std::string> differing, reported;
  for (const auto& [id, a] : drawn) {
    if (!plain.count(id)) {
      CHECK(id.rfind("legend.", 0) == 0);
      continue;
    }
    if (plain.at(id) == a) continue;
    differing.insert(id);
    for (const auto& [k, v] : a)
      if (!plain.at(id).count(k) || plain.at(id).at(k) != v) {
        INFO(id << " " << k);
        CHECK(overlay_attributes.count(k) == 1);
      }
  }
  // What the evaluation reports: every criterion's value, and the decision;
  // the gates in between are combinations of those values.
  for (size_t i = 0; i < p->criteria.size(); ++i) reported.insert(p->criteria[i].id);
  for (auto v = dg.criterion_vertex.size(); v < boost::num_vertices(dg.graph); ++v) reported.insert(dg.graph[v].id);
  CHECK(differing == reported);

  // Each criterion node shows the value the evaluation gives it, in words and as its class.
  for (size_t i = 0; i < p->criteria.size(); ++i) {
    const auto& c = p->criteria[i];
    INFO(c.id);
    Tri t = e.result.evaluation.criteria[i];
    const auto& a = drawn.at(c.id);
    CHECK(classes(a).count(status_class(t)) == 1);
    CHECK(a.at("label").rfind(plain.at(c.id).at("label") + "\\n[", 0) == 0);
    if (t == Tri::Unknown) CHECK(a.at("style").find("dotted") != std::string::npos);
    if (t == Tri::True) CHECK(a.at("style").find("bold") != std::string::npos);
    if (t == Tri::False) CHECK(a.at("style").find("dashed") != std::string::npos);
  }
  // The exclusion that applies is highlighted; no pathway approves.
  CHECK(classes(drawn.at("NI.upper_thoracic")).count("highlighted") == 1);
  CHECK(drawn.at("NI.upper_thoracic").at("label").find("[APPLIES]") != std::string::npos);
  for (int pw : p->pathways) CHECK(classes(drawn.at(p->criteria[pw].id)).count("highlighted") == 0);
  CHECK(drawn.at("decision").at("label").find("NOT MEDICALLY NECESSARY") != std::string::npos);
  // The path: the level check that fails the non-malignant pathway, and the exclusion.
  for (const char* id : {"IN.NM.levels", "IN.NM", "NI.upper_thoracic", "exclusions.non_indication", "exclusions", "decision"})
    CHECK(classes(drawn.at(id)).count("on_path") == 1);
  CHECK(classes(drawn.at("IN.NM.pain")).count("on_path") == 0);  // met, but not why the pathway failed
}

TEST_CASE("two cases' overlays differ exactly where their evaluations differ") {
  auto p = model::load_bundled_policy();
  auto dg = visualize::build_decision_graph(*p);
  std::string t3 = vtest::slurp(kGolden + "denied-t3.case.json");
  // The same request at L1 (approved), at L1 with an active infection, and with
  // chronic pain: each changes a few values.
  std::vector<std::string> variants = {
      with(t3, "\"T3\"", "\"L1\""),
      with(with(t3, "\"T3\"", "\"L1\""), "\"contraindications\": []", "\"contraindications\": [\"active_infection\"]"),
      with(t3, "\"duration_weeks\": 3", "\"duration_weeks\": 30"),
  };
  auto base = evaluate(p, dg, t3, "t3.json");
  auto base_nodes = visualize::node_attributes(dg, *p, &base.overlay);
  for (const auto& json : variants) {
    auto other = evaluate(p, dg, json, "variant.json");
    auto other_nodes = visualize::node_attributes(dg, *p, &other.overlay);
    for (visualize::Vertex v = 0; v < boost::num_vertices(dg.graph); ++v) {
      INFO(dg.graph[v].id);
      bool same_state = base.overlay.value[v] == other.overlay.value[v] &&
                        base.overlay.on_path[v] == other.overlay.on_path[v] &&
                        base.overlay.highlighted[v] == other.overlay.highlighted[v];
      if (v == dg.decision)  // also shows the case's id and decision
        same_state = same_state && base.overlay.case_id == other.overlay.case_id;
      CHECK((base_nodes[v] == other_nodes[v]) == same_state);
    }
  }
}

TEST_CASE("overlay values agree with the evaluation and combine in Kleene logic") {
  auto p = model::load_bundled_policy();
  auto dg = visualize::build_decision_graph(*p);
  // A partial case: only the request is known.
  auto e = evaluate(p, dg, R"({"case_id": "partial", "request": {"technique": "vertebroplasty", "levels": ["L2"]}})",
                    "partial.json");
  const auto& ov = e.overlay;
  for (size_t i = 0; i < p->criteria.size(); ++i) CHECK(ov.value[dg.criterion_vertex[i]] == e.result.evaluation.criteria[i]);
  CHECK(ov.value[dg.decision] == (e.result.decision == model::Decision::MedicallyNecessary      ? Tri::True
                                  : e.result.decision == model::Decision::NotMedicallyNecessary ? Tri::False
                                                                                               : Tri::Unknown));
  // Unknown criteria are drawn dotted and grey.
  auto nodes = visualize::node_attributes(dg, *p, &ov);
  for (size_t i = 0; i < p->criteria.size(); ++i)
    if (e.result.evaluation.criteria[i] == Tri::Unknown) {
      INFO(p->criteria[i].id);
      CHECK(nodes[dg.criterion_vertex[i]].at("style").find("dotted") != std::string::npos);
      CHECK(nodes[dg.criterion_vertex[i]].at("class").find("unknown") != std::string::npos);
    }
  // Decisive edges only join known values.
  for (auto [it, end] = boost::edges(dg.graph); it != end; ++it)
    if (visualize::is_decisive(dg, ov, *it)) {
      CHECK(ov.value[boost::source(*it, dg.graph)] != Tri::Unknown);
      CHECK(ov.value[boost::target(*it, dg.graph)] != Tri::Unknown);
    }
}

TEST_CASE("an undetermined case: the decision node names a few decisive unknowns, the tooltip all") {
  auto p = model::load_bundled_policy();
  auto dg = visualize::build_decision_graph(*p);
  auto e = evaluate(p, dg, R"({"case_id": "partial", "request": {"technique": "balloon_kyphoplasty", "levels": ["L2"]}})",
                    "partial.json");
  REQUIRE(e.result.decision == model::Decision::Undetermined);
  REQUIRE_FALSE(e.overlay.decisive_unknowns.empty());
  const auto nodes = visualize::node_attributes(dg, *p, &e.overlay);
  const auto& a = nodes[dg.decision];
  CHECK(a.at("label").find("UNDETERMINED") != std::string::npos);
  CHECK(a.at("label").find(e.overlay.decisive_unknowns.front()) != std::string::npos);
  CHECK(vtest::count_lines(a.at("label")) <= 4 + 5 + 1);  // heading, case, "still to find out", 5, "... more"
  for (const auto& f : e.overlay.decisive_unknowns) CHECK(a.at("tooltip").find(f) != std::string::npos);
  CHECK(a.at("style").find("dotted") != std::string::npos);
}
