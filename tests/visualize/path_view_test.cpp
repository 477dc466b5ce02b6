// The path view (`render --view path --case FILE`): only what decided one
// case, with the case's values against what each criterion needs. Golden
// files for an approval, a denial by an exclusion and a denial by an unmet
// criterion (DOT and Mermaid), and the properties every path view keeps.
//
// Golden files: tests/golden/visualize/view-path-<case>.expected.{dot,mmd}.
// Refresh: PP_UPDATE_GOLDEN=1 ./build/tests/test_visualize "[path]".
#include <catch2/catch.hpp>

#include <algorithm>

#include "model/case_reader.h"
#include "model/policy.h"
#include "solver/case_engine.h"
#include "visualize/decision_graph.h"
#include "visualize/mermaid_writer.h"
#include "visualize/views.h"
#include "visualize_support.h"

using namespace pp;

namespace {

const std::string kGolden = std::string(PP_SOURCE_DIR) + "/tests/golden/visualize/";

struct PathFixture {
  std::shared_ptr<const model::Policy> p = model::load_bundled_policy();
  visualize::DecisionGraph dg = visualize::build_decision_graph(*p);

  visualize::View path_of(const std::string& name) { return path_of_text(vtest::slurp(kGolden + name + ".case.json"), name); }

  visualize::View path_of_text(const std::string& json, const std::string& name) {
    model::CaseReader reader(*p);
    model::Case c = reader.read(json, name);
    solver::CaseEngine engine(p);
    return visualize::make_path_view(dg, *p, c, engine.evaluate(c), c.case_id);
  }
};

// A label with its line breaks as spaces.
std::string flat(std::string s) {
  std::replace(s.begin(), s.end(), '\n', ' ');
  return s;
}

const visualize::ViewNode* find(const visualize::View& v, const std::string& id) {
  for (const auto& n : v.nodes)
    if (n.id == id) return &n;
  return nullptr;
}

}  // namespace

TEST_CASE("the path view of three cases matches its golden DOT and Mermaid", "[views][path][golden]") {
  PathFixture f;
  for (const std::string name : {"approved-acute", "denied-t3", "denied-unmet"}) {
    INFO(name);
    visualize::View v = f.path_of(name);
    CHECK(vtest::matches_golden(kGolden + "view-path-" + name + ".expected.dot", visualize::write_view_dot(v)));
    CHECK(vtest::matches_golden(kGolden + "view-path-" + name + ".expected.mmd", visualize::write_mermaid(v)));
  }
}

