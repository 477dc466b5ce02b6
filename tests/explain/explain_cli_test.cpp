// `policyproof explain` end to end: golden text and JSON outputs
// (tests/golden/explain/<name>.case.json beside <name>.expected.txt and
// .expected.json; refresh: see CONTRIBUTING.md "Golden files"), `evaluate`
// confirming every correction of the golden cases, batches, usage errors.
#include <catch2/catch.hpp>

#include <dirent.h>

#include <algorithm>
#include <nlohmann/json.hpp>
#include <regex>

#include "model/policy.h"
#include "support/run.h"

namespace {

using nlohmann::json;

// Drop what changes without a behaviour change: the policy's hash.
std::string normalize(const std::string& s) {
  std::string t = std::regex_replace(s, std::regex("[0-9a-f]{64}"), "<sha256>");
  return std::regex_replace(t, std::regex("policy sha256(\\s+)[0-9a-f]{12}"), "policy sha256$1<sha256>");
}

std::vector<std::string> golden_stems() {
  std::string dir = std::string(PP_SOURCE_DIR) + "/tests/golden/explain/";
  std::vector<std::string> stems;
  DIR* d = opendir(dir.c_str());
  REQUIRE(d);
  while (dirent* e = readdir(d)) {
    std::string n = e->d_name;
    auto pos = n.find(".case.json");
    if (pos != std::string::npos && pos + 10 == n.size()) stems.push_back(n.substr(0, pos));
  }
  closedir(d);
  std::sort(stems.begin(), stems.end());
  return stems;
}

// Sets `path` (a case-format fact path) to `value` in a case's JSON, turning
// a group written as an array of true members into its object form first.
void set_fact(const pp::model::Policy& p, json& c, const std::string& path, const json& value) {
  int slot = p.vocab.find_slot(path);
  REQUIRE(slot >= 0);
  const auto& sl = p.vocab.slots[static_cast<size_t>(slot)];
  const auto& f = p.vocab.facts[static_cast<size_t>(sl.fact)];
  auto node_at = [&](const std::string& dotted) -> json& {
    json* n = &c;
    size_t start = 0;
    while (true) {
      size_t dot = dotted.find('.', start);
      std::string key = dotted.substr(start, dot == std::string::npos ? std::string::npos : dot - start);
      n = &(*n)[key];
      if (dot == std::string::npos) return *n;
      start = dot + 1;
    }
  };
  if (sl.member < 0) {
    node_at(path) = value;
    return;
  }
  json& group = node_at(f.path);
  if (group.is_array() || group.is_null()) {
    json obj = json::object();
    for (const auto& m : f.members)
      obj[m.name] = group.is_array() && std::find(group.begin(), group.end(), m.name) != group.end();
    group = obj;
  }
  group[f.members[static_cast<size_t>(sl.member)].name] = value;
}

}  // namespace

TEST_CASE("golden: explain output matches the golden files", "[golden]") {
  std::string dir = std::string(PP_SOURCE_DIR) + "/tests/golden/explain/";
  auto stems = golden_stems();
  REQUIRE(stems.size() >= 4);
  for (const auto& s : stems) {
    INFO(s);
    auto text = pp::test::run("explain --format text tests/golden/explain/" + s + ".case.json");
    CHECK(text.exit_code == 0);
    CHECK(text.err.empty());
    CHECK(pp::test::matches_golden(dir + s + ".expected.txt", normalize(text.out)));
    auto js = pp::test::run("explain --format json tests/golden/explain/" + s + ".case.json");
    CHECK(js.exit_code == 0);
    CHECK(pp::test::matches_golden(dir + s + ".expected.json", normalize(js.out)));
  }
}

TEST_CASE("evaluate confirms every correction of the golden cases, and each is minimal", "[explain]") {
  auto policy = pp::model::load_bundled_policy();
  int checked = 0;
  for (const auto& s : golden_stems()) {
    INFO(s);
    std::string case_path = std::string(PP_SOURCE_DIR) + "/tests/golden/explain/" + s + ".case.json";
    json original = json::parse(pp::test::slurp(case_path));
    auto r = pp::test::run("explain --format json " + case_path);
    REQUIRE(r.exit_code == 0);
    json e = json::parse(r.out);
    for (const auto& k : e["corrections"]) {
      INFO(k.dump());
      json fixed = original;
      for (const auto& ch : k["changes"]) set_fact(*policy, fixed, ch["fact"], ch["to"]);
      auto ev = pp::test::run("evaluate --format json -", fixed.dump());
      REQUIRE(ev.exit_code == 0);
      CHECK(json::parse(ev.out)["decision"] == "medically_necessary");
      for (size_t skip = 0; skip < k["changes"].size(); ++skip) {
        if (k["changes"][skip]["follows"] == true) continue;  // the time or the codes the others need
        json part = original;
        for (size_t j = 0; j < k["changes"].size(); ++j)
          if (j != skip) set_fact(*policy, part, k["changes"][j]["fact"], k["changes"][j]["to"]);
        auto pe = pp::test::run("evaluate --format json -", part.dump());
        REQUIRE(pe.exit_code == 0);
        CHECK(json::parse(pe.out)["decision"] != "medically_necessary");
      }
      ++checked;
    }
  }
  CHECK(checked >= 10);
}

