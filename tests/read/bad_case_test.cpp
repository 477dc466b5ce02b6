// Bad case inputs as data: tests/read/bad/<name>.json beside <name>.expected,
// the exact one-line error (exit 2). And the public JSON conformance corpus:
// none of its files is a case, so every one is refused cleanly.
#include <catch2/catch.hpp>
#include <dirent.h>
#include <algorithm>
#include <vector>

#include "model/case_reader.h"
#include "support/run.h"

namespace {
std::vector<std::string> files_in(const std::string& dir, const std::string& ext) {
  std::vector<std::string> out;
  DIR* d = opendir(dir.c_str());
  if (!d) return out;
  while (dirent* e = readdir(d)) {
    std::string n = e->d_name;
    if (n.size() > ext.size() && n.substr(n.size() - ext.size()) == ext) out.push_back(n);
  }
  closedir(d);
  std::sort(out.begin(), out.end());
  return out;
}
}  // namespace

TEST_CASE("every bad case is refused with its one-line error and exit 2") {
  std::string dir = std::string(PP_SOURCE_DIR) + "/tests/read/bad/";
  auto names = files_in(dir, ".json");
  REQUIRE(names.size() >= 25);
  for (const auto& n : names) {
    std::string stem = n.substr(0, n.size() - 5);
    std::string expected = pp::test::slurp(dir + stem + ".expected");
    auto r = pp::test::run("evaluate tests/read/bad/" + n);
    INFO(n << "\n" << r.err);
    CHECK(r.exit_code == 2);
    CHECK(r.out.empty());
    CHECK(pp::test::count_lines(r.err) == 1);
    CHECK(r.err == "tests/read/bad/" + expected);
  }
}

TEST_CASE("the reader names the JSON path of the error", "[reader]") {
  auto p = pp::model::load_bundled_policy();
  pp::model::CaseReader reader(*p);
  try {
    reader.read(R"({"request": {"levels": ["T5", "T13"]}})", "case.json");
    FAIL("accepted an unknown level");
  } catch (const pp::model::DiagnosticError& e) {
    CHECK(e.diagnostic().location.json_path == "request.levels[1]");
    CHECK(e.diagnostic().str().rfind("case.json: request.levels[1]: error: unknown level `T13`", 0) == 0);
  }
  try {
    reader.read(R"({"case_id": "b"})", "batch.jsonl", 12);
  } catch (...) {
    FAIL("refused a case with only a case_id");
  }
}

TEST_CASE("absent facts are unknown, and arrays of a group mean the rest are false", "[reader]") {
  auto p = pp::model::load_bundled_policy();
  pp::model::CaseReader reader(*p);
  auto c = reader.read(R"({"urgent": ["incapacitating_pain"], "contraindications": {"active_infection": false}})", "c.json");
  const auto& v = p->vocab;
  CHECK(c.is_known(v.find_atom("urgent.incapacitating_pain")));
  CHECK(c.value[v.find_atom("urgent.incapacitating_pain")] == 1);
  CHECK(c.is_known(v.find_atom("urgent.neoplastic_pathologic_fracture")));
  CHECK(c.value[v.find_atom("urgent.neoplastic_pathologic_fracture")] == 0);
  CHECK(c.is_known(v.find_atom("contraindications.active_infection")));
  CHECK_FALSE(c.is_known(v.find_atom("contraindications.material_allergy")));
  CHECK_FALSE(c.is_known(v.find_atom("pain.duration_weeks")));
  CHECK_FALSE(c.is_known(v.find_atom("request.levels.T5")));
}

TEST_CASE("every file of the JSONTestSuite corpus is refused: exit 2, one line") {
  std::string dir = pp::test::shared_path("corpora/JSONTestSuite/test_parsing", "CI has the corpus");
  if (dir.empty()) return;
  dir += "/";
  auto names = files_in(dir, ".json");
  REQUIRE(names.size() >= 300);
  for (const auto& n : names) {
    auto r = pp::test::run("evaluate '" + dir + n + "'");
    INFO(n << "\n" << r.err);
    CHECK(r.exit_code == 2);
    CHECK(pp::test::count_lines(r.err) == 1);
    CHECK(r.out.empty());
  }
}

TEST_CASE("a batch reports a bad line on its line and goes on, exit 2 at the end") {
  std::string good = pp::test::slurp(std::string(PP_SOURCE_DIR) + "/model/policies/example-case.json");
  std::string one_line;
  for (char c : good) if (c != '\n') one_line += c;
  std::string input = one_line + "\n{\"case_id\": \"bad\", \"pain\": {\"duration_weeks\": -1}}\nnot json\n" + one_line + "\n";
  auto r = pp::test::run("evaluate --batch -", input);
  CHECK(r.exit_code == 2);
  std::istringstream out(r.out);
  std::vector<std::string> lines;
  for (std::string l; std::getline(out, l);) lines.push_back(l);
  REQUIRE(lines.size() == 4);
  CHECK(lines[0].find("\"decision\":\"medically_necessary\"") != std::string::npos);
  CHECK(lines[1].find("\"line\":2") != std::string::npos);
  CHECK(lines[1].find("pain.duration_weeks") != std::string::npos);
  CHECK(lines[2].find("\"line\":3") != std::string::npos);
  CHECK(lines[3].find("\"decision\":\"medically_necessary\"") != std::string::npos);
  CHECK(r.err.find("<stdin>:2: pain.duration_weeks: error:") != std::string::npos);
  // a line that is not JSON: where on the line it went wrong
  CHECK(r.err.find("<stdin>:3: error: at column 2: malformed JSON") != std::string::npos);
}

TEST_CASE("a huge batch line is refused without buffering it") {
  std::string big = "{\"case_id\": \"" + std::string(3u << 20, 'x') + "\"}\n{\"case_id\": \"ok\"}\n";
  auto r = pp::test::run("evaluate --batch -", big);
  CHECK(r.exit_code == 2);
  CHECK(r.err.find("<stdin>:1: error: case too large") != std::string::npos);
  CHECK(r.out.find("\"case_id\":\"ok\"") != std::string::npos);
}
