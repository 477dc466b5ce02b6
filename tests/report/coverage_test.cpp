// `policyproof report --coverage CORPUS.jsonl`: the section shows what
// `policyproof coverage --format json` computes for the same corpus (per
// criterion, in policy order, traced to its sentence; the MC/DC pairs; the
// criteria never exercised, highlighted), and a bad corpus is the same
// one-line error, exit 2, as `coverage` gives, with nothing written.
#include <catch2/catch.hpp>
#include <filesystem>
#include <regex>

#include <nlohmann/json.hpp>

#include "model/policy.h"
#include "reports/html.h"
#include "report/page.h"
#include "support/run.h"

namespace fs = std::filesystem;

namespace {

const std::string kCorpus = std::string(PP_SOURCE_DIR) + "/tests/report/cases/corpus.jsonl";

// The HTML of the table row with id `id` (empty when there is none).
std::string row(const std::string& html, const std::string& id) {
  size_t at = html.find("<tr id=\"" + id + "\"");
  if (at == std::string::npos) return {};
  return html.substr(at, html.find("</tr>", at) - at);
}

// The numbers of the row's `<td class="num">` cells, in order.
std::vector<int> numbers(const std::string& r) {
  std::vector<int> out;
  std::regex num("<td class=\"num(?: zero)?\">([0-9]+)</td>");
  for (auto it = std::sregex_iterator(r.begin(), r.end(), num); it != std::sregex_iterator(); ++it)
    out.push_back(std::stoi((*it)[1].str()));
  return out;
}

// The big number of the summary card with id `id` ("21/64").
std::string card(const std::string& html, const std::string& id) {
  size_t at = html.find("id=\"" + id + "\"");
  if (at == std::string::npos) return {};
  size_t b = html.find("<p class=\"num\">", at);
  if (b == std::string::npos) return {};
  b += 15;
  return html.substr(b, html.find('<', b) - b);
}

}  // namespace

TEST_CASE("report --coverage: the section holds the numbers of `coverage --format json` for the same corpus") {
  std::string dir = pp::test::temp_path("coverage-report");
  auto made = pp::test::run("report --quiet --output " + dir + " --coverage " + kCorpus);
  INFO(made.err);
  REQUIRE(made.exit_code == 0);
  const std::string html = pp::test::slurp(dir + "/index.html");
  auto printed = pp::test::run("coverage --format json " + kCorpus);
  REQUIRE(printed.exit_code == 0);
  const auto j = nlohmann::json::parse(printed.out);
  auto policy = pp::model::load_bundled_policy();

  REQUIRE(html.find("<section id=\"corpus-coverage\"") != std::string::npos);
  CHECK(html.find("<a href=\"#corpus-coverage\">") != std::string::npos);  // in the contents
  CHECK(html.find("corpus.jsonl") != std::string::npos);                    // names the corpus
  // The corpus is interesting: some pairs, some criteria never met, never decisive.
  REQUIRE(j["cases"] == 6);
  REQUIRE(j["summary"]["pairs"].get<int>() >= 3);
  REQUIRE(j["summary"]["decisive"].get<int>() < 64);

  SECTION("per criterion, in policy order, each traced to its sentence") {
    REQUIRE(j["criteria"].size() == policy->criteria.size());
    size_t last = 0;
    int untouched = 0;
    for (size_t k = 0; k < policy->criteria.size(); ++k) {
      const auto& c = policy->criteria[k];
      const auto& jc = j["criteria"][k];
      INFO(c.id);
      REQUIRE(jc["id"] == c.id);
      std::string r = row(html, "cov-" + c.id);
      REQUIRE(!r.empty());
      size_t at = html.find("<tr id=\"cov-" + c.id + "\"");
      CHECK(at > last);  // policy order
      last = at;
      CHECK(numbers(r) == std::vector<int>{jc["met"], jc["not_met"], jc["unknown"], jc["decisive"]});
      CHECK(r.find("<a href=\"#" + c.id + "\">") != std::string::npos);  // to its entry
      CHECK(r.find(pp::reports::escape(c.text)) != std::string::npos);  // its sentence
      CHECK(r.find("href=\"#src-L") != std::string::npos);                     // where it stands in the text
      bool never = jc["met"] == 0 && jc["not_met"] == 0;
      untouched += never;
      CHECK((r.find("class=\"untouched\"") != std::string::npos) == never);
      CHECK((r.find("never exercised") != std::string::npos) == never);
      if (!never) {
        CHECK((r.find(">never met<") != std::string::npos) == (jc["met"] == 0));
        CHECK((r.find(">never not met<") != std::string::npos) == (jc["not_met"] == 0));
        CHECK((r.find(">never decisive<") != std::string::npos) == (jc["decisive"] == 0));
      }
    }
    // The criteria never exercised are listed above the table.
    if (untouched == 0) CHECK(html.find("Every criterion was met or not met in some case.") != std::string::npos);
    else CHECK(html.find(std::to_string(untouched) + " criteri") != std::string::npos);
  }

  SECTION("valid HTML (tidy) and well-formed (xmllint) with the section") {
    std::string file = dir + "/index.html";
    std::string log = pp::test::temp_path("coverage-tidy.log");
    int tidy = std::system(("tidy -e -q " + file + " >" + log + " 2>&1").c_str());
    INFO(pp::test::slurp(log));
    CHECK(WEXITSTATUS(tidy) == 0);
    int xml = std::system(("xmllint --noout " + file + " >" + log + " 2>&1").c_str());
    INFO(pp::test::slurp(log));
    CHECK(WEXITSTATUS(xml) == 0);
    fs::remove(log);
  }

  SECTION("the summary cards and the MC/DC pairs") {
    const auto& s = j["summary"];
    auto of = [](const nlohmann::json& a, const nlohmann::json& b) { return std::to_string(a.get<int>()) + "/" + std::to_string(b.get<int>()); };
    CHECK(card(html, "coverage-met") == of(s["met"], s["criteria"]));
    CHECK(card(html, "coverage-not-met") == of(s["not_met"], s["criteria"]));
    CHECK(card(html, "coverage-decisive") == of(s["decisive"], s["criteria"]));
    CHECK(card(html, "coverage-pairs") == of(s["pairs"], s["conditions"]));
    CHECK(html.find("MC/DC pairs: " + std::to_string(s["pairs"].get<int>()) + " of " +
                    std::to_string(s["conditions"].get<int>()) + " conditions") != std::string::npos);
    // Each pair's two cases, by label, in the condition's row; "no pair" in the others.
    std::string mcdc = html.substr(html.find("id=\"coverage-mcdc\""));
    size_t no_pair = 0;
    for (const auto& c : j["conditions"]) {
      std::string id = c["id"];
      size_t at = mcdc.find("<code>" + id + "</code>");
      INFO(id);
      REQUIRE(at != std::string::npos);
      std::string r = mcdc.substr(at, mcdc.find("</tr>", at) - at);
      if (c["pair"].is_null()) {
        ++no_pair;
        CHECK(r.find("no pair") != std::string::npos);
      } else {
        CHECK(r.find("<code>" + c["pair"][0].get<std::string>() + "</code>, <code>" + c["pair"][1].get<std::string>() + "</code>") !=
              std::string::npos);
      }
      CHECK(numbers(r) == std::vector<int>{c["true"], c["false"]});
    }
    CHECK(no_pair == j["conditions"].size() - s["pairs"].get<size_t>());
  }
  fs::remove_all(dir);
}

