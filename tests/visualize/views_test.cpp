// Views (overview, pathway, exclusions, full) in DOT and Mermaid: golden files
// for the bundled policy, and the properties any policy's views keep (labels
// lead with words, ids in tooltips, Mermaid ids without dots, classes for a
// case's values).
//
// Golden files: tests/golden/visualize/view-<name>.expected.{dot,mmd}.
// Refresh: PP_UPDATE_GOLDEN=1 ./build/tests/test_visualize "[views]".
#include <catch2/catch.hpp>

#include <regex>
#include <set>

#include "model/case_reader.h"
#include "model/policy.h"
#include "solver/case_engine.h"
#include "visualize/case_overlay.h"
#include "visualize/decision_graph.h"
#include "visualize/mermaid_writer.h"
#include "visualize/views.h"
#include "visualize_support.h"

using namespace pp;

namespace {

const std::string kGolden = std::string(PP_SOURCE_DIR) + "/tests/golden/visualize/";

struct Named {
  std::string name;
  visualize::ViewRequest request;
};

std::vector<Named> all_views(const visualize::DecisionGraph& dg) {
  std::vector<Named> out = {{"overview", {visualize::ViewKind::Overview, ""}},
                            {"exclusions", {visualize::ViewKind::Exclusions, ""}},
                            {"full", {visualize::ViewKind::Full, ""}}};
  for (const auto& id : visualize::pathway_ids(dg)) out.push_back({"pathway-" + id, {visualize::ViewKind::Pathway, id}});
  return out;
}

}  // namespace

TEST_CASE("each view of the bundled policy matches its golden DOT and Mermaid", "[views][golden]") {
  auto p = model::load_bundled_policy();
  auto dg = visualize::build_decision_graph(*p);
  auto views = all_views(dg);
  REQUIRE(views.size() >= 4);
  for (const auto& [name, request] : views) {
    INFO(name);
    visualize::View v = visualize::make_view(dg, *p, request);
    if (request.kind != visualize::ViewKind::Full)  // the full graph's DOT is write_dot's (plain.expected.dot)
      CHECK(vtest::matches_golden(kGolden + "view-" + name + ".expected.dot", visualize::write_view_dot(v)));
    CHECK(vtest::matches_golden(kGolden + "view-" + name + ".expected.mmd", visualize::write_mermaid(v)));
  }
}

TEST_CASE("a case's overview in Mermaid matches its golden file", "[views][golden]") {
  auto p = model::load_bundled_policy();
  auto dg = visualize::build_decision_graph(*p);
  for (const std::string name : {"approved-acute", "denied-t3"}) {
    INFO(name);
    model::CaseReader reader(*p);
    model::Case c = reader.read(vtest::slurp(kGolden + name + ".case.json"), name);
    solver::CaseEngine engine(p);
    auto ov = visualize::overlay_case(dg, *p, engine.evaluate(c), c.case_id);
    visualize::View v = visualize::make_view(dg, *p, {visualize::ViewKind::Overview, ""}, &ov);
    std::string mmd = visualize::write_mermaid(v);
    CHECK(mmd.find("classDef met ") != std::string::npos);
    CHECK(mmd.find("classDef not_met ") != std::string::npos);
    CHECK(mmd.find("classDef unknown ") != std::string::npos);
    CHECK(std::regex_search(mmd, std::regex("\n  class [A-Za-z0-9_,]+ (met|not_met|unknown)\n")));
    CHECK(vtest::matches_golden(kGolden + "view-overview-" + name + ".expected.mmd", mmd));
  }
}

