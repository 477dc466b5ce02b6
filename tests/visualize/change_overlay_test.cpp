// render --diff: a picture of the change between two versions of a policy.
// An edited copy of the bundled CMM-607 (a condition changed, a part removed
// from an ALL, an exclusion added) is compared with the original: exactly
// those criteria (and the ALL whose parts changed) are marked, in every view,
// in DOT and in Mermaid; the removed part is drawn where it stood in OLD.
// Golden files: the bundled policy against the fixed edited copy
// tests/golden/visualize/cmm-607-v1.1-draft.yaml, in DOT and Mermaid.
// Refresh: PP_UPDATE_GOLDEN=1 ./build/tests/test_visualize "[diff]".
#include <catch2/catch.hpp>

#include <map>
#include <regex>
#include <set>
#include <sstream>

#include "model/diagnostic.h"
#include "model/policy.h"
#include "solver/policy_differ.h"
#include "visualize/change_overlay.h"
#include "visualize/mermaid_writer.h"
#include "visualize/views.h"
#include "visualize_support.h"

using namespace pp;

namespace {

const std::string kGolden = std::string(PP_SOURCE_DIR) + "/tests/golden/visualize/";
const std::string kBundledYaml = std::string(PP_SOURCE_DIR) + "/model/policies/cmm-607.yaml";

struct Scratch {
  std::string dir = vtest::temp_dir();
  ~Scratch() { vtest::remove_tree(dir); }
  std::string path(const std::string& name) const { return dir + "/" + name; }
};

void replace_once(std::string& s, const std::string& from, const std::string& to) {
  size_t at = s.find(from);
  REQUIRE(at != std::string::npos);
  REQUIRE(s.find(from, at + 1) == std::string::npos);
  s.replace(at, from.size(), to);
}

// The bundled policy, edited: the acute duration condition `<= 6` -> `<= 8`,
// the part `IN.NM.acute.correlates` dropped (criterion and the ALL's list),
// an exclusion `CI.discitis` added, a title reworded (no decision changes),
// a condition's `or` reordered (no change at all).
std::string edited_policy_text() {
  std::string s = vtest::slurp(kBundledYaml);
  REQUIRE_FALSE(s.empty());
  replace_once(s, "    when: pain.duration_weeks <= 6\n", "    when: pain.duration_weeks <= 8\n");
  size_t from = s.find("  - id: IN.NM.acute.correlates\n");
  size_t to = s.find("  - id: IN.NM.acute\n");
  REQUIRE(from != std::string::npos);
  REQUIRE(to > from);
  s.erase(from, to - from);
  replace_once(s, "all: [IN.NM.acute.duration, IN.NM.acute.prevents_transfers, IN.NM.acute.correlates]",
               "all: [IN.NM.acute.duration, IN.NM.acute.prevents_transfers]");
  replace_once(s, "  - id: CI.cardiopulmonary\n",
               "  - id: CI.discitis\n    section: CMM.SP.NI.607.3\n    kind: exclusion\n    category: contraindication\n"
               "    title: discitis\n    text: \"discitis\"\n    when: infections.discitis\n\n  - id: CI.cardiopulmonary\n");
  replace_once(s, "    title: severe cardiopulmonary disease\n", "    title: severe heart or lung disease\n");
  // The same condition spelt otherwise: no change.
  replace_once(s, "    when: conservative_care.analgesic_weeks >= 4 or conservative_care.analgesics_contraindicated or @GG.urgent.waiver\n",
               "    when: conservative_care.analgesics_contraindicated or @GG.urgent.waiver or conservative_care.analgesic_weeks >= 4\n");
  return s;
}

const std::map<std::string, std::string> kExpected = {
    {"IN.NM.acute.duration", "changed"},
    {"IN.NM.acute", "changed"},
    {"IN.NM.acute.correlates", "removed"},
    {"CI.discitis", "added"},
    {"CI.cardiopulmonary", "changed"},
};

// The change mark in a DOT class attribute ("condition changed" -> changed).
std::string mark_of(const std::string& cls) {
  static const std::regex mark(R"re(\b(added|removed|changed_inside|changed|unchanged)\b)re");
  std::smatch m;
  return std::regex_search(cls, m, mark) ? m[1].str() : "";
}

// Mermaid `class a,b mark` lines: id -> mark.
std::map<std::string, std::string> mermaid_marks(const std::string& mmd) {
  static const std::regex line(R"re(^  class ([A-Za-z0-9_,]+) (added|removed|changed_inside|changed|unchanged)$)re");
  std::map<std::string, std::string> out;
  std::istringstream in(mmd);
  std::string l;
  std::smatch m;
  while (std::getline(in, l)) {
    if (!std::regex_match(l, m, line)) continue;
    std::string ids = m[1];
    std::istringstream idss(ids);
    std::string id;
    while (std::getline(idss, id, ',')) out[id] = m[2];
  }
  return out;
}

}  // namespace

