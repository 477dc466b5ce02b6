// The report page's writer (reports layer; internal to reports/): one
// PageWriter appends the page section by section. Its sections live in one
// file each: html_writer.cpp (the frame: head, masthead, contents),
// page_summary.cpp (summary, decision graph), page_criteria.cpp,
// page_policy_text.cpp, page_checks.cpp (ambiguities, properties, findings),
// page_cases.cpp, page_coverage.cpp (a corpus's coverage), page_reference.cpp
// (definitions, codes, facts). Anchors
// reuse the policy's ids.
#pragma once
#include <algorithm>
#include <cctype>
#include <map>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include <fmt/format.h>

#include "explain/explanation_writer.h"
#include "model/case_writer.h"
#include "model/evaluator.h"
#include "reports/html.h"
#include "reports/report_data.h"
#include "reports/svg_inline.h"

namespace pp::reports::page {

using model::Combinator;
using model::CriterionKind;
using model::Decision;

// ---------------------------------------------------------------- anchors and names

inline std::string slug(std::string_view s) {
  std::string out;
  for (unsigned char c : s) {
    if (std::isalnum(c)) out += static_cast<char>(std::tolower(c));
    else if (!out.empty() && out.back() != '-') out += '-';
  }
  while (!out.empty() && out.back() == '-') out.pop_back();
  return out;
}

inline std::string block_anchor(const Block& b) { return "src-L" + std::to_string(b.line); }
inline std::string part_anchor(const Part& p, size_t index) {
  return p.section.empty() ? "text-part-" + std::to_string(index + 1) : "text-" + p.section;
}
inline std::string definition_anchor(const model::Definition& d) { return "def-" + slug(d.term); }
inline std::string code_anchor(const model::Code& c) { return "code-" + c.code; }
inline std::string fact_anchor(const std::string& path) { return "fact-" + path; }
inline std::string property_anchor(const model::Property& p) { return "property-" + p.id; }
inline std::string finding_anchor(size_t i) { return "finding-" + std::to_string(i + 1); }
inline std::string case_anchor(size_t i) { return "case-" + std::to_string(i + 1); }
inline std::string category_anchor(const std::string& id) { return "cat-" + id; }

inline const char* decision_label(Decision d) {
  switch (d) {
    case Decision::MedicallyNecessary: return "medically necessary";
    case Decision::NotMedicallyNecessary: return "not medically necessary";
    case Decision::Undetermined: return "undetermined";
    case Decision::OutOfScope: return "out of the policy's scope";
  }
  return "?";
}
inline const char* decision_class(Decision d) {
  switch (d) {
    case Decision::MedicallyNecessary: return "ok";
    case Decision::NotMedicallyNecessary: return "bad";
    case Decision::Undetermined: return "warn";
    case Decision::OutOfScope: return "warn";
  }
  return "";
}
// Where a graph node's link goes: the criterion's entry, the decision rule, or
// an exclusion category.
inline std::string node_target(const model::Policy& p, std::string_view id) {
  if (p.find_criterion(id) >= 0) return std::string(id);
  if (id == "decision" || id == "any_pathway" || id == "no_exclusion") return "decision-rule";
  constexpr std::string_view group = "exclusions.";
  if (id.substr(0, group.size()) == group) return category_anchor(std::string(id.substr(group.size())));
  return "";
}
inline const char* tri_label(model::Tri t) {
  return t == model::Tri::True ? "met" : t == model::Tri::False ? "not met" : "unknown";
}
inline const char* tri_class(model::Tri t) {
  return t == model::Tri::True ? "ok" : t == model::Tri::False ? "bad" : "warn";
}

class PageWriter {
 public:
  explicit PageWriter(const ReportData& d) : d_(d), p_(*d.policy) {}
  std::string run();

 private:
  // ------------------------------------------------------------ output
  void raw(std::string_view s) { out_.append(s); }
  void text(std::string_view s) { append_escaped(out_, s); }
  template <typename... Args>
  void f(fmt::format_string<Args...> fs, Args&&... args) {
    fmt::format_to(std::back_inserter(out_), fs, std::forward<Args>(args)...);
  }
  void badge(std::string_view cls, std::string_view label) {
    f("<span class=\"badge {}\">", cls);
    text(label);
    raw("</span>");
  }
  void crit_link(int i, bool with_title = false) {
    const auto& c = p_.criteria[static_cast<size_t>(i)];
    raw("<a href=\"#");
    text(c.id);
    raw("\"><code>");
    text(c.id);
    raw("</code></a>");
    if (with_title) {
      raw(" ");
      text(c.title);
    }
  }
  void crit_link(const std::string& id, bool with_title = false) {
    int i = p_.find_criterion(id);
    if (i >= 0) return crit_link(i, with_title);
    raw("<code>");
    text(id);
    raw("</code>");
  }
  void source_links(const std::vector<std::pair<int, int>>& at) {
    if (!d_.source) return;
    bool first = true;
    for (auto [part, block] : at) {
      const Block& b = d_.source->parts[static_cast<size_t>(part)].blocks[static_cast<size_t>(block)];
      if (!first) raw(", ");
      first = false;
      f("<a href=\"#{}\">line {}</a>", block_anchor(b), b.line);
    }
  }
  void case_json(const model::Case& c) {
    model::CaseWriteOptions o;
    o.pretty = true;
    raw("<pre class=\"json\"><code>");
    text(model::write_case_json(p_.vocab, c, o));
    raw("</code></pre>");
  }
  void expression(const std::string& src);
  void message(const std::string& msg);
  void styled_cell(const Block& b, const BlockTrace& bt, int cell);
  void target_link(const Target& t);
  std::string target_title(const Target& t) const;

  // ------------------------------------------------------------ sections
  void head();
  void masthead();
  void contents();
  void summary();
  void decision_graph();
  void inline_picture(const std::string& svg, const std::string& id_prefix, const std::string& label);
  void criteria();
  void criterion(int i);
  void policy_text();
  void part(size_t index);
  void block(const Block& b, const BlockTrace& bt, bool as_item);
  void ambiguities();
  void properties();
  void findings();
  void finding(size_t i, const solver::Finding& fd);
  void claims(const std::vector<solver::Claim>& cl);
  void cases();
  void one_case(size_t i, const CaseReport& cr);
  void corpus_coverage();
  void definitions();
  void facts();

  int count_coverage(Coverage c) const {
    int n = 0;
    for (const auto& part : d_.trace.blocks)
      for (const auto& bt : part) n += bt.coverage == c;
    return n;
  }

  const ReportData& d_;
  const model::Policy& p_;
  std::string out_;
};

}  // namespace pp::reports::page
