// Traceability between the policy text and the model (reports layer), on the
// bundled CMM-607 text and on altered copies of it.
#include <catch2/catch.hpp>
#include <cmath>
#include <regex>

#include "model/embedded_files.h"
#include "model/policy.h"
#include "report/page.h"
#include "reports/report_style.h"
#include "reports/source_document.h"
#include "reports/traceability.h"
#include "support/shared.h"

using namespace pp::reports;

namespace {

std::string bundled_source() {
  auto s = pp::model::embedded_file("cmm-607-2026.md");
  REQUIRE(s);
  return std::string(*s);
}

// The blocks where criterion `id`'s sentence stands.
std::vector<const Block*> where(const SourceDocument& doc, const Traceability& t, const pp::model::Policy& p,
                                const std::string& id) {
  std::vector<const Block*> out;
  for (auto [part, block] : t.criteria[static_cast<size_t>(p.find_criterion(id))].found_at)
    out.push_back(&doc.parts[static_cast<size_t>(part)].blocks[static_cast<size_t>(block)]);
  return out;
}

bool under(const Block& b, const std::string& heading) {
  return std::find(b.headings.begin(), b.headings.end(), heading) != b.headings.end();
}

}  // namespace

TEST_CASE("the bundled source text is the shared policy text") {
  std::string shared = pp::test::shared_path("source/cmm-607-2026.md", "nothing to compare the bundled copy with");
  if (shared.empty()) return;
  CHECK(bundled_source() == pp::test::slurp(shared));
}

TEST_CASE("parts: one per policy section, then the references, and page furniture recognised") {
  auto p = pp::model::load_bundled_policy();
  SourceDocument doc = parse_source_document(bundled_source(), *p, "cmm-607-2026.md");
  std::vector<std::string> sections;
  for (const auto& part : doc.parts) sections.push_back(part.section);
  CHECK(sections == std::vector<std::string>{"", "CMM.SP.GG.607.1", "CMM.SP.IN.607.2", "CMM.SP.NI.607.3", "CMM.SP.PC.607", ""});
  CHECK(doc.parts.back().references);
  int refs = 0;
  for (const auto& b : doc.parts.back().blocks) refs += b.kind == BlockKind::Numbered;
  CHECK(refs == 84);
  // Running headers and the per-section page tables are furniture, not text.
  for (const auto& part : doc.parts)
    for (const auto& b : part.blocks) {
      if (b.kind == BlockKind::Furniture) continue;
      INFO(b.plain());
      CHECK(b.plain() != "CMM-607: Primary Vertebral Augmentation and Sacroplasty");
      CHECK(b.plain() != "v1.0.2026");
      CHECK(b.plain().find(".....") == std::string::npos);
    }
}

TEST_CASE("inline markup: bold, superscript, links as text, escapes") {
  StyledText t = parse_inline("**Kiva<sup>®</sup> VCF** see [Cigna CPT code list](#) and <https://example.org/x> \\*");
  CHECK(t.text == "Kiva® VCF see Cigna CPT code list and https://example.org/x *");
  REQUIRE(t.style.size() == t.text.size());
  CHECK(t.style[0] == kBold);
  CHECK((t.style[4] & kSup) != 0);
  CHECK(t.style[t.text.size() - 1] == kPlain);
}

TEST_CASE("every criterion bullet is encoded and every criterion is found in the text") {
  auto p = pp::model::load_bundled_policy();
  SourceDocument doc = parse_source_document(bundled_source(), *p, "cmm-607-2026.md");
  Traceability t = trace(*p, doc);
  CHECK(t.uncovered_bullets == 0);
  CHECK(t.encoded_bullets >= 50);
  CHECK(t.criteria_not_found.empty());
  for (size_t i = 0; i < p->categories.size(); ++i) CHECK(!t.category_at[i].empty());
  CHECK(!t.decision_at.empty());
  CHECK(!t.default_denial_at.empty());
  for (size_t i = 0; i < p->definitions.size(); ++i) CHECK(!t.definition_at[i].empty());
  for (size_t i = 0; i < p->codes.size(); ++i) CHECK(!t.code_at[i].empty());
  for (size_t i = 0; i < p->ambiguities.size(); ++i) CHECK(!t.ambiguity_at[i].empty());
  // Definitions, instructions and the front matter are not criteria lists.
  for (size_t pi = 0; pi < doc.parts.size(); ++pi)
    for (size_t bi = 0; bi < doc.parts[pi].blocks.size(); ++bi)
      if (doc.parts[pi].section.empty() || doc.parts[pi].section == "CMM.SP.PC.607") CHECK(!t.blocks[pi][bi].criteria_list);
}

TEST_CASE("the same sentence in two pathways goes to the criterion of the pathway named above it") {
  auto p = pp::model::load_bundled_policy();
  SourceDocument doc = parse_source_document(bundled_source(), *p, "cmm-607-2026.md");
  Traceability t = trace(*p, doc);
  const std::pair<const char*, const char*> cases[] = {
      {"IN.MAL.concordant", "Malignant Conditions"}, {"IN.NM.concordant", "Non-Malignant Conditions"},
      {"IN.MAL.pain", "Malignant Conditions"},       {"IN.NM.pain", "Non-Malignant Conditions"},
      {"IN.ASP.levels", "Associated Surgical Procedure"}, {"IN.NM.levels", "Non-Malignant Conditions"}};
  for (auto [id, heading] : cases) {
    INFO(id);
    auto at = where(doc, t, *p, id);
    REQUIRE(at.size() == 1);
    CHECK(under(*at[0], heading));
  }
  // "EITHER of the following:" inside another criterion's sentence is a mention, not IN.NM.course.
  auto course = where(doc, t, *p, "IN.NM.course");
  REQUIRE(course.size() == 1);
  CHECK(course[0]->plain() == "EITHER of the following:");
  // A part of a sentence encoded on its own stands inside its parent's sentence.
  auto duration = where(doc, t, *p, "IN.NM.acute.duration");
  auto acute = where(doc, t, *p, "IN.NM.acute");
  REQUIRE(duration.size() == 1);
  REQUIRE(acute.size() == 1);
  CHECK(duration[0] == acute[0]);
}

