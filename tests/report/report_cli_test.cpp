// `policyproof report` inputs: bad ones are one-line errors (exit 2) with
// nothing written; with --policy the source text is read beside the policy.
#include <catch2/catch.hpp>
#include <filesystem>

#include "model/embedded_files.h"
#include "report/page.h"
#include "support/generated_policies.h"
#include "support/run.h"

namespace fs = std::filesystem;

TEST_CASE("report: bad inputs are one-line errors, exit 2, and nothing is written") {
  std::string dir = pp::test::temp_path("bad-report");
  SECTION("a case file that does not exist") {
    auto r = pp::test::run("report --output " + dir + " --case /nonexistent/case.json");
    CHECK(r.exit_code == 2);
    CHECK(pp::test::count_lines(r.err) == 1);
    CHECK(r.err.find("/nonexistent/case.json") != std::string::npos);
    CHECK(!fs::exists(dir + "/index.html"));
  }
  SECTION("a bad case") {
    std::string bad = pp::test::temp_path("bad.json");
    pp::test::spit(bad, R"({"request": {"levels": ["T13"]}})");
    auto r = pp::test::run("report --output " + dir + " --case " + bad);
    CHECK(r.exit_code == 2);
    CHECK(pp::test::count_lines(r.err) == 1);
    CHECK(r.err.find("request.levels[0]") != std::string::npos);
    CHECK(!fs::exists(dir + "/index.html"));
    fs::remove(bad);
  }
  SECTION("an output that is a file") {
    std::string file = pp::test::temp_path("a-file");
    pp::test::spit(file, "x");
    auto r = pp::test::run("report --output " + file);
    CHECK(r.exit_code == 2);
    CHECK(pp::test::count_lines(r.err) == 1);
    CHECK(r.err.find("not a directory") != std::string::npos);
    fs::remove(file);
  }
  SECTION("no --output") {
    auto r = pp::test::run("report");
    CHECK(r.exit_code == 2);
  }
  fs::remove_all(dir);
}

TEST_CASE("report --policy: the source text beside the policy file is the one traced") {
  std::string dir = pp::test::temp_path("policy-dir");
  fs::create_directories(dir);
  for (const char* name : {"cmm-607.yaml", "vertebral-augmentation.facts.yaml", "cmm-607.properties.yaml"})
    pp::test::spit(dir + "/" + name, std::string(*pp::model::embedded_file(name)));
  // A source text with one criterion bullet that the model does not encode.
  std::string src(*pp::model::embedded_file("cmm-607-2026.md"));
  const std::string anchor = "  - vertebral body stenting\n";
  size_t at = src.find(anchor);
  REQUIRE(at != std::string::npos);
  src.insert(at + anchor.size(), "  - vertebral augmentation on a full moon\n");
  pp::test::spit(dir + "/cmm-607-2026.md", src);
  std::string out = pp::test::temp_path("policy-report");
  auto r = pp::test::run("report --quiet --output " + out + " --policy " + dir + "/cmm-607.yaml");
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  CHECK(r.out.empty());
  std::string html = pp::test::slurp(out + "/index.html");
  std::string text = pp::test::visible_text(html);
  CHECK(text.find(dir + "/cmm-607-2026.md") != std::string::npos);  // where the text came from
  CHECK(text.find("vertebral augmentation on a full moon") != std::string::npos);
  CHECK(text.find("Error: no criterion encodes this criterion bullet") != std::string::npos);
  CHECK(html.find("class=\"blk cov-uncovered") != std::string::npos);
  fs::remove_all(dir);
  fs::remove_all(out);
}

TEST_CASE("report with no case and no source text beside a policy still writes a page") {
  std::string dir = pp::test::temp_path("nosrc-dir");
  fs::create_directories(dir);
  std::string yaml(*pp::model::embedded_file("cmm-607.yaml"));
  size_t at = yaml.find("source: cmm-607-2026.md");
  REQUIRE(at != std::string::npos);
  yaml.replace(at, std::string("source: cmm-607-2026.md").size(), "source: nowhere.md");
  pp::test::spit(dir + "/cmm-607.yaml", yaml);
  pp::test::spit(dir + "/vertebral-augmentation.facts.yaml", std::string(*pp::model::embedded_file("vertebral-augmentation.facts.yaml")));
  pp::test::spit(dir + "/cmm-607.properties.yaml", std::string(*pp::model::embedded_file("cmm-607.properties.yaml")));
  std::string out = pp::test::temp_path("nosrc-report");
  auto r = pp::test::run("report --output " + out + " --policy " + dir + "/cmm-607.yaml");
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  CHECK(r.out.find("not in the report") != std::string::npos);
  std::string text = pp::test::visible_text(pp::test::slurp(out + "/index.html"));
  CHECK(text.find("The policy text is not available") != std::string::npos);
  CHECK(text.find("IN.NM.levels") != std::string::npos);
  fs::remove_all(dir);
  fs::remove_all(out);
}

TEST_CASE("report of a policy without properties and with a pathway too wide to draw at the page's width") {
  // 200 conditions under one pathway: its view is not drawn inline (the page
  // says so and links the full graph; drawing it took Graphviz minutes at
  // 1,000), and with no properties file the section says none was found.
  std::string dir = pp::test::temp_path("wide-dir");
  fs::create_directories(dir);
  fs::copy_file(std::string(PP_SOURCE_DIR) + "/tests/policies/demo-bvn-ablation.facts.yaml",
                dir + "/demo-bvn-ablation.facts.yaml");
  pp::test::spit(dir + "/wide.yaml", pp::test::wide_policy(PP_SOURCE_DIR, 200));
  std::string out = pp::test::temp_path("wide-report");
  auto r = pp::test::run("report -q --rlimit 2000000 --output " + out + " --policy " + dir + "/wide.yaml");
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  std::string text = pp::test::visible_text(pp::test::slurp(out + "/index.html"));
  CHECK(text.find("Not drawn here") != std::string::npos);
  CHECK(text.find("No properties file was found") != std::string::npos);
  CHECK(fs::exists(out + "/decision-graph.svg"));
  fs::remove_all(dir);
  fs::remove_all(out);
}