TEST_CASE("report --coverage: criteria no case met or failed are highlighted as never exercised") {
  // One case that knows nothing: every criterion it reads is unknown.
  std::string dir = pp::test::temp_path("untouched-report");
  std::string corpus = pp::test::temp_path("unknown.jsonl");
  pp::test::spit(corpus, "{\"case_id\": \"knows-nothing\"}\n");
  auto made = pp::test::run("report --quiet --output " + dir + " --coverage " + corpus);
  REQUIRE(made.exit_code == 0);
  const std::string html = pp::test::slurp(dir + "/index.html");
  const auto j = nlohmann::json::parse(pp::test::run("coverage --format json " + corpus).out);
  int untouched = 0;
  for (const auto& jc : j["criteria"]) {
    std::string r = row(html, "cov-" + jc["id"].get<std::string>());
    INFO(jc["id"]);
    bool never = jc["met"] == 0 && jc["not_met"] == 0;
    untouched += never;
    CHECK((r.find("class=\"untouched\"") != std::string::npos) == never);
  }
  CHECK(untouched > 10);
  // Listed above the table, each linked to its entry.
  size_t list = html.find("<p class=\"untouched\"><strong>" + std::to_string(untouched) + " criteria neither met nor not met");
  REQUIRE(list != std::string::npos);
  std::string listed = html.substr(list, html.find("</p>", list) - list);
  CHECK(std::count(listed.begin(), listed.end(), '<') >= 2 * untouched);
  fs::remove_all(dir);
  fs::remove(corpus);
}

TEST_CASE("report without --coverage has no coverage section") {
  std::string dir = pp::test::temp_path("no-coverage-report");
  auto made = pp::test::run("report --quiet --output " + dir);
  REQUIRE(made.exit_code == 0);
  std::string html = pp::test::slurp(dir + "/index.html");
  CHECK(html.find("corpus-coverage") == std::string::npos);
  fs::remove_all(dir);
}

TEST_CASE("report --coverage: a bad corpus is the one-line error `coverage` gives, exit 2, nothing written") {
  std::string dir = pp::test::temp_path("bad-coverage-report");
  std::string bad = pp::test::temp_path("bad-corpus.jsonl");
  SECTION("a bad value on line 2") {
    pp::test::spit(bad, "{\"case_id\": \"a\"}\n{\"request\": {\"levels\": [\"T13\"]}}\n");
  }
  SECTION("malformed JSON") {
    pp::test::spit(bad, "{\"case_id\": \"a\"}\n{\"case_id\": \n");
  }
  SECTION("a file that does not exist") {
    bad = "/nonexistent/corpus.jsonl";
  }
  auto expected = pp::test::run("coverage " + bad);
  REQUIRE(expected.exit_code == 2);
  auto r = pp::test::run("report --output " + dir + " --coverage " + bad);
  CHECK(r.exit_code == 2);
  CHECK(pp::test::count_lines(r.err) == 1);
  CHECK(r.err == expected.err);
  CHECK(r.out.empty());
  CHECK(!fs::exists(dir));
  if (bad.rfind("/nonexistent", 0) != 0) fs::remove(bad);
}