TEST_CASE("views keep what each promises", "[views]") {
  auto p = model::load_bundled_policy();
  auto dg = visualize::build_decision_graph(*p);
  using visualize::NodeKind;

  SECTION("overview: pathways, exclusion groups, the gates and the decision only") {
    auto v = visualize::make_view(dg, *p, {visualize::ViewKind::Overview, ""});
    size_t pathways = 0;
    for (const auto& n : v.nodes) {
      CHECK((n.kind == NodeKind::Pathway || n.kind == NodeKind::ExclusionGroup || n.kind == NodeKind::AnyPathway ||
             n.kind == NodeKind::NoExclusion || n.kind == NodeKind::Decision));
      pathways += n.kind == NodeKind::Pathway;
    }
    CHECK(pathways == p->pathways.size());
    CHECK(v.nodes.size() <= 16);  // a handful of boxes
  }
  SECTION("pathway: every criterion under the pathway, nothing else") {
    for (const auto& id : visualize::pathway_ids(dg)) {
      auto v = visualize::make_view(dg, *p, {visualize::ViewKind::Pathway, id});
      auto under = visualize::reaches(dg, dg.vertex_by_id.at(id));
      std::set<std::string> expected{id}, got;
      for (visualize::Vertex x = 0; x < under.size(); ++x)
        if (under[x]) expected.insert(dg.graph[x].id);
      for (const auto& n : v.nodes) got.insert(n.id);
      CHECK(got == expected);
      CHECK(v.nodes.size() > 1);
    }
    CHECK_THROWS_AS(visualize::make_view(dg, *p, {visualize::ViewKind::Pathway, "no.such.pathway"}),
                    visualize::ViewError);
  }
  SECTION("exclusions: every exclusion, grouped by category, no pathway") {
    auto v = visualize::make_view(dg, *p, {visualize::ViewKind::Exclusions, ""});
    std::set<std::string> ids;
    for (const auto& n : v.nodes) {
      ids.insert(n.id);
      CHECK(n.kind != NodeKind::Pathway);
      if (n.kind == NodeKind::Exclusion) CHECK(n.cluster >= 0);
    }
    for (int x : p->exclusions) CHECK(ids.count(p->criteria[static_cast<size_t>(x)].id));
    CHECK(v.clusters.size() >= 2);
  }
  SECTION("labels lead with words; ids are in tooltips") {
    for (const auto& [name, request] : all_views(dg)) {
      auto v = visualize::make_view(dg, *p, request);
      for (const auto& n : v.nodes) {
        INFO(name << " " << n.id);
        CHECK(n.label.rfind(n.id, 0) != 0);
        CHECK(n.tooltip.rfind(n.id, 0) == 0);
      }
    }
  }
}

TEST_CASE("Mermaid ids and labels are escaped", "[views]") {
  using visualize::NodeKind;
  CHECK(visualize::mermaid_id("IN.NM.subacute.analgesics") == "IN_NM_subacute_analgesics");
  CHECK(visualize::mermaid_id("end") == "end_");
  CHECK(visualize::mermaid_id("a-b c") == "a_b_c");
  CHECK(visualize::mermaid_label("say \"hi\" <b>\nnext") == "say #quot;hi#quot; #lt;b#gt;<br/>next");

  visualize::View v;
  v.title = "t";
  v.nodes.push_back({"a.b", "A \"quoted\" title", "a.b", NodeKind::Condition, model::Combinator::Leaf, false, -1, {}});
  v.nodes.push_back({"a_b", "Second", "a_b", NodeKind::Condition, model::Combinator::Leaf, false, -1, {}});
  v.edges.push_back({0, 1, visualize::EdgeKind::Part});
  std::string m = visualize::write_mermaid(v);
  CHECK(m.find("flowchart TD\n") != std::string::npos);
  CHECK(m.find("  a_b(\"A #quot;quoted#quot; title\")\n") != std::string::npos);
  CHECK(m.find("  a_b_2(\"Second\")\n") != std::string::npos);  // collision made unique
  CHECK(m.find("  a_b --> a_b_2\n") != std::string::npos);
  CHECK(m.find("classDef") == std::string::npos);  // no case, no classes
}

TEST_CASE("the README's Mermaid block is today's overview", "[views][golden]") {
  std::string readme = vtest::slurp(std::string(PP_SOURCE_DIR) + "/README.md");
  auto at = readme.find("\n```mermaid\n");
  REQUIRE(at != std::string::npos);
  at += 12;
  auto end = readme.find("\n```\n", at);
  REQUIRE(end != std::string::npos);
  auto p = model::load_bundled_policy();
  auto dg = visualize::build_decision_graph(*p);
  CHECK(readme.substr(at, end + 1 - at) ==
        visualize::write_mermaid(visualize::make_view(dg, *p, {visualize::ViewKind::Overview, ""})));
}

TEST_CASE("views are generic: a second policy's views come from its own data", "[views]") {
  auto p = model::load_policy_file(std::string(PP_SOURCE_DIR) + "/tests/policies/demo-bvn-ablation.yaml");
  auto dg = visualize::build_decision_graph(*p);
  auto ids = visualize::pathway_ids(dg);
  REQUIRE(ids.size() == p->pathways.size());
  for (const auto& [name, request] : all_views(dg)) {
    INFO(name);
    auto v = visualize::make_view(dg, *p, request);
    CHECK(!v.nodes.empty());
    std::string mmd = visualize::write_mermaid(v);
    CHECK(mmd.find(p->id) != std::string::npos);
    for (const auto& n : v.nodes) {
      CHECK(n.label.rfind(n.id, 0) != 0);
      CHECK(mmd.find("  " + visualize::mermaid_id(n.id)) != std::string::npos);
    }
    // Mermaid node ids hold no dots.
    CHECK(!std::regex_search(mmd, std::regex(R"(\n +[A-Za-z0-9_]*\.[A-Za-z0-9_.]*[\[\(])")));
  }
}
