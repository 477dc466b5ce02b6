// `policyproof render` as users run it: SVG that is well-formed XML (xmllint)
// with every criterion id and its policy sentence, PNG and PDF, the format
// from --format or the file name, a case's path; bad input exits 2 with one
// line and leaves no file behind.
#include <catch2/catch.hpp>

#include <sys/stat.h>

#include "model/policy.h"
#include "visualize_support.h"

using namespace pp;

namespace {

const std::string kExamples = std::string(PP_SOURCE_DIR) + "/tests/golden/visualize/";

struct Scratch {
  std::string dir = vtest::temp_dir();
  ~Scratch() { vtest::remove_tree(dir); }
  std::string path(const std::string& name) const { return dir + "/" + name; }
};

bool xml_well_formed(const std::string& path) {
  std::string cmd = "xmllint --noout '" + path + "' 2>/dev/null";
  return std::system(cmd.c_str()) == 0;
}

}  // namespace

TEST_CASE("render writes SVG that is well-formed XML, with every criterion and its sentence") {
  Scratch s;
  REQUIRE_FALSE(s.dir.empty());
  auto r = vtest::run("render --output " + s.path("graph.svg"), s.dir);
  REQUIRE(r.exit_code == 0);
  CHECK(r.err.empty());
  CHECK(r.out.empty());
  CHECK(xml_well_formed(s.path("graph.svg")));
  std::string svg = vtest::slurp(s.path("graph.svg"));
  auto p = model::load_bundled_policy();
  for (const auto& c : p->criteria) {
    INFO(c.id);
    CHECK(svg.find("<g id=\"" + c.id + "\" class=\"node criterion") != std::string::npos);
    CHECK(svg.find("<title>" + c.id + "</title>") != std::string::npos);
  }
  CHECK(svg.find("xlink:title=") != std::string::npos);  // tooltips
  CHECK(svg.find("Legend") != std::string::npos);
  CHECK(vtest::list_dir(s.dir) == std::set<std::string>{"graph.svg"});  // no temporary file left
}

TEST_CASE("render: the format follows --format, else the file name") {
  Scratch s;
  REQUIRE(vtest::run("render --output " + s.path("g.png"), s.dir).exit_code == 0);
  CHECK(vtest::slurp(s.path("g.png")).rfind("\x89PNG\r\n\x1a\n", 0) == 0);
  REQUIRE(vtest::run("render --output " + s.path("g.PDF"), s.dir).exit_code == 0);
  CHECK(vtest::slurp(s.path("g.PDF")).rfind("%PDF", 0) == 0);
  REQUIRE(vtest::run("render --output " + s.path("g.dot"), s.dir).exit_code == 0);
  CHECK(vtest::slurp(s.path("g.dot")).find("digraph \"CMM-607\"") != std::string::npos);
  REQUIRE(vtest::run("render --format dot --output " + s.path("g.txt"), s.dir).exit_code == 0);
  CHECK(vtest::slurp(s.path("g.txt")) == vtest::slurp(s.path("g.dot")));
  REQUIRE(vtest::run("render --format svg --output " + s.path("g2.png"), s.dir).exit_code == 0);
  CHECK(xml_well_formed(s.path("g2.png")));
  auto r = vtest::run("render --format dot --output -", s.dir);
  CHECK(r.exit_code == 0);
  CHECK(r.out == vtest::slurp(s.path("g.dot")));
}

TEST_CASE("render --case draws the case's path: values, the applying exclusion, the decision") {
  Scratch s;
  auto r = vtest::run("render --case " + kExamples + "denied-t3.case.json --output " + s.path("t3.svg"), s.dir);
  REQUIRE(r.exit_code == 0);
  CHECK(xml_well_formed(s.path("t3.svg")));
  std::string svg = vtest::slurp(s.path("t3.svg"));
  CHECK(svg.find("<g id=\"NI.upper_thoracic\" class=\"node criterion exclusion request_check met on_path highlighted\"") !=
        std::string::npos);
  CHECK(svg.find("<g id=\"IN.NM.levels\" class=\"node criterion condition request_check not_met on_path\"") !=
        std::string::npos);
  CHECK(svg.find("NOT MEDICALLY NECESSARY") != std::string::npos);
  CHECK(svg.find("denied&#45;t3&#45;osteoporotic") != std::string::npos);  // the case id, as Graphviz escapes it

  auto ok = vtest::run("render --case " + kExamples + "approved-acute.case.json --output " + s.path("ok.dot"), s.dir);
  REQUIRE(ok.exit_code == 0);
  std::string dot = vtest::slurp(s.path("ok.dot"));
  CHECK(dot.find("MEDICALLY NECESSARY") != std::string::npos);
  CHECK(dot.find("NOT MEDICALLY NECESSARY") == std::string::npos);
  CHECK(dot.find("[met] approves") != std::string::npos);
}

TEST_CASE("render: bad input exits 2 with one line and leaves no file behind") {
  Scratch s;
  vtest::spit(s.path("bad-level.json"), R"({"case_id": "x", "request": {"levels": ["T13"]}})");
  vtest::spit(s.path("malformed.json"), R"({"case_id": )");
  vtest::spit(s.path("a-file"), "not a directory");
  mkdir(s.path("a-dir").c_str(), 0755);
  const std::set<std::string> before = vtest::list_dir(s.dir);

  struct Bad {
    std::string args, message;
  };
  const std::vector<Bad> bad = {
      {"render --case " + s.path("bad-level.json") + " --output " + s.path("out.svg"), "request.levels[0]: error: unknown level `T13`"},
      {"render --case " + s.path("malformed.json") + " --output " + s.path("out.png"), "malformed.json"},
      {"render --case " + s.path("missing.json") + " --output " + s.path("out.svg"), "missing.json"},
      {"render --format jpeg --output " + s.path("out.svg"), "unknown format `jpeg`"},
      {"render --output " + s.path("out.jpeg"), "cannot tell the picture format"},
      {"render --output " + s.path("out"), "cannot tell the picture format"},
      {"render --output " + s.path("no-such-dir/out.svg"), "does not exist"},
      {"render --output " + s.path("a-file/out.svg"), "is not a directory"},
      {"render --format svg --output " + s.path("a-dir"), "is a directory"},
      {"render --output - ", "needs --format"},
      {"render", "--output is required"},
  };
  for (const auto& b : bad) {
    INFO(b.args);
    auto r = vtest::run(b.args, s.dir);
    CHECK(r.exit_code == 2);
    CHECK(vtest::count_lines(r.err) == 1);
    CHECK(r.err.find(b.message) != std::string::npos);
    CHECK(r.out.empty());
    CHECK(vtest::list_dir(s.dir) == before);  // nothing written, no temporary file
    CHECK(vtest::list_dir(s.path("a-dir")).empty());
  }
}

TEST_CASE("render: a failed run leaves an existing output file as it was") {
  Scratch s;
  vtest::spit(s.path("out.svg"), "previous picture");
  vtest::spit(s.path("bad.json"), R"({"request": {"technique": "laser"}})");
  auto r = vtest::run("render --case " + s.path("bad.json") + " --output " + s.path("out.svg"), s.dir);
  CHECK(r.exit_code == 2);
  CHECK(vtest::slurp(s.path("out.svg")) == "previous picture");
  // A good run replaces it whole.
  REQUIRE(vtest::run("render --output " + s.path("out.svg"), s.dir).exit_code == 0);
  CHECK(xml_well_formed(s.path("out.svg")));
  CHECK(vtest::list_dir(s.dir) == std::set<std::string>{"bad.json", "out.svg"});
}
