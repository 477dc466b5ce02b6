// Every criterion quotes the policy verbatim, and every criterion bullet of the
// policy text is encoded by some criterion (CMM-607 v1.0.2026).
#include <catch2/catch.hpp>
#include <cctype>
#include <set>

#include "model/embedded_files.h"
#include "model/policy.h"
#include "support/policy_text.h"
#include "support/run.h"

namespace {

std::string normalize(const std::string& s) { return pp::test::normalize_text(s); }

// The bundled copy of the policy text (tests/report checks that it is
// ../shared/source/cmm-607-2026.md when that is present).
std::string source() {
  auto s = pp::model::embedded_file("cmm-607-2026.md");
  REQUIRE(s);
  return std::string(*s);
}

// The bullets of the source between two headings.
std::vector<std::string> bullets(const std::string& src, const std::string& from, const std::string& to) {
  auto a = src.find(from);
  auto b = src.find(to, a);
  REQUIRE(a != std::string::npos);
  REQUIRE(b != std::string::npos);
  std::vector<std::string> out;
  std::istringstream in(src.substr(a, b - a));
  std::string line;
  while (std::getline(in, line)) {
    auto first = line.find_first_not_of(" \t");
    if (first == std::string::npos || line.compare(first, 2, "- ") != 0) continue;
    out.push_back(normalize(line.substr(first + 2)));
  }
  return out;
}

}  // namespace

TEST_CASE("every quoted wording occurs verbatim in the policy text") {
  auto p = pp::model::load_bundled_policy();
  std::string src = normalize(source());
  for (const auto& c : p->criteria) {
    INFO(c.id);
    CHECK(src.find(normalize(c.text)) != std::string::npos);
  }
  for (const auto& c : p->categories) {
    INFO(c.id);
    CHECK(src.find(normalize(c.text)) != std::string::npos);
  }
  CHECK(src.find(normalize(p->decision_text)) != std::string::npos);
  CHECK(src.find(normalize(p->default_denial_text)) != std::string::npos);
  for (const auto& code : p->codes) {
    INFO(code.code);
    CHECK(src.find(normalize(code.description)) != std::string::npos);
  }
  for (const auto& d : p->definitions) {
    INFO(d.term);
    CHECK(src.find(normalize(d.text)) != std::string::npos);
  }
  for (const auto& a : p->ambiguities) {
    INFO(a.id);
    CHECK(src.find(normalize(a.quote)) != std::string::npos);
  }
}

TEST_CASE("every criterion bullet of the urgent list, indications and non-indications is encoded") {
  auto p = pp::model::load_bundled_policy();
  std::string src = source();
  std::vector<std::string> all;
  for (auto part : {bullets(src, "## Urgent/Emergent Indications/Conditions", "## Definitions"),
                    bullets(src, "CMM.SP.IN.607.2", "# CMM-607.3: Non-Indications"),
                    bullets(src, "CMM.SP.NI.607.3", "# Codes (CMM-607)")})
    all.insert(all.end(), part.begin(), part.end());
  REQUIRE(all.size() >= 50);  // 4 urgent + 19 indications + 30 non-indications
  std::vector<std::string> texts;
  for (const auto& c : p->criteria) texts.push_back(normalize(c.text));
  for (const auto& c : p->categories) texts.push_back(normalize(c.text));
  texts.push_back(normalize(p->default_denial_text));
  for (const auto& b : all) {
    bool covered = false;
    for (const auto& t : texts)
      if (b.find(t) != std::string::npos || t.find(b) != std::string::npos) covered = true;
    INFO(b);
    CHECK(covered);
  }
}

TEST_CASE("the model has the policy's parts") {
  auto p = pp::model::load_bundled_policy();
  CHECK(p->id == "CMM-607");
  CHECK(p->version == "v1.0.2026");
  CHECK(p->pathways.size() == 3);
  int contraindications = 0, non_indications = 0, alternative = 0;
  for (int x : p->exclusions) {
    const auto& c = p->criteria[x];
    contraindications += c.category == "contraindication";
    non_indications += c.category == "non_indication";
    alternative += c.category == "alternative_cause";
  }
  CHECK(contraindications == 14);
  CHECK(non_indications == 9);
  CHECK(alternative == 3);
  std::set<std::string> codes;
  for (const auto& c : p->codes) codes.insert(c.code);
  CHECK(codes == std::set<std::string>{"22510", "22511", "22512", "22513", "22514", "22515", "0200T", "0201T"});
  CHECK(p->definitions.size() == 9);
  CHECK(p->ambiguities.size() >= 3);
  for (const auto& c : p->criteria) {
    INFO(c.id);
    CHECK(!c.section.empty());
    CHECK(!c.text.empty());
  }
  CHECK(p->sha256.size() == 64);
}