TEST_CASE("the path view keeps only what decided the case", "[views][path]") {
  PathFixture f;
  using visualize::NodeKind;
  using visualize::Tone;

  SECTION("approved: the pathway met, the branch taken, each leaf with its value and need") {
    auto v = f.path_of("approved-acute");
    const auto* nm = find(v, "IN.NM");
    REQUIRE(nm);
    CHECK(nm->tone == Tone::Met);
    CHECK(!find(v, "IN.MAL"));                 // other pathways left out
    CHECK(!find(v, "IN.NM.subacute"));         // the branch not taken left out
    REQUIRE(find(v, "IN.NM.acute.duration"));
    CHECK(flat(find(v, "IN.NM.acute.duration")->label).find("pain.duration_weeks: 3; needs at most 6") !=
          std::string::npos);
    for (const auto& n : v.nodes) {
      INFO(n.id);
      CHECK(n.tone == Tone::Met);  // nothing blocks, nothing falls short
      CHECK(n.kind != NodeKind::Exclusion);
    }
    CHECK(find(v, "exclusions")->label == "No exclusion applies");
  }
  SECTION("denied by an exclusion: the exclusion that applies, in red, with the value") {
    auto v = f.path_of("denied-t3");
    const auto* x = find(v, "NI.upper_thoracic");
    REQUIRE(x);
    CHECK(x->tone == Tone::Blocks);
    CHECK(flat(x->label).find("request.levels: T3; needs no level in T1-T4") != std::string::npos);
    CHECK(find(v, "exclusions")->label == "An exclusion applies");
    size_t exclusions = 0;
    for (const auto& n : v.nodes) exclusions += n.kind == NodeKind::Exclusion;
    CHECK(exclusions == 1);  // only the one that applies
  }
  SECTION("denied by an unmet criterion: the criterion in amber with the value, the rest grey") {
    auto v = f.path_of("denied-unmet");
    const auto* d = find(v, "IN.NM.acute.duration");
    REQUIRE(d);
    CHECK(d->tone == Tone::Short);
    CHECK(flat(d->label).find("pain.duration_weeks: 9; needs at most 6") != std::string::npos);
    CHECK(find(v, "IN.NM.levels")->tone == Tone::Context);
    CHECK(find(v, "IN.NM")->label.find("1 criterion not met") != std::string::npos);
    CHECK(find(v, "exclusions")->tone == Tone::Met);
  }
  SECTION("every path view: red only for what blocks, grey never red, no double negatives") {
    for (const std::string name : {"approved-acute", "denied-t3", "denied-unmet"}) {
      auto v = f.path_of(name);
      std::string dot = visualize::write_view_dot(v);
      for (const auto& [id, attrs] : vtest::dot_nodes(dot)) {
        INFO(name << " " << id);
        bool red = attrs.at("fillcolor") == "#f2a19c";
        bool blocks = attrs.at("class").find("excludes") != std::string::npos;
        CHECK(red == blocks);
        if (attrs.at("class").find("did_not_matter") != std::string::npos) CHECK(attrs.at("fillcolor") == "#f4f4f4");
      }
      for (const auto& n : v.nodes) {
        INFO(name << " " << n.id);
        CHECK(n.label.find("NOT MET") == std::string::npos);
        CHECK(n.label.find("NO exclusion") == std::string::npos);
        CHECK(n.label.find('[') == std::string::npos);
        CHECK(n.label.rfind(n.id, 0) != 0);  // words first
        if (n.tone == Tone::Blocks) CHECK((n.exclusion_like || n.kind == NodeKind::NoExclusion || n.kind == NodeKind::Decision));
        bool leaf = n.kind == NodeKind::Condition || n.kind == NodeKind::Exclusion;
        if (leaf && n.tone != Tone::Context) CHECK(flat(n.label).find("; needs ") != std::string::npos);
        for (size_t at = 0, next; n.kind != NodeKind::Decision && at < n.label.size(); at = next + 1) {  // narrow enough for a page
          next = n.label.find('\n', at);
          if (next == std::string::npos) next = n.label.size();
          std::string line = n.label.substr(at, next - at);
          INFO(line);
          CHECK((line.size() <= 30 || line.find(' ') == std::string::npos));  // a longer word stays whole
        }
      }
    }
  }
  SECTION("undetermined: the unknown criterion, and only the exclusions that read an open fact") {
    std::string json = vtest::slurp(kGolden + "approved-acute.case.json");
    const std::string weeks = "\"duration_weeks\": 3,";
    REQUIRE(json.find(weeks) != std::string::npos);
    json.erase(json.find(weeks), weeks.size());  // pain.duration_weeks unknown
    auto v = f.path_of_text(json, "undetermined");
    const auto* d = find(v, "IN.NM.acute.duration");
    REQUIRE(d);
    CHECK(d->tone == Tone::Unknown);
    CHECK(flat(d->label).find("pain.duration_weeks: unknown; needs at most 6") != std::string::npos);
    CHECK(find(v, "decision")->tone == Tone::Unknown);
    for (const auto& n : v.nodes) {
      INFO(n.id);
      if (n.kind == NodeKind::Exclusion) {
        CHECK(n.tone == Tone::Unknown);  // may apply: never red
        CHECK(flat(n.label).find("pain.duration_weeks") != std::string::npos);  // reads the open fact
      }
    }
  }
  SECTION("the path view needs a case") {
    CHECK_THROWS_AS(visualize::make_view(f.dg, *f.p, {visualize::ViewKind::Path, ""}), visualize::ViewError);
  }
}
