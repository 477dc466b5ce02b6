// `analyze` as a person reads it: grouped by severity and kind, design-level
// findings one line each, witnesses as the facts that make them, every line
// under 100 columns, the bundled policy on a screen or two; severities
// calibrated (the text contradicted: error; named ambiguities and
// definitions: info); the JSON keeps its shape.
#include <catch2/catch.hpp>
#include <filesystem>
#include <nlohmann/json.hpp>

#include "support/run.h"
#include "workbench/support.h"

TEST_CASE("analyze text of the bundled policy fits a screen or two, every line under 100 columns", "[analyze-text]") {
  auto r = pp::test::run("analyze");
  REQUIRE(r.exit_code == 0);
  std::istringstream in(r.out);
  std::string line;
  int lines = 0;
  while (std::getline(in, line)) {
    ++lines;
    INFO(line);
    CHECK(line.size() < 100);
  }
  CHECK(lines <= 150);  // two 50-row screens and a half; the shared vocabulary of two payers is folded into one line
  CHECK(r.out.find("== warnings (") != std::string::npos);
  CHECK(r.out.find("== info (") != std::string::npos);
  // design-level conflicts: one line per pathway, not one block per category
  CHECK(r.out.find("conflict IN.NM: can be met while an exclusion applies, in 4 categories") != std::string::npos);
  // a witness as the facts that make it, not a case on one line
  CHECK(r.out.find("every other yes/no fact false") != std::string::npos);
  CHECK(r.out.find("{\"case_id\"") == std::string::npos);
}

TEST_CASE("analyze: the acute off-by-one is an error shown first, with its text and condition", "[analyze-text]") {
  std::string dir = pp::test::temp_path("an");
  std::filesystem::create_directories(dir);
  pp::test::spit(dir + "/cmm-607.yaml", pp::test::edit(pp::test::bundled_policy_text(), "when: pain.duration_weeks <= 6",
                                                       "when: pain.duration_weeks < 6"));
  auto r = pp::test::run("analyze --policy " + dir + "/cmm-607.yaml");
  CHECK(r.exit_code == 1);
  auto errors = r.out.find("== errors (1)");
  auto warnings = r.out.find("== warnings");
  REQUIRE(errors != std::string::npos);
  CHECK(errors < warnings);
  CHECK(r.out.find("  text: \"acute (0-6 weeks) axial pain in the thoracic/lumbar spine\"") != std::string::npos);
  CHECK(r.out.find("  condition: `pain.duration_weeks < 6`") != std::string::npos);
  std::filesystem::remove_all(dir);
}

TEST_CASE("analyze JSON keeps its shape, and named ambiguities and definitions are info", "[analyze-text]") {
  auto r = pp::test::run("analyze --format json");
  REQUIRE(r.exit_code == 0);
  auto j = nlohmann::json::parse(r.out);
  int witnesses = 0;
  for (const auto& f : j["findings"]) {
    REQUIRE(f.contains("kind"));
    REQUIRE(f.contains("severity"));
    REQUIRE(f["criteria"].is_array());
    REQUIRE(f["message"].is_string());
    if (f.contains("witness")) {
      ++witnesses;
      CHECK(f["witness"].contains("case_id"));
    }
    if (f["kind"] == "ambiguity") CHECK(f["severity"] == "info");
    if (f["kind"] == "conflict" && f.value("subject", "").rfind("definition: ", 0) == 0) CHECK(f["severity"] == "info");
  }
  CHECK(witnesses > 10);
  CHECK(j["summary"]["error"] == 0);
}