TEST_CASE("compare_policies names exactly the criteria added, removed and changed", "[diff]") {
  Scratch s;
  REQUIRE_FALSE(s.dir.empty());
  vtest::spit(s.path("cmm-607.yaml"), edited_policy_text());
  auto old_p = model::load_bundled_policy();
  auto new_p = model::load_policy_file(s.path("cmm-607.yaml"));
  visualize::PolicyChanges ch = visualize::compare_policies(*old_p, *new_p);
  std::map<std::string, std::string> got;
  for (const auto& c : ch.criteria) got[c.id] = visualize::to_string(c.mark);
  CHECK(got == kExpected);
  CHECK(ch.summary() == "1 added, 1 removed, 3 changed");
  const auto* d = ch.find("IN.NM.acute.duration");
  REQUIRE(d);
  REQUIRE(d->what.size() == 1);
  CHECK(d->what[0] == "condition `pain.duration_weeks <= 6` -> `pain.duration_weeks <= 8`");
  const auto* acute = ch.find("IN.NM.acute");
  REQUIRE(acute);
  REQUIRE(acute->what.size() == 1);
  CHECK(acute->what[0] == "parts: \xE2\x88\x92 correlates with fracture level");  // words
  CHECK(acute->detail[0] == "parts: \xE2\x88\x92 IN.NM.acute.correlates (correlates with fracture level)");
  // Same versions and file names: where the files are tells them apart.
  CHECK(ch.old_name == old_p->file);
  CHECK(ch.new_name == s.path("cmm-607.yaml"));

  SECTION("a version against itself: nothing marked but unchanged") {
    auto same = visualize::compare_policies(*old_p, *old_p);
    CHECK(same.criteria.empty());
    CHECK(same.summary() == "no criterion changed");
    auto v = visualize::make_change_view(*old_p, *old_p, {visualize::ViewKind::Full, ""});
    for (const auto& n : v.nodes) CHECK(n.change == visualize::ChangeMark::Unchanged);
  }
}

TEST_CASE("every view marks exactly the changed criteria, in DOT and in Mermaid", "[diff]") {
  Scratch s;
  vtest::spit(s.path("edited.yaml"), edited_policy_text());
  auto old_p = model::load_bundled_policy();
  auto new_p = model::load_policy_file(s.path("edited.yaml"));

  for (auto kind : {visualize::ViewKind::Full, visualize::ViewKind::Pathway, visualize::ViewKind::Exclusions}) {
    INFO(visualize::to_string(kind));
    visualize::ViewRequest r{kind, kind == visualize::ViewKind::Pathway ? "IN.NM" : ""};
    visualize::View v = visualize::make_change_view(*old_p, *new_p, r);
    std::string dot = visualize::write_view_dot(v);
    auto nodes = vtest::dot_nodes(dot);
    std::set<std::string> ids;
    for (const auto& n : v.nodes) ids.insert(n.id);
    for (const auto& n : v.nodes) {
      INFO(n.id);
      REQUIRE(nodes.count(n.id));
      auto it = kExpected.find(n.id);
      std::string want = it != kExpected.end() ? it->second : "unchanged";
      CHECK(mark_of(nodes[n.id]["class"]) == want);
    }
    // What the view draws of the change is there.
    for (const auto& [id, mark] : kExpected) {
      bool drawn = kind == visualize::ViewKind::Full ||
                   (kind == visualize::ViewKind::Pathway ? id.rfind("IN.NM", 0) == 0 : id.rfind("CI.", 0) == 0);
      CHECK(ids.count(id) == (drawn ? 1u : 0u));
    }
    auto marks = mermaid_marks(visualize::write_mermaid(v));
    for (const auto& n : v.nodes) {
      INFO(n.id);
      auto it = kExpected.find(n.id);
      CHECK(marks[visualize::mermaid_id(n.id)] == (it != kExpected.end() ? it->second : "unchanged"));
    }
  }
}

