// --reading on every subcommand, and the second round's evaluate fields
// (why, depends_on, warnings) in single and batch runs.
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "support/run.h"

using nlohmann::json;

namespace {

const char* kSubacute2605 = "tests/golden/cli/subacute-26.05-weeks.case.json";

json run_json(const std::string& args) {
  auto r = pp::test::run(args);
  INFO(args << "\n" << r.err);
  REQUIRE(r.exit_code == 0);
  return json::parse(r.out);
}

}  // namespace

TEST_CASE("option --reading: evaluate under another reading without editing the policy", "[readings]") {
  json base = run_json(std::string("evaluate --format json ") + kSubacute2605);
  CHECK(base["decision"] == "medically_necessary");
  REQUIRE(base["depends_on"].size() == 2);
  CHECK(base["depends_on"][0] == json({{"ambiguity", "AMB.six_months"}, {"reading", "twenty_six_weeks"},
                                       {"decision", "not_medically_necessary"}}));
  json w26 = run_json(std::string("evaluate --format json --reading AMB.six_months=twenty_six_weeks ") + kSubacute2605);
  CHECK(w26["decision"] == "not_medically_necessary");
  CHECK(w26["policy"]["sha256"] != base["policy"]["sha256"]);
  bool calendar = false;
  for (const auto& d : w26["depends_on"])
    calendar |= d["ambiguity"] == "AMB.six_months" && d["reading"] == "calendar" && d["decision"] == "medically_necessary";
  CHECK(calendar);
  // the text names the reading in force and warns
  auto t = pp::test::run(std::string("evaluate --reading AMB.six_months=twenty_six_weeks ") + kSubacute2605);
  CHECK(t.out.find("under the reading AMB.six_months=twenty_six_weeks") != std::string::npos);
  CHECK(t.out.find("warning: under reading `calendar` of AMB.six_months") != std::string::npos);
  // repeatable, and the option can come anywhere
  json two = run_json(std::string("evaluate ") + kSubacute2605 +
                      " --reading AMB.six_months=twenty_six_weeks --reading AMB.chronic_trigger=prophylactic_only --format json");
  CHECK(two["decision"] == "medically_necessary");
}

TEST_CASE("option --reading: unknown ambiguity or reading is one line naming the known ones, exit 2", "[readings]") {
  for (const char* sub : {"evaluate", "explain", "analyze", "prove", "render --output /tmp/pp-x.dot", "generate --count 1"}) {
    std::string args = std::string(sub) + " --reading AMB.nope=x";
    if (std::string(sub) == "evaluate" || std::string(sub) == "explain") args += std::string(" ") + kSubacute2605;
    auto r = pp::test::run(args);
    INFO(args << "\n" << r.err);
    CHECK(r.exit_code == 2);
    CHECK(pp::test::count_lines(r.err) == 1);
    CHECK(r.err.find("unknown ambiguity `AMB.nope`") != std::string::npos);
    CHECK(r.err.find("AMB.six_months") != std::string::npos);
  }
  auto r = pp::test::run(std::string("evaluate --reading AMB.six_months=lunar ") + kSubacute2605);
  CHECK(r.exit_code == 2);
  CHECK(r.err == "--reading: error: ambiguity `AMB.six_months` has no reading `lunar` (expected one of calendar, "
                 "twenty_six_weeks, four_week_months)\n");
  r = pp::test::run(std::string("evaluate --reading AMB.six_months ") + kSubacute2605);
  CHECK(r.exit_code == 2);
  CHECK(pp::test::count_lines(r.err) == 1);
}

TEST_CASE("option --reading on explain, analyze and prove", "[readings]") {
  json e = run_json(std::string("explain --format json --reading AMB.six_months=twenty_six_weeks ") + kSubacute2605);
  CHECK(e["decision"] == "not_medically_necessary");
  REQUIRE(e.contains("why"));
  REQUIRE(e.contains("depends_on"));
  REQUIRE(e.contains("warnings"));
  CHECK(e["why"][0]["criterion"] == "NI.chronic_pain");
  CHECK(e["why"][0]["facts"][0]["fact"] == "pain.duration_weeks");
  CHECK(e["why"][0]["facts"][0]["value"] == 26.05);
  // analyze: under the reading that makes the fusion contraindicated, the encoded one is the alternative
  auto a = pp::test::run("analyze --format json --reading AMB.stabilization_scope=covers_planned_fusion");
  REQUIRE((a.exit_code == 0 || a.exit_code == 1));
  json aj = json::parse(a.out);
  bool other = false;
  for (const auto& f : aj["findings"])
    if (f["kind"] == "ambiguity" && f["message"].get<std::string>().find("`other_stabilization`") != std::string::npos) other = true;
  CHECK(other);
  auto p = pp::test::run("prove --format json --reading AMB.six_months=four_week_months");
  CHECK((p.exit_code == 0 || p.exit_code == 1));
  json pj = json::parse(p.out);
  CHECK(pj["properties"].size() > 0);
}

TEST_CASE("analyze shows the fusion pathway dead under the reading covering the planned fusion", "[readings]") {
  json a = json::parse(pp::test::run("analyze --format json").out);
  bool dead = false;
  for (const auto& f : a["findings"])
    if (f["kind"] == "dead" && f["criteria"][0] == "IN.ASP" &&
        f["message"].get<std::string>().find("covers_planned_fusion") != std::string::npos)
      dead = f.contains("witness");
  CHECK(dead);
}

TEST_CASE("evaluate: why, depends_on and warnings, batch depends_on equals single-case", "[readings]") {
  json s = run_json("evaluate --format json tests/golden/cli/sacroplasty-code-on-l4.case.json");
  CHECK(s["decision"] == "medically_necessary");
  REQUIRE(s["warnings"].size() == 2);
  CHECK(s["warnings"][0].get<std::string>().find("0200T") != std::string::npos);
  CHECK(s["depends_on"][0]["ambiguity"] == "AMB.sacroplasty_cpt");
  auto t = pp::test::run("evaluate tests/golden/cli/sacroplasty-code-on-l4.case.json");
  CHECK(t.out.find("warning: billing: code 0200T (sacroplasty)") != std::string::npos);

  // batch: one line per case, depends_on as a single evaluate computes it
  std::string lines;
  std::vector<std::string> files = {kSubacute2605, "tests/golden/cli/sacroplasty-code-on-l4.case.json",
                                    "tests/golden/cli/fusion-l2-l3.case.json", "tests/golden/cli/denied-t4-t5.case.json",
                                    "tests/golden/cli/partial-undetermined.case.json"};
  for (const auto& f : files) lines += json::parse(pp::test::slurp(f)).dump() + "\n";
  auto b = pp::test::run("evaluate --batch - --jobs 2", lines);
  REQUIRE(b.exit_code == 0);
  std::vector<json> out;
  size_t at = 0;
  while (at < b.out.size()) {
    size_t nl = b.out.find('\n', at);
    out.push_back(json::parse(b.out.substr(at, nl - at)));
    at = nl + 1;
  }
  REQUIRE(out.size() == files.size());
  for (size_t i = 0; i < files.size(); ++i) {
    json one = run_json("evaluate --format json " + files[i]);
    INFO(files[i]);
    CHECK(out[i]["decision"] == one["decision"]);
    CHECK(out[i]["depends_on"] == one["depends_on"]);
    CHECK(out[i]["unmet"] == one["unmet"]);
  }
  CHECK(out[0]["depends_on"].size() == 2);
  CHECK(out[3]["depends_on"] == json::array());
}
