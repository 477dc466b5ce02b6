// The terminal side of the program: every --help fits in 80 columns, a
// mistyped subcommand names the nearest one; and render's --view and
// --format mermaid from the command line.
#include <catch2/catch.hpp>

#include <filesystem>
#include <sstream>

#include "visualize_support.h"

using namespace pp;

namespace {

const std::string kGolden = std::string(PP_SOURCE_DIR) + "/tests/golden/visualize/";

struct Scratch {
  std::string dir = vtest::temp_dir();
  ~Scratch() { vtest::remove_tree(dir); }
};

// The subcommands the main help lists.
std::vector<std::string> subcommands(const std::string& help) {
  std::vector<std::string> out;
  std::istringstream in(help);
  std::string line;
  bool in_list = false;
  while (std::getline(in, line)) {
    if (line == "Subcommands:") { in_list = true; continue; }
    if (in_list && line.size() > 2 && line[0] == ' ' && line[1] == ' ' && line[2] != ' ')
      out.push_back(line.substr(2, line.find(' ', 2) - 2));
  }
  return out;
}

}  // namespace

TEST_CASE("every --help fits in 80 columns", "[terminal]") {
  Scratch s;
  auto top = vtest::run("--help", s.dir);
  REQUIRE(top.exit_code == 0);
  auto subs = subcommands(top.out);
  CHECK(subs.size() >= 9);
  std::vector<std::string> all{""};
  all.insert(all.end(), subs.begin(), subs.end());
  for (const auto& sub : all) {
    auto r = vtest::run(sub + " --help", s.dir);
    INFO("policyproof " << sub << " --help");
    CHECK(r.exit_code == 0);
    CHECK(vtest::count_lines(r.out) > 3);
    std::istringstream in(r.out);
    std::string line;
    while (std::getline(in, line)) {
      INFO(line);
      CHECK(line.size() <= 80);
    }
  }
}

TEST_CASE("text output fits in 100 columns when not a terminal: evaluate, explain, analyze, diff, prove", "[terminal]") {
  Scratch s;
  std::vector<std::string> commands{"analyze", "prove", "diff CMM-607 L34106",
                                    "evaluate " + std::string(PP_SOURCE_DIR) + "/model/policies/medicare-lcd-L34106.example-case.json --policy L34106"};
  for (const auto& e : std::filesystem::directory_iterator(std::string(PP_SOURCE_DIR) + "/tests/golden/cli")) {
    std::string f = e.path().string();
    if (f.size() < 10 || f.compare(f.size() - 10, 10, ".case.json") != 0) continue;
    commands.push_back("evaluate " + f);
    commands.push_back("explain " + f);
  }
  CHECK(commands.size() >= 20);
  for (const auto& cmd : commands) {
    auto r = vtest::run(cmd, s.dir);
    INFO("policyproof " << cmd);
    CHECK(r.exit_code <= 1);
    CHECK(vtest::count_lines(r.out) > 1);
    std::istringstream in(r.out);
    std::string line;
    while (std::getline(in, line)) {
      INFO(line);
      CHECK(line.size() < 100);
    }
  }
}

TEST_CASE("a mistyped subcommand suggests the nearest one", "[terminal]") {
  Scratch s;
  auto r = vtest::run("evalute x.json", s.dir);
  CHECK(r.exit_code == 2);
  CHECK(r.err == "policyproof: error: unknown subcommand `evalute` (did you mean `evaluate`?)\n");
  r = vtest::run("rendr -o x.svg", s.dir);
  CHECK(r.exit_code == 2);
  CHECK(r.err.find("(did you mean `render`?)") != std::string::npos);
  r = vtest::run("frobnicate", s.dir);
  CHECK(r.exit_code == 2);
  CHECK(r.err.find("did you mean") == std::string::npos);
  CHECK(r.err.find("expected one of:") != std::string::npos);
  CHECK(vtest::count_lines(r.err) == 1);
}

TEST_CASE("a mistyped flag suggests the nearest one the subcommand has", "[terminal]") {
  Scratch s;
  auto r = vtest::run("evaluate x.json --frmat json", s.dir);
  CHECK(r.exit_code == 2);
  CHECK(r.err == "policyproof evaluate: error: unknown option `--frmat` (did you mean `--format`?)\n");
  r = vtest::run("explain --polcy=x.yaml x.json", s.dir);
  CHECK(r.exit_code == 2);
  CHECK(r.err.find("unknown option `--polcy` (did you mean `--policy`?)") != std::string::npos);
  r = vtest::run("render --zzzzzzzz", s.dir);
  CHECK(r.exit_code == 2);
  CHECK(r.err.find("did you mean") == std::string::npos);
  CHECK(r.err.find("(expected one of: --help") != std::string::npos);
  CHECK(vtest::count_lines(r.err) == 1);
  // a known flag with a bad value keeps its own message
  r = vtest::run("evaluate x.json --format jsn", s.dir);
  CHECK(r.exit_code == 2);
  CHECK(r.err.find("--format") != std::string::npos);
  CHECK(r.err.find("unknown option") == std::string::npos);
}

TEST_CASE("render --view and --format mermaid from the command line", "[terminal][views]") {
  Scratch s;
  SECTION("the overview as Mermaid: by --format, by .mmd, fenced in .md") {
    auto r = vtest::run("render --view overview --format mermaid -o -", s.dir);
    REQUIRE(r.exit_code == 0);
    CHECK(r.out == vtest::slurp(kGolden + "view-overview.expected.mmd"));
    r = vtest::run("render --view overview -o " + s.dir + "/o.mmd", s.dir);
    REQUIRE(r.exit_code == 0);
    CHECK(vtest::slurp(s.dir + "/o.mmd") == vtest::slurp(kGolden + "view-overview.expected.mmd"));
    r = vtest::run("render --view overview -o " + s.dir + "/o.md", s.dir);
    REQUIRE(r.exit_code == 0);
    CHECK(vtest::slurp(s.dir + "/o.md") == "```mermaid\n" + vtest::slurp(kGolden + "view-overview.expected.mmd") + "```\n");
  }
  SECTION("a pathway view as DOT") {
    auto r = vtest::run("render --view pathway IN.NM --format dot -o -", s.dir);
    REQUIRE(r.exit_code == 0);
    CHECK(r.out == vtest::slurp(kGolden + "view-pathway-IN.NM.expected.dot"));
  }
  SECTION("the default stays the full graph") {
    auto r = vtest::run("render --format dot -o -", s.dir);
    REQUIRE(r.exit_code == 0);
    CHECK(r.out == vtest::slurp(kGolden + "plain.expected.dot"));
    auto f = vtest::run("render --view full --format dot -o -", s.dir);
    CHECK(f.out == r.out);
  }
  SECTION("a view drawn as SVG") {
    auto r = vtest::run("render --view exclusions -o " + s.dir + "/x.svg", s.dir);
    REQUIRE(r.exit_code == 0);
    std::string svg = vtest::slurp(s.dir + "/x.svg");
    CHECK(svg.find("<svg") != std::string::npos);
    CHECK(svg.find("Contraindications") != std::string::npos);
  }
  SECTION("bad views are one line, exit 2, nothing written") {
    for (const std::string args : {"--view bogus", "--view pathway", "--view pathway NO.SUCH", "--view overview extra"}) {
      INFO(args);
      auto r = vtest::run("render " + args + " -o " + s.dir + "/bad.svg", s.dir);
      CHECK(r.exit_code == 2);
      CHECK(vtest::count_lines(r.err) == 1);
      CHECK(!vtest::exists(s.dir + "/bad.svg"));
    }
  }
}
