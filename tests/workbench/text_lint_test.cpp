// The text against the encoding (model/text_lint.h, `lint`, `analyze`): the
// bundled policy is clean; an analyst's edits that make the encoding drift
// from its text are each flagged, with the quote and the condition.
#include <catch2/catch.hpp>
#include <filesystem>

#include "model/text_lint.h"
#include "support/run.h"
#include "workbench/support.h"

using pp::model::LintSeverity;
using pp::model::TextLint;

namespace {

TextLint lint(const std::string& text) { return pp::model::lint_policy_text(*pp::test::load_text(text), ""); }

const pp::model::TextFinding* find(const TextLint& l, const std::string& kind, const std::string& criterion) {
  for (const auto& f : l.findings)
    if (f.kind == kind && f.criterion == criterion) return &f;
  return nullptr;
}

std::string all_messages(const TextLint& l) {
  std::string s;
  for (const auto& f : l.findings) s += f.kind + ": " + f.message + "\n";
  return s;
}

}  // namespace

TEST_CASE("the bundled policy's text and encoding agree", "[lint]") {
  TextLint l = pp::model::lint_policy_text(*pp::model::load_bundled_policy(), "");
  INFO(all_messages(l));
  CHECK(l.findings.empty());
  CHECK(l.source_note.find("bundled") != std::string::npos);
}

TEST_CASE("the acute off-by-one is an error showing the quote and the condition", "[lint]") {
  std::string text = pp::test::edit(pp::test::bundled_policy_text(), "when: pain.duration_weeks <= 6", "when: pain.duration_weeks < 6");
  TextLint l = lint(text);
  INFO(all_messages(l));
  REQUIRE(l.findings.size() == 1);
  const auto* f = find(l, "text_number", "IN.NM.acute.duration");
  REQUIRE(f);
  CHECK(f->severity == LintSeverity::Error);
  CHECK(f->quote == "0-6 weeks");
  CHECK(f->condition == "pain.duration_weeks < 6");
  CHECK(f->message.find("\"0-6 weeks\"") != std::string::npos);
  CHECK(f->message.find("`pain.duration_weeks < 6`") != std::string::npos);
  CHECK(f->line > 0);

  // The same through the CLI: lint and analyze both exit 1 and show both.
  std::string dir = pp::test::temp_path("lintdir");
  std::filesystem::create_directories(dir);
  pp::test::spit(dir + "/cmm-607.yaml", text);
  auto r = pp::test::run("lint --policy " + dir + "/cmm-607.yaml");
  CHECK(r.exit_code == 1);
  CHECK(r.out.find("\"0-6 weeks\"") != std::string::npos);
  CHECK(r.out.find("pain.duration_weeks < 6") != std::string::npos);
  auto a = pp::test::run("analyze --format json --policy " + dir + "/cmm-607.yaml");
  CHECK(a.exit_code == 1);
  CHECK(a.out.find("\"kind\":\"text_number\",\"severity\":\"error\",\"criteria\":[\"IN.NM.acute.duration\"]") !=
        std::string::npos);
  std::filesystem::remove_all(dir);
}