TEST_CASE("the JSON result carries the contract's fields", "[explain]") {
  auto r = pp::test::run("explain --format json tests/golden/explain/osteoporotic-no-program.case.json");
  REQUIRE(r.exit_code == 0);
  json e = json::parse(r.out);
  CHECK(e["case_id"] == "osteoporotic-no-program");
  CHECK(e["decision"] == "not_medically_necessary");
  CHECK(e["policy"]["id"] == "CMM-607");
  CHECK(e["policy"]["version"] == "v1.0.2026");
  CHECK(e["policy"]["sha256"].get<std::string>().size() == 64);
  CHECK(e["reasons"].is_array());
  CHECK(e["questions"].is_array());
  const auto& first = e["corrections"][0];
  CHECK(first["actionable"] == true);
  CHECK(first["changes"][0] == json{{"fact", "osteoporosis_program_enrolled"}, {"kind", "care"}, {"from", false}, {"to", true}, {"follows", false}});
  CHECK(e["decisive_unknowns"].is_array());
  CHECK(e["questions_worst_path"] == 0);
}

TEST_CASE("explain --batch: one JSON result per line in order, bad lines get an error object, exit 2", "[explain]") {
  std::string good1 = pp::test::slurp(std::string(PP_SOURCE_DIR) + "/tests/golden/explain/active-infection.case.json");
  std::string good2 = pp::test::slurp(std::string(PP_SOURCE_DIR) + "/tests/golden/explain/chronic-40-weeks.case.json");
  auto one_line = [](const std::string& s) { return json::parse(s).dump(); };
  std::string input = one_line(good1) + "\n{\"request\": {\"levels\": [\"T13\"]}}\n" + one_line(good2) + "\n";
  std::string path = pp::test::temp_path("batch.jsonl");
  pp::test::spit(path, input);
  for (const std::string& arg : {path, std::string("-")}) {
    INFO(arg);
    auto r = pp::test::run("explain --batch " + arg, arg == "-" ? input : "");
    CHECK(r.exit_code == 2);
    REQUIRE(pp::test::count_lines(r.out) == 3);
    std::vector<json> lines;
    size_t start = 0;
    for (int i = 0; i < 3; ++i) {
      size_t nl = r.out.find('\n', start);
      lines.push_back(json::parse(r.out.substr(start, nl - start)));
      start = nl + 1;
    }
    CHECK(lines[0]["case_id"] == "active-infection");
    CHECK(lines[0]["corrections"].size() == 1);
    CHECK(lines[1]["line"] == 2);
    CHECK(lines[1]["error"].get<std::string>().find("request.levels[0]") != std::string::npos);
    CHECK(lines[2]["case_id"] == "chronic-40-weeks");
    CHECK(lines[2]["corrections"].empty());
    CHECK(pp::test::count_lines(r.err) == 1);
  }
  std::remove(path.c_str());
}

TEST_CASE("explain --batch --jobs N prints exactly what --jobs 1 prints", "[explain]") {
  // generated cases (full and partial) and a bad line, through 1 and 3 workers
  auto gen = pp::test::run("generate --count 40 --seed 11 --unknown-rate 0.1");
  REQUIRE(gen.exit_code == 0);
  std::string input = gen.out + "{\"pain\": {\"duration_weeks\": -1}}\n" + gen.out.substr(0, gen.out.find('\n') + 1);
  std::string path = pp::test::temp_path("jobs.jsonl");
  pp::test::spit(path, input);
  auto one = pp::test::run("explain --batch " + path + " --jobs 1 --max 3");
  auto three = pp::test::run("explain --batch " + path + " --jobs 3 --max 3");
  CHECK(one.exit_code == 2);
  CHECK(three.exit_code == 2);
  CHECK(pp::test::count_lines(one.out) == 42);
  CHECK(one.out == three.out);
  CHECK(one.err == three.err);
  CHECK(pp::test::count_lines(one.err) == 1);
  std::remove(path.c_str());
}

TEST_CASE("explain: usage errors exit 2 with one line", "[explain]") {
  auto r = pp::test::run("explain");
  CHECK(r.exit_code == 2);
  CHECK(pp::test::count_lines(r.err) == 1);
  r = pp::test::run("explain --format yaml tests/golden/explain/active-infection.case.json");
  CHECK(r.exit_code == 2);
  r = pp::test::run("explain --keep pain.duration tests/golden/explain/active-infection.case.json");
  CHECK(r.exit_code == 2);
  CHECK(r.err.find("unknown fact path") != std::string::npos);
  CHECK(pp::test::count_lines(r.err) == 1);
  r = pp::test::run("explain no-such-file.json");
  CHECK(r.exit_code == 2);
  r = pp::test::run("explain --batch x.jsonl tests/golden/explain/active-infection.case.json");
  CHECK(r.exit_code == 2);
}

TEST_CASE("explain --keep holds a fact, and --max caps the list", "[explain]") {
  auto r = pp::test::run("explain --format json --keep osteoporosis_program_enrolled --keep purpose.facilitate_fusion "
                         "tests/golden/explain/osteoporotic-no-program.case.json");
  REQUIRE(r.exit_code == 0);
  json e = json::parse(r.out);
  for (const auto& k : e["corrections"]) {
    CHECK(k["actionable"] == false);  // with both held, only hypothetical changes remain
    for (const auto& ch : k["changes"]) CHECK(ch["fact"] != "osteoporosis_program_enrolled");
  }
  r = pp::test::run("explain --format json --max 1 tests/golden/explain/osteoporotic-no-program.case.json");
  REQUIRE(r.exit_code == 0);
  e = json::parse(r.out);
  CHECK(e["corrections"].size() == 1);
  CHECK(e["complete"] == false);
}
