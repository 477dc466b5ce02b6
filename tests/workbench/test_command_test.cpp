// `policyproof test`: analyst-owned test files run against a policy; a
// failure names the test and the difference, exits 1 and shows in JUnit XML.
#include <catch2/catch.hpp>
#include <filesystem>

#include "support/run.h"
#include "workbench/support.h"

namespace {

std::string example_case() {
  std::string c = pp::test::slurp(std::string(PP_SOURCE_DIR) + "/model/policies/example-case.json");
  std::string one;
  for (char ch : c)
    if (ch != '\n') one += ch;
  return one;
}

std::string test_line(const std::string& name, const std::string& c, const std::string& expect) {
  return "{\"name\": \"" + name + "\", \"case\": " + c + ", \"expect\": " + expect + "}\n";
}

}  // namespace

TEST_CASE("passing tests exit 0, a failing one exits 1 and shows its differences", "[test]") {
  std::string c = example_case();
  std::string chronic = pp::test::edit(c, "\"duration_weeks\": 3", "\"duration_weeks\": 30");
  std::string partial = pp::test::edit(c, "\"duration_weeks\": 3,", "");
  std::string file = pp::test::temp_path("ok.jsonl");
  pp::test::spit(file, "# comments and blank lines are skipped\n\n" +
                           test_line("approved", c, R"({"decision": "medically_necessary", "pathways": ["IN.NM"], "exclusions": [], "unmet": []})") +
                           test_line("chronic", chronic, R"({"decision": "not_medically_necessary", "exclusions": ["NI.chronic_pain"]})") +
                           test_line("unknown duration", partial, R"({"decision": "undetermined", "decisive_unknowns": ["pain.duration_weeks"]})"));
  auto r = pp::test::run("test " + file);
  INFO(r.out << r.err);
  CHECK(r.exit_code == 0);
  CHECK(r.out.find("3 tests: 3 passed, 0 failed") != std::string::npos);

  std::string bad = pp::test::temp_path("bad.jsonl");
  pp::test::spit(bad, test_line("expects approval", chronic, R"({"decision": "medically_necessary", "pathways": ["IN.NM"]})"));
  std::string junit = pp::test::temp_path("junit.xml");
  auto f = pp::test::run("test " + file + " " + bad + " --junit " + junit);
  INFO(f.out << f.err);
  CHECK(f.exit_code == 1);
  CHECK(f.out.find("FAIL") != std::string::npos);
  CHECK(f.out.find("decision: expected medically_necessary, got not_medically_necessary") != std::string::npos);
  CHECK(f.out.find("pathways: missing [IN.NM]") != std::string::npos);
  CHECK(f.out.find("4 tests: 3 passed, 1 failed") != std::string::npos);
  std::string xml = pp::test::slurp(junit);
  CHECK(xml.find("<testsuites name=\"policyproof test CMM-607 v1.0.2026\" tests=\"4\" failures=\"1\">") != std::string::npos);
  CHECK(xml.find("<failure message=\"decision: expected medically_necessary, got not_medically_necessary\">") != std::string::npos);
  for (const auto& p : {file, bad, junit}) std::remove(p.c_str());
}

TEST_CASE("the same tests against another policy fail where it decides otherwise", "[test]") {
  std::string c = example_case();
  std::string file = pp::test::temp_path("p.jsonl");
  pp::test::spit(file, test_line("approved", c, R"({"decision": "medically_necessary"})"));
  std::string dir = pp::test::temp_path("pol");
  std::filesystem::create_directories(dir);
  pp::test::spit(dir + "/cmm-607.yaml", pp::test::edit(pp::test::bundled_policy_text(), "when: pain.duration_weeks <= 6",
                                                       "when: pain.duration_weeks <= 2"));
  CHECK(pp::test::run("test " + file).exit_code == 0);
  CHECK(pp::test::run("test " + file + " --policy " + dir + "/cmm-607.yaml").exit_code == 1);
  std::filesystem::remove_all(dir);
  std::remove(file.c_str());
}

TEST_CASE("a bad test file is one line naming the line and the field, exit 2", "[test]") {
  struct Bad { const char* line; const char* error; };
  const Bad bads[] = {
      {"{\"name\": 3}", ":1: name: error: expected a string"},
      {"not json", ":1: error: not valid JSON"},
      {"{\"case\": {\"case_id\": \"x\"}, \"expect\": {\"decision\": \"maybe\"}}", ":1: expect.decision: error: unknown decision `maybe`"},
      {"{\"case\": {\"request\": {\"levels\": [\"T13\"]}}, \"expect\": {\"decision\": \"undetermined\"}}",
       ":1: case.request.levels[0]: error: unknown level `T13`"},
      {"{\"case\": {\"case_id\": \"x\"}, \"expect\": {\"decision\": \"undetermined\", \"unmet\": [\"IN.XX\"]}}",
       ":1: expect.unmet[0]: error: unknown criterion `IN.XX`"},
      {"{\"case\": {\"case_id\": \"x\"}, \"expect\": {\"decision\": \"undetermined\"}, \"extra\": 1}", ":1: extra: error: unknown field `extra`"},
  };
  for (const auto& b : bads) {
    std::string file = pp::test::temp_path("bad.jsonl");
    pp::test::spit(file, std::string(b.line) + "\n");
    auto r = pp::test::run("test " + file);
    INFO(b.line << "\n" << r.err);
    CHECK(r.exit_code == 2);
    CHECK(r.err.find(b.error) != std::string::npos);
    CHECK(pp::test::count_lines(r.err) == 1);
    std::remove(file.c_str());
  }
}
