// `policyproof coverage`: what a corpus exercised. The MC/DC suite holds
// every pair that exists; a random corpus of the same size holds few; one
// approved case makes its pathway decisive and the others not.
#include <catch2/catch.hpp>
#include <map>
#include <nlohmann/json.hpp>

#include "support/run.h"

namespace {

nlohmann::json coverage_json(const std::string& file) {
  auto r = pp::test::run("coverage --format json " + file);
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  return nlohmann::json::parse(r.out);
}

}  // namespace

TEST_CASE("the MC/DC suite holds an independence pair for every condition that has one", "[coverage]") {
  std::string file = pp::test::temp_path("mcdc.jsonl");
  REQUIRE(pp::test::run("generate --mcdc --output " + file).exit_code == 0);
  auto j = coverage_json(file);
  CHECK(j["summary"]["pairs"].get<int>() == j["summary"]["conditions"].get<int>() - 1);
  for (const auto& c : j["conditions"]) {
    INFO(c.dump());
    bool implied = c["criterion"] == "CI.osteomyelitis";
    CHECK(c["pair"].is_null() == implied);
  }
  // A random corpus of the same size holds far fewer.
  std::string random = pp::test::temp_path("random.jsonl");
  auto g = pp::test::run("generate --count " + std::to_string(j["cases"].get<int>()));
  pp::test::spit(random, g.out);
  auto r = coverage_json(random);
  CHECK(r["summary"]["pairs"].get<int>() < j["summary"]["pairs"].get<int>() / 2);
  std::remove(file.c_str());
  std::remove(random.c_str());
}

TEST_CASE("one approved case: its pathway is met and decisive, the other pathways are not decisive", "[coverage]") {
  std::string one;
  for (char ch : pp::test::slurp(std::string(PP_SOURCE_DIR) + "/model/policies/example-case.json"))
    if (ch != '\n') one += ch;
  std::string file = pp::test::temp_path("one.jsonl");
  pp::test::spit(file, one + "\n");
  auto j = coverage_json(file);
  CHECK(j["cases"] == 1);
  CHECK(j["decisions"]["medically_necessary"] == 1);
  std::map<std::string, nlohmann::json> by_id;
  for (const auto& c : j["criteria"]) by_id[c["id"].get<std::string>()] = c;
  CHECK(by_id["IN.NM"]["met"] == 1);
  CHECK(by_id["IN.NM"]["decisive"] == 1);
  CHECK(by_id["IN.ASP"]["not_met"] == 1);
  CHECK(by_id["IN.ASP"]["decisive"] == 0);
  CHECK(by_id["NI.chronic_pain"]["not_met"] == 1);
  CHECK(by_id["NI.chronic_pain"]["decisive"] == 1);  // were it met, the case would be denied
  CHECK(j["summary"]["pairs"] == 0);
  auto t = pp::test::run("coverage " + file);
  CHECK(t.out.find("MC/DC: 0 of ") != std::string::npos);
  std::remove(file.c_str());
}