TEST_CASE("the picture of a change: labels lead with words and say what changed, the removed part stays in place",
          "[diff]") {
  Scratch s;
  vtest::spit(s.path("edited.yaml"), edited_policy_text());
  auto old_p = model::load_bundled_policy();
  auto new_p = model::load_policy_file(s.path("edited.yaml"));
  visualize::View v = visualize::make_change_view(*old_p, *new_p, {visualize::ViewKind::Pathway, "IN.NM"});
  std::string dot = visualize::write_view_dot(v);
  auto nodes = vtest::dot_nodes(dot);

  auto changed = nodes["IN.NM.acute.duration"];
  CHECK(changed["label"].rfind("acute (0-6 weeks)\\nchanged: condition `pain.duration_weeks <= 6`", 0) == 0);
  CHECK(changed["label"].find("-> `pain.duration_weeks <= 8`") != std::string::npos);
  CHECK(changed["fillcolor"] == "#ffe3a1");
  CHECK(changed["tooltip"].find("IN.NM.acute.duration") != std::string::npos);  // the id in the tooltip
  CHECK(nodes["IN.NM.acute"]["label"].find("changed: parts: \xE2\x88\x92 correlates with fracture level") != std::string::npos);

  // The removed part: struck through (an HTML label), red, its edge to the ALL that held it dashed.
  CHECK(std::regex_search(dot, std::regex(R"re("IN\.NM\.acute\.correlates" \[[^\n]*label=<<S>correlates with fracture level</S><BR/><B>\xE2\x88\x92 removed</B>>)re")));
  CHECK(std::regex_search(dot, std::regex(R"re("IN\.NM\.acute\.correlates" -> "IN\.NM\.acute" \[class="part removed", color="#b71c1c", style="dashed"\])re")));
  // A small legend, and the summary in the title.
  CHECK(dot.find("\"legend.changes\"") != std::string::npos);
  CHECK(v.title.find("changes from cmm-607.yaml to edited.yaml: 1 added, 1 removed, 3 changed") != std::string::npos);

  // Unchanged is neutral: white, grey border.
  CHECK(nodes["IN.NM.pain"]["fillcolor"] == "#ffffff");
  CHECK(nodes["IN.NM.pain"]["color"] == "#9e9e9e");

  SECTION("the overview marks the boxes whose parts changed") {
    auto ov = visualize::make_change_view(*old_p, *new_p, {visualize::ViewKind::Overview, ""});
    std::map<std::string, std::string> got;
    for (const auto& n : ov.nodes) got[n.id] = visualize::to_string(n.change);
    CHECK(got["IN.NM"] == "changed_inside");
    CHECK(got["exclusions.contraindication"] == "changed_inside");
    CHECK(got["IN.MAL"] == "unchanged");
    CHECK(got["exclusions.non_indication"] == "unchanged");
    CHECK(got["decision"] == "unchanged");
    for (const auto& n : ov.nodes)
      if (n.id == "exclusions.contraindication") CHECK(n.label.find("changes inside: 1 added") != std::string::npos);
  }
}

TEST_CASE("each change says whether it alters a decision (from the regions diff finds)", "[diff]") {
  Scratch s;
  vtest::spit(s.path("edited.yaml"), edited_policy_text());
  std::shared_ptr<const model::Policy> old_p = model::load_bundled_policy();
  std::shared_ptr<const model::Policy> new_p = model::load_policy_file(s.path("edited.yaml"));
  solver::DecisionDiff d = solver::diff_decisions(old_p, new_p);
  REQUIRE(d.complete);
  REQUIRE_FALSE(d.regions.empty());
  visualize::PolicyChanges ch = visualize::compare_policies(*old_p, *new_p);
  visualize::note_decision_effects(ch, d);
  std::map<std::string, bool> alters;
  for (const auto& c : ch.criteria) {
    INFO(c.id);
    REQUIRE(c.alters_decisions.has_value());
    alters[c.id] = *c.alters_decisions;
  }
  CHECK(alters == std::map<std::string, bool>{{"IN.NM.acute.duration", true},
                                              {"IN.NM.acute", true},
                                              {"IN.NM.acute.correlates", true},
                                              {"CI.discitis", true},
                                              {"CI.cardiopulmonary", false}});
  auto v = visualize::make_change_view(*old_p, *new_p, {visualize::ViewKind::Exclusions, ""}, &d);
  for (const auto& n : v.nodes) {
    if (n.id == "CI.cardiopulmonary") CHECK(n.label == "severe heart or lung disease\nchanged: title\n(alters no decision)");
    if (n.id == "CI.discitis") {
      CHECK(n.label == "discitis\n+ added (alters decisions)");
      CHECK(n.tooltip.rfind("added in edited.yaml\ndecided differently in ", 0) == 0);
    }
  }
}

TEST_CASE("two different policies cannot be compared criterion by criterion", "[diff]") {
  auto cmm = model::load_bundled_policy();
  Scratch s;
  auto r = vtest::run("render --diff CMM-607 L34106 --format dot --output " + s.path("d.dot"), s.dir);
  CHECK(r.exit_code == 2);
  CHECK(vtest::count_lines(r.err) == 1);
  CHECK(r.err.find("error: a different policy (`L34106`, not `CMM-607`") != std::string::npos);
  CHECK_FALSE(vtest::exists(s.path("d.dot")));
}

TEST_CASE("render --diff as users run it", "[diff]") {
  Scratch s;
  vtest::spit(s.path("edited.yaml"), edited_policy_text());
  auto r = vtest::run("render --diff CMM-607 " + s.path("edited.yaml") + " --view pathway IN.NM --output " + s.path("d.svg"), s.dir);
  REQUIRE(r.exit_code == 0);
  CHECK(r.err.empty());
  std::string svg = vtest::slurp(s.path("d.svg"));
  CHECK(svg.find("<g id=\"IN.NM.acute.duration\" class=\"node condition changed\"") != std::string::npos);
  CHECK(svg.find("<g id=\"IN.NM.acute.correlates\" class=\"node condition removed\"") != std::string::npos);
  CHECK(svg.find("text-decoration=\"line-through\"") != std::string::npos);
  CHECK(svg.find("(alters decisions)") != std::string::npos);

  r = vtest::run("render --diff " + kBundledYaml + " " + s.path("edited.yaml") + " --view exclusions --output " + s.path("d.md"), s.dir);
  REQUIRE(r.exit_code == 0);
  std::string md = vtest::slurp(s.path("d.md"));
  CHECK(md.rfind("```mermaid\n", 0) == 0);
  CHECK(md.find("  class CI_discitis,legend_added added\n") != std::string::npos);

  r = vtest::run("render --diff CMM-607 " + s.path("missing.yaml") + " --format dot --output " + s.path("x.dot"), s.dir);
  CHECK(r.exit_code == 2);
  CHECK(vtest::count_lines(r.err) == 1);
  CHECK(r.err.find("missing.yaml") != std::string::npos);
  r = vtest::run("render --diff CMM-607 CMM-607 --case x.json --format dot --output " + s.path("x.dot"), s.dir);
  CHECK(r.exit_code == 2);
  CHECK(vtest::count_lines(r.err) == 1);
  r = vtest::run("render --diff CMM-607 CMM-607 --view pathway IN.NOPE --format dot --output " + s.path("x.dot"), s.dir);
  CHECK(r.exit_code == 2);
  CHECK(r.err.find("unknown pathway `IN.NOPE`") != std::string::npos);
  CHECK(vtest::list_dir(s.dir) == std::set<std::string>{"d.md", "d.svg", "edited.yaml"});
}

TEST_CASE("the change from the bundled policy to a fixed draft matches its golden DOT and Mermaid", "[diff][golden]") {
  std::shared_ptr<const model::Policy> old_p = model::load_bundled_policy();
  std::shared_ptr<const model::Policy> new_p = model::load_policy_file(kGolden + "cmm-607-v1.1-draft.yaml");
  solver::DecisionDiff d = solver::diff_decisions(old_p, new_p);  // as render --diff does
  std::vector<std::pair<std::string, visualize::ViewRequest>> views = {
      {"overview", {visualize::ViewKind::Overview, ""}},
      {"exclusions", {visualize::ViewKind::Exclusions, ""}},
      {"pathway-IN.NM", {visualize::ViewKind::Pathway, "IN.NM"}},
      {"full", {visualize::ViewKind::Full, ""}},
  };
  for (const auto& [name, request] : views) {
    INFO(name);
    visualize::View v = visualize::make_change_view(*old_p, *new_p, request, &d);
    if (name == "overview")  // NEW's count, and OLD's
      for (const auto& n : v.nodes)
        if (n.id == "exclusions.contraindication")
          CHECK(n.label == "Contraindications\n14 criteria: any one excludes\nchanges inside: 1 added, 1 removed");
    CHECK(vtest::matches_golden(kGolden + "diff-" + name + ".expected.dot", visualize::write_view_dot(v)));
    CHECK(vtest::matches_golden(kGolden + "diff-" + name + ".expected.mmd", visualize::write_mermaid(v)));
  }
}
