// Another policy loads: the made-up DEMO-100 policy (tests/policies/), with
// its own vocabulary beside it (a pain score 0-10 among its facts), goes
// through evaluate, prove, analyze and diff with no code written for it.
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "support/run.h"

namespace {
const std::string kDemo = "tests/policies/demo-bvn-ablation.yaml";
const char* kLimitFlags = "--timeout 0 --rlimit 50000000";
}  // namespace

TEST_CASE("the second policy: evaluate, prove, analyze and diff", "[analyze][cli]") {
  // evaluate: the example case is approved by the standard pathway.
  auto e = pp::test::run("evaluate --format json tests/policies/demo-bvn-ablation.case.json --policy " + kDemo);
  INFO(e.err);
  REQUIRE(e.exit_code == 0);
  auto ej = nlohmann::json::parse(e.out);
  CHECK(ej["policy"]["id"] == "DEMO-100");
  CHECK(ej["decision"] == "medically_necessary");
  // The new fact is checked against its declared range: a score of 11 is refused.
  auto bad = pp::test::run("evaluate - --policy " + kDemo, R"({"pain": {"score": 11}})");
  CHECK(bad.exit_code == 2);
  CHECK(bad.err.find("pain.score") != std::string::npos);
  CHECK(pp::test::count_lines(bad.err) == 1);
  // A partial case: the unknown pain score decides.
  auto partial = pp::test::run("evaluate --format json - --policy " + kDemo,
                               R"({"request": {"technique": "radiofrequency", "levels": ["L4"]}, "pain": {"duration_months": 9},
                                   "disability": {"odi": 40}, "imaging": {"endplate_degeneration": true, "modic": ["type1"]},
                                   "conservative_care": {"months": 7, "physical_therapy": true}, "prior_lumbar_fusion": false,
                                   "contraindications": []})");
  INFO(partial.err);
  REQUIRE(partial.exit_code == 0);
  auto pj = nlohmann::json::parse(partial.out);
  CHECK(pj["decision"] == "undetermined");
  CHECK(pj["decisive_unknowns"] == nlohmann::json::array({"pain.score"}));

  // prove: its properties file beside it is found and every property proved.
  auto p = pp::test::run("prove --format json --policy " + kDemo + " " + kLimitFlags);
  INFO(p.err);
  CHECK(p.exit_code == 0);
  auto prj = nlohmann::json::parse(p.out);
  CHECK(prj["properties"].size() == 5);
  for (const auto& prop : prj["properties"]) CHECK(prop["status"] == "proved");

  // analyze: findings, no errors.
  auto a = pp::test::run("analyze --format json --policy " + kDemo + " " + kLimitFlags);
  INFO(a.err);
  CHECK(a.exit_code == 0);
  CHECK(nlohmann::json::parse(a.out)["findings"].size() > 5);

  // diff: with its version 2 (another vocabulary), decisions differ.
  auto d = pp::test::run("diff " + kDemo + " tests/policies/demo-bvn-ablation-v2.yaml --exit-code " + kLimitFlags);
  INFO(d.err);
  CHECK(d.exit_code == 1);
  CHECK(d.out.find("criterion IN.recent_mri: added") != std::string::npos);
}