TEST_CASE("numbers, boundary words and ranges are checked against the condition", "[lint]") {
  struct Edit { const char* from; const char* to; const char* kind; const char* criterion; };
  const Edit edits[] = {
      {"when: pain.duration_weeks <= 6", "when: pain.duration_weeks <= 7", "text_number", "IN.NM.acute.duration"},
      {"when: pain.duration_weeks <= 6", "when: pain.duration_weeks >= 6", "text_number", "IN.NM.acute.duration"},
      {"when: pain.duration_weeks > 6", "when: pain.duration_weeks >= 6", "text_number", "IN.NM.subacute.duration"},
      {"when: pain.duration_weeks > 6", "when: pain.duration_weeks > 5", "text_number", "IN.NM.subacute.duration"},
      {"analgesic_weeks >= 4", "analgesic_weeks > 4", "text_number", "IN.NM.subacute.analgesics"},
      {"exercise_weeks >= 4", "exercise_weeks >= 3", "text_number", "IN.NM.subacute.exercise"},
      {"when: pain.duration_weeks > 26", "when: pain.duration_weeks >= 26", "text_number", "NI.chronic_pain"},
      {"when: pain.duration_weeks > 26", "when: pain.duration_weeks > 27", "text_number", "NI.chronic_pain"},
      {"when: pain.duration_weeks > 26", "when: pain.duration_weeks < 26", "text_number", "NI.chronic_pain"},
      {"when: count request.levels <= 2 and", "when: count request.levels < 2 and", "text_number", "IN.ASP.levels"},
      {"when: count request.levels <= 2 and", "when: count request.levels <= 3 and", "text_number", "IN.ASP.levels"},
      {"all request.levels in {T5..L5}", "all request.levels in {T6..L5}", "text_range", "IN.ASP.levels"},
      {"all request.levels in {T5..L5}", "all request.levels in {T4..L5}", "text_range", "IN.ASP.levels"},
      {"any request.levels in {T1..T4}", "any request.levels in {T1..T3}", "text_range", "NI.upper_thoracic"},
      {"\"vertebral body stenting\"", "\"vertebral stenting\"", "text_verbatim", "NI.stenting"},
      {"all: [IN.NM.concordant, IN.NM.findings, IN.NM.levels, IN.NM.pain,", "all: [IN.NM.concordant, IN.NM.findings, IN.NM.levels,",
       "unused", "IN.NM.pain"},
  };
  for (const auto& e : edits) {
    INFO(e.from << " -> " << e.to);
    TextLint l = lint(pp::test::edit(pp::test::bundled_policy_text(), e.from, e.to));
    INFO(all_messages(l));
    const auto* f = find(l, e.kind, e.criterion);
    REQUIRE(f);
    CHECK(f->severity == LintSeverity::Error);
  }
}

TEST_CASE("the calendar and four-week readings of six months agree with \">6 months\"", "[lint]") {
  for (const char* c : {"> 26", "> 24"}) {
    TextLint l = lint(pp::test::edit(pp::test::bundled_policy_text(), "when: pain.duration_weeks > 26.0892857142857",
                                     std::string("when: pain.duration_weeks ") + c));
    INFO(all_messages(l));
    CHECK(l.findings.empty());
  }
}

TEST_CASE("a criterion bullet of the source that no criterion encodes is named", "[lint]") {
  std::string text = pp::test::bundled_policy_text();
  auto from = text.find("  - id: CI.cardiopulmonary");
  auto to = text.find("\n\n", from);
  REQUIRE(from != std::string::npos);
  text.erase(from, to - from);
  TextLint l = lint(text);
  INFO(all_messages(l));
  REQUIRE(l.findings.size() == 1);
  CHECK(l.findings[0].kind == "text_unencoded");
  CHECK(l.findings[0].quote == "severe cardiopulmonary disease");
  CHECK(l.findings[0].message.find("cmm-607-2026.md:183") != std::string::npos);
}

TEST_CASE("a bullet partly encoded is not encoded", "[lint]") {
  // "uncorrected coagulation disorders or anticoagulation therapy" is two criteria
  std::string text = pp::test::bundled_policy_text();
  auto from = text.find("  - id: CI.anticoagulation");
  auto to = text.find("\n\n", from);
  text.erase(from, to - from);
  TextLint l = lint(text);
  INFO(all_messages(l));
  CHECK(l.findings.size() == 1);
  CHECK(l.count(LintSeverity::Warning) == 1);
}

TEST_CASE("a policy naming no source text gets one info line, and its numbers are still checked", "[lint]") {
  auto r = pp::test::run("lint --format json --policy " + std::string(PP_SOURCE_DIR) + "/tests/policies/demo-bvn-ablation.yaml");
  CHECK(r.exit_code == 0);
  CHECK(r.out.find("\"kind\":\"text_no_source\",\"severity\":\"info\"") != std::string::npos);
  CHECK(r.out.find("\"error\":0") != std::string::npos);
}

TEST_CASE("lint text output keeps every line under 100 columns", "[lint]") {
  auto r = pp::test::run("lint --policy " + std::string(PP_SOURCE_DIR) + "/tests/policies/cmm-607-three-levels.yaml");
  CHECK(r.exit_code == 1);
  std::istringstream in(r.out);
  std::string line;
  while (std::getline(in, line)) {
    INFO(line);
    CHECK(line.size() < 100);
  }
}