TEST_CASE("owners: each criterion belongs to the pathway or exclusion above it") {
  auto p = pp::model::load_bundled_policy();
  auto s = criterion_structure(*p);
  auto owners = [&](const std::string& id) {
    std::vector<std::string> out;
    for (int o : s[static_cast<size_t>(p->find_criterion(id))].owners) out.push_back(p->criteria[static_cast<size_t>(o)].id);
    std::sort(out.begin(), out.end());
    return out;
  };
  CHECK(owners("IN.NM.subacute.exercise") == std::vector<std::string>{"IN.NM"});
  // NI.hemangioma reads @IN.MAL.findings (the hemangioma is the treated lesion
  // when no indicated finding stands beside it), so the finding serves both.
  CHECK(owners("IN.MAL.finding.primary_malignant") == std::vector<std::string>{"IN.MAL", "NI.hemangioma"});
  CHECK(owners("NI.chronic_pain.longstanding") == std::vector<std::string>{"NI.chronic_pain"});
  CHECK(owners("CI.osteomyelitis") == std::vector<std::string>{"CI.osteomyelitis"});
  // Through @references: the urgent waiver serves the non-malignant pathway.
  CHECK(owners("GG.urgent.waiver") == std::vector<std::string>{"IN.NM"});
  const auto& chain = s[static_cast<size_t>(p->find_criterion("IN.NM.subacute.exercise"))].chains[0];
  std::vector<std::string> ids;
  for (int c : chain) ids.push_back(p->criteria[static_cast<size_t>(c)].id);
  CHECK(ids == std::vector<std::string>{"IN.NM", "IN.NM.course", "IN.NM.subacute", "IN.NM.subacute.exercise"});
}

TEST_CASE("a criterion bullet no criterion encodes is an error, and so is a criterion missing from the text") {
  auto p = pp::model::load_bundled_policy();
  std::string src = bundled_source();
  // Add a contraindication the model does not know, and drop one it does.
  const std::string anchor = "- severe cardiopulmonary disease\n";
  size_t at = src.find(anchor);
  REQUIRE(at != std::string::npos);
  src.replace(at, anchor.size(), "- pregnancy of the reviewer's cat\n");
  SourceDocument doc = parse_source_document(src, *p, "altered.md");
  Traceability t = trace(*p, doc);
  CHECK(t.uncovered_bullets == 1);
  REQUIRE(t.criteria_not_found.size() == 1);
  CHECK(p->criteria[static_cast<size_t>(t.criteria_not_found[0])].id == "CI.cardiopulmonary");
  bool flagged = false;
  for (size_t pi = 0; pi < doc.parts.size(); ++pi)
    for (size_t bi = 0; bi < doc.parts[pi].blocks.size(); ++bi)
      if (t.blocks[pi][bi].coverage == Coverage::Uncovered) {
        flagged = true;
        CHECK(doc.parts[pi].blocks[bi].plain() == "pregnancy of the reviewer's cat");
      }
  CHECK(flagged);
}

namespace {

double luminance(const std::string& hex) {
  auto channel = [&](int i) {
    double c = std::stoi(hex.substr(1 + 2 * static_cast<size_t>(i), 2), nullptr, 16) / 255.0;
    return c <= 0.03928 ? c / 12.92 : std::pow((c + 0.055) / 1.055, 2.4);
  };
  return 0.2126 * channel(0) + 0.7152 * channel(1) + 0.0722 * channel(2);
}

double contrast(const std::string& a, const std::string& b) {
  double x = luminance(a), y = luminance(b);
  return (std::max(x, y) + 0.05) / (std::min(x, y) + 0.05);
}

}  // namespace

TEST_CASE("stylesheet colours: text has at least 4.5:1 contrast on its background (WCAG AA)") {
  std::string css(report_stylesheet());
  std::map<std::string, std::string> var;
  std::regex decl("--([a-z-]+):\\s*(#[0-9a-fA-F]{6})");
  for (auto it = std::sregex_iterator(css.begin(), css.end(), decl); it != std::sregex_iterator(); ++it)
    var[(*it)[1]] = (*it)[2];
  const std::pair<const char*, const char*> pairs[] = {
      {"text", "#ffffff"}, {"muted", "#ffffff"}, {"accent", "#ffffff"}, {"text", "enc-bg"},
      {"ok-fg", "ok-bg"},  {"bad-fg", "bad-bg"}, {"warn-fg", "warn-bg"}, {"info-fg", "info-bg"}};
  for (auto [fg, bg] : pairs) {
    std::string f = var.count(fg) ? var[fg] : fg, b = var.count(bg) ? var[bg] : bg;
    INFO(fg << " " << f << " on " << bg << " " << b);
    REQUIRE(f.size() == 7);
    REQUIRE(b.size() == 7);
    CHECK(contrast(f, b) >= 4.5);
  }
}
