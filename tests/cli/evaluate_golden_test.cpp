// Golden files for what reviewers read: `evaluate` text and JSON output of
// example cases (tests/golden/cli/<name>.case.json beside
// <name>.expected.txt / .expected.json). Refresh: see CONTRIBUTING.md "Golden files"
#include <catch2/catch.hpp>
#include <dirent.h>
#include <algorithm>
#include <regex>

#include "support/run.h"

namespace {
// Drop what changes without a behaviour change: the policy's hash.
std::string normalize(const std::string& s) {
  std::string t = std::regex_replace(s, std::regex("[0-9a-f]{64}"), "<sha256>");
  return std::regex_replace(t, std::regex("policy sha256(\\s+)[0-9a-f]{12}"), "policy sha256$1<sha256>");
}
}  // namespace

TEST_CASE("golden: evaluate output matches the golden files", "[golden]") {
  std::string dir = std::string(PP_SOURCE_DIR) + "/tests/golden/cli/";
  DIR* d = opendir(dir.c_str());
  REQUIRE(d);
  std::vector<std::string> stems;
  while (dirent* e = readdir(d)) {
    std::string n = e->d_name;
    auto pos = n.find(".case.json");
    if (pos != std::string::npos && pos + 10 == n.size()) stems.push_back(n.substr(0, pos));
  }
  closedir(d);
  std::sort(stems.begin(), stems.end());
  REQUIRE(stems.size() >= 4);
  for (const auto& s : stems) {
    INFO(s);
    auto text = pp::test::run("evaluate --format text tests/golden/cli/" + s + ".case.json");
    CHECK(text.exit_code == 0);
    CHECK(pp::test::matches_golden(dir + s + ".expected.txt", normalize(text.out)));
    auto js = pp::test::run("evaluate --format json tests/golden/cli/" + s + ".case.json");
    CHECK(js.exit_code == 0);
    CHECK(pp::test::matches_golden(dir + s + ".expected.json", normalize(js.out)));
  }
}

TEST_CASE("the JSON result carries the policy's sha256 and the contract's fields") {
  auto r = pp::test::run("evaluate --format json model/policies/example-case.json");
  REQUIRE(r.exit_code == 0);
  for (const char* field : {"\"case_id\":", "\"decision\":", "\"policy\":{\"id\":\"CMM-607\",\"version\":\"v1.0.2026\",\"sha256\":\"",
                            "\"pathways\":[", "\"exclusions\":[", "\"unmet\":[", "\"decisive_unknowns\":["})
    CHECK(r.out.find(field) != std::string::npos);
}

TEST_CASE("usage errors exit 2 with one line") {
  auto r = pp::test::run("evaluate");
  CHECK(r.exit_code == 2);
  CHECK(pp::test::count_lines(r.err) == 1);
  r = pp::test::run("evaluate --format yaml model/policies/example-case.json");
  CHECK(r.exit_code == 2);
  r = pp::test::run("evaluate no-such-file.json");
  CHECK(r.exit_code == 2);
  CHECK(r.err == "no-such-file.json: error: cannot read the file (no such file, or not readable)\n");
  r = pp::test::run("frobnicate");
  CHECK(r.exit_code == 2);
}

TEST_CASE("assume-absent: treats absent booleans as false and numbers as 0") {
  auto r = pp::test::run("evaluate --format json --assume-absent -",
                         R"({"case_id": "a", "request": {"technique": "vertebroplasty", "levels": ["L1"]}})");
  CHECK(r.exit_code == 0);
  CHECK(r.out.find("\"decision\":\"not_medically_necessary\"") != std::string::npos);
  CHECK(r.out.find("\"decisive_unknowns\":[]") != std::string::npos);
}
