#include "reports/html_writer.h"

#include <algorithm>
#include <cctype>
#include <map>
#include <set>

#include <fmt/format.h>

#include "explain/explanation_writer.h"
#include "model/case_writer.h"
#include "model/evaluator.h"
#include "reports/html.h"
#include "reports/svg_inline.h"

namespace pp::reports {

namespace {

using model::Combinator;
using model::CriterionKind;
using model::Decision;

// ---------------------------------------------------------------- anchors and names

std::string slug(std::string_view s) {
  std::string out;
  for (unsigned char c : s) {
    if (std::isalnum(c)) out += static_cast<char>(std::tolower(c));
    else if (!out.empty() && out.back() != '-') out += '-';
  }
  while (!out.empty() && out.back() == '-') out.pop_back();
  return out;
}

std::string block_anchor(const Block& b) { return "src-L" + std::to_string(b.line); }
std::string part_anchor(const Part& p, size_t index) {
  return p.section.empty() ? "text-part-" + std::to_string(index + 1) : "text-" + p.section;
}
std::string definition_anchor(const model::Definition& d) { return "def-" + slug(d.term); }
std::string code_anchor(const model::Code& c) { return "code-" + c.code; }
std::string fact_anchor(const std::string& path) { return "fact-" + path; }
std::string property_anchor(const model::Property& p) { return "property-" + p.id; }
std::string finding_anchor(size_t i) { return "finding-" + std::to_string(i + 1); }
std::string case_anchor(size_t i) { return "case-" + std::to_string(i + 1); }
std::string category_anchor(const std::string& id) { return "cat-" + id; }

const char* decision_label(Decision d) {
  switch (d) {
    case Decision::MedicallyNecessary: return "medically necessary";
    case Decision::NotMedicallyNecessary: return "not medically necessary";
    case Decision::Undetermined: return "undetermined";
    case Decision::OutOfScope: return "out of the policy's scope";
  }
  return "?";
}
const char* decision_class(Decision d) {
  switch (d) {
    case Decision::MedicallyNecessary: return "ok";
    case Decision::NotMedicallyNecessary: return "bad";
    case Decision::Undetermined: return "warn";
    case Decision::OutOfScope: return "warn";
  }
  return "";
}
const char* tri_label(model::Tri t) {
  return t == model::Tri::True ? "met" : t == model::Tri::False ? "not met" : "unknown";
}
const char* tri_class(model::Tri t) {
  return t == model::Tri::True ? "ok" : t == model::Tri::False ? "bad" : "warn";
}

class Writer {
 public:
  explicit Writer(const ReportData& d) : d_(d), p_(*d.policy) {}
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

// ---------------------------------------------------------------- the page

std::string Writer::run() {
  out_.reserve(1 << 20);
  raw("<!DOCTYPE html>\n<html lang=\"en\">\n");
  head();
  raw("<body>\n<a class=\"skip\" href=\"#main\">Skip to the report</a>\n");
  masthead();
  contents();
  raw("<main id=\"main\">\n");
  summary();
  decision_graph();
  criteria();
  policy_text();
  ambiguities();
  properties();
  findings();
  cases();
  definitions();
  facts();
  raw("</main>\n<footer class=\"footer\"><p>Written by ");
  text(d_.generator);
  raw(" from ");
  text(p_.file);
  raw(" (SHA-256 <code>");
  text(p_.sha256);
  raw("</code>). A static page: no script, nothing fetched from the network.</p></footer>\n</body>\n</html>\n");
  return std::move(out_);
}

void Writer::head() {
  raw("<head>\n<meta charset=\"utf-8\"/>\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"/>\n<title>");
  text(p_.id + " " + p_.version + ": " + p_.title + " (policyproof report)");
  raw("</title>\n<link rel=\"stylesheet\" href=\"style.css\"/>\n</head>\n");
}

void Writer::masthead() {
  raw("<header class=\"masthead\">\n<p class=\"kicker\">policyproof report</p>\n<h1>");
  text(p_.id + " " + p_.version + ": " + p_.title);
  raw("</h1>\n<dl class=\"meta\">\n");
  if (!p_.effective.empty()) {
    raw("<dt>Effective</dt><dd>");
    text(p_.effective);
    raw("</dd>\n");
  }
  raw("<dt>Policy model</dt><dd><code>");
  text(p_.file);
  raw("</code></dd>\n<dt>SHA-256</dt><dd><code class=\"hash\">");
  text(p_.sha256);
  raw("</code></dd>\n<dt>Policy text</dt><dd>");
  text(d_.source ? d_.source->file : std::string("not available"));
  if (!d_.source_note.empty()) {
    raw(" <span class=\"muted\">(");
    text(d_.source_note);
    raw(")</span>");
  }
  raw("</dd>\n</dl>\n</header>\n");
}

void Writer::contents() {
  raw("<nav class=\"toc\" aria-labelledby=\"contents\">\n<h2 id=\"contents\">Contents</h2>\n<ol>\n");
  const std::pair<const char*, const char*> items[] = {
      {"summary", "Summary"},
      {"graph", "Decision graph"},
      {"criteria", "Criteria, each traced to its policy sentence"},
      {"policy-text", "The policy text, traced to the criteria"},
      {"ambiguities", "Ambiguities and their readings"},
      {"properties", "Properties (prove)"},
      {"findings", "Analysis findings (analyze)"},
      {"cases", "Cases (explain)"},
      {"definitions", "Definitions and codes"},
      {"facts", "Fact vocabulary"},
  };
  for (auto [id, title] : items) f("<li><a href=\"#{}\">{}</a></li>\n", id, title);
  raw("</ol>\n</nav>\n");
}

// ---------------------------------------------------------------- summary

void Writer::summary() {
  raw("<section id=\"summary\" aria-labelledby=\"summary-h\">\n<h2 id=\"summary-h\">Summary</h2>\n<div class=\"cards\">\n");
  int pathways = static_cast<int>(p_.pathways.size()), exclusions = static_cast<int>(p_.exclusions.size());
  int conditions = static_cast<int>(p_.criteria.size()) - pathways - exclusions;
  f("<div class=\"card\"><p class=\"num\">{}</p><p>criteria: <a href=\"#criteria\">{} pathways, {} exclusions, {} conditions</a></p></div>\n",
    p_.criteria.size(), pathways, exclusions, conditions);
  if (d_.source) {
    int uncovered = d_.trace.uncovered_bullets;
    f("<div class=\"card {}\"><p class=\"num\">{}/{}</p><p>criterion bullets of the policy text encoded; "
      "<a href=\"#coverage\">{} not encoded</a>; {} criteria not found in the text</p></div>\n",
      uncovered || !d_.trace.criteria_not_found.empty() ? "bad" : "ok", d_.trace.encoded_bullets,
      d_.trace.encoded_bullets + uncovered, uncovered, d_.trace.criteria_not_found.size());
  } else {
    raw("<div class=\"card warn\"><p class=\"num\">&#8212;</p><p>policy text not available: criteria cannot be traced to it</p></div>\n");
  }
  int counts[3] = {0, 0, 0};
  for (const auto& o : d_.outcomes) counts[static_cast<int>(o.status)]++;
  f("<div class=\"card {}\"><p class=\"num\">{}/{}</p><p><a href=\"#properties\">properties proved</a>; {} violated, {} unknown</p></div>\n",
    counts[1] ? "bad" : counts[2] ? "warn" : "ok", counts[0], d_.outcomes.size(), counts[1], counts[2]);
  int errors = d_.analysis.count(solver::Severity::Error), warnings = d_.analysis.count(solver::Severity::Warning),
      infos = d_.analysis.count(solver::Severity::Info);
  f("<div class=\"card {}\"><p class=\"num\">{}</p><p><a href=\"#findings\">analysis findings</a>: {} errors, {} warnings, {} info</p></div>\n",
    errors ? "bad" : warnings ? "warn" : "ok", d_.analysis.findings.size(), errors, warnings, infos);
  raw("</div>\n");
  if (!d_.cases.empty()) {
    raw("<table class=\"grid\">\n<caption>Cases</caption>\n<thead><tr><th scope=\"col\">Case</th><th scope=\"col\">File</th>"
        "<th scope=\"col\">Decision</th><th scope=\"col\">Corrections</th></tr></thead>\n<tbody>\n");
    for (size_t i = 0; i < d_.cases.size(); ++i) {
      const auto& cr = d_.cases[i];
      f("<tr><td><a href=\"#{}\">", case_anchor(i));
      text(cr.case_id);
      raw("</a></td><td><code>");
      text(cr.file);
      raw("</code></td><td>");
      badge(decision_class(cr.explanation.result.decision), decision_label(cr.explanation.result.decision));
      size_t actionable = 0;
      for (const auto& k : cr.explanation.mcs.corrections) actionable += k.actionable;
      f("</td><td>{} ({} actionable)</td></tr>\n", cr.explanation.mcs.corrections.size(), actionable);
    }
    raw("</tbody>\n</table>\n");
  }
  raw("</section>\n");
}

// ---------------------------------------------------------------- the graph

std::string node_target(const model::Policy& p, std::string_view id) {
  if (p.find_criterion(id) >= 0) return std::string(id);
  if (id == "decision" || id == "any_pathway" || id == "no_exclusion") return "decision-rule";
  constexpr std::string_view group = "exclusions.";
  if (id.substr(0, group.size()) == group) return category_anchor(std::string(id.substr(group.size())));
  return "";
}

void Writer::decision_graph() {
  raw("<section id=\"graph\" aria-labelledby=\"graph-h\">\n<h2 id=\"graph-h\">Decision graph</h2>\n");
  raw("<p>Every criterion is a node named by its id; a pathway is met when ALL (or ANY) of its parts are; the case is "
      "medically necessary when ANY pathway is met and NO exclusion applies. Hover over a node for its policy "
      "sentence (zoom in to read the labels, or open the picture on its own); select a node to go to its entry.</p>\n");
  InlineSvgOptions o;
  o.id_prefix = "g-";
  o.label = "Decision graph of " + p_.id + ": pathways, their criteria, the exclusions by category, and the decision";
  o.node_link = [this](std::string_view id) { return node_target(p_, id); };
  raw("<figure class=\"graph-figure\">\n<div class=\"scroll\">");
  raw(inline_svg(d_.graph_svg, o));
  raw("</div>\n<figcaption>The decision graph of ");
  text(p_.id + " " + p_.version);
  raw(" (drawn by <code>policyproof render</code>); <a href=\"decision-graph.svg\">open it on its own</a>.</figcaption>\n</figure>\n</section>\n");
}

// ---------------------------------------------------------------- expressions

void Writer::expression(const std::string& src) {
  raw("<code class=\"expr\">");
  size_t i = 0;
  while (i < src.size()) {
    unsigned char c = static_cast<unsigned char>(src[i]);
    bool at = c == '@';
    size_t start = at ? i + 1 : i;
    if ((at && start < src.size() && (std::isalpha(static_cast<unsigned char>(src[start])) || src[start] == '_')) ||
        (!at && (std::isalpha(c) || c == '_'))) {
      size_t j = start;
      while (j < src.size() && (std::isalnum(static_cast<unsigned char>(src[j])) || src[j] == '_' || src[j] == '.' || src[j] == '-'))
        ++j;
      while (j > start && src[j - 1] == '.') --j;
      std::string word = src.substr(start, j - start);
      if (at && p_.find_criterion(word) >= 0) {
        raw("@<a href=\"#");
        text(word);
        raw("\">");
        text(word);
        raw("</a>");
        i = j;
        continue;
      }
      // A fact path, or a fact path and a member or value.
      std::string fact;
      if (!at) {
        if (p_.vocab.find_fact(word) >= 0) fact = word;
        else if (auto dot = word.rfind('.'); dot != std::string::npos && p_.vocab.find_fact(word.substr(0, dot)) >= 0)
          fact = word.substr(0, dot);
      }
      if (!fact.empty()) {
        f("<a class=\"fact\" href=\"#{}\">", escape(fact_anchor(fact)));
        text(word);
        raw("</a>");
      } else {
        text(src.substr(i, j - i));
      }
      i = j;
      continue;
    }
    text(src.substr(i, 1));
    ++i;
  }
  raw("</code>");
}

// A finding's message: `quoted` words as code, criterion ids as links.
void Writer::message(const std::string& msg) {
  bool in_code = false;
  size_t i = 0;
  while (i < msg.size()) {
    char c = msg[i];
    if (c == '`') {
      raw(in_code ? "</code>" : "<code>");
      in_code = !in_code;
      ++i;
      continue;
    }
    if (std::isalpha(static_cast<unsigned char>(c)) && (i == 0 || !std::isalnum(static_cast<unsigned char>(msg[i - 1])))) {
      size_t j = i;
      while (j < msg.size() && (std::isalnum(static_cast<unsigned char>(msg[j])) || msg[j] == '_' || msg[j] == '.')) ++j;
      while (j > i && msg[j - 1] == '.') --j;
      std::string word = msg.substr(i, j - i);
      if (!in_code && word.find('.') != std::string::npos && p_.find_criterion(word) >= 0) {
        crit_link(word);
      } else {
        text(word);
      }
      i = j;
      continue;
    }
    text(msg.substr(i, 1));
    ++i;
  }
  if (in_code) raw("</code>");
}

// ---------------------------------------------------------------- criteria

void Writer::criteria() {
  raw("<section id=\"criteria\" aria-labelledby=\"criteria-h\">\n<h2 id=\"criteria-h\">Criteria</h2>\n");
  raw("<p>Each criterion of the model with its id, the policy section it comes from, its kind, the exact policy "
      "sentence it encodes (with where that sentence stands in the <a href=\"#policy-text\">policy text</a>), the "
      "pathway or exclusion it belongs to, and its encoding.</p>\n");

  // The decision rule.
  raw("<div class=\"decision-rule\" id=\"decision-rule\">\n<h3>Decision rule</h3>\n<p>Medically necessary when ANY "
      "pathway is met and NO exclusion applies; otherwise not medically necessary; undetermined when the facts "
      "known do not decide.</p>\n<blockquote><p>");
  text(p_.decision_text);
  raw("</p></blockquote>\n<p class=\"where\">");
  text(p_.criteria.empty() ? std::string() : p_.criteria[static_cast<size_t>(p_.pathways.empty() ? 0 : p_.pathways[0])].section);
  if (!d_.trace.decision_at.empty()) {
    raw(", ");
    source_links(d_.trace.decision_at);
  }
  raw("</p>\n");
  if (!p_.default_denial_text.empty()) {
    raw("<blockquote id=\"default-denial\"><p>");
    text(p_.default_denial_text);
    raw("</p></blockquote>\n<p class=\"where\">");
    text(p_.default_denial_section);
    if (!d_.trace.default_denial_at.empty()) {
      raw(", ");
      source_links(d_.trace.default_denial_at);
    }
    raw("</p>\n");
  }
  raw("</div>\n");

  // Groups: per section, the criteria no pathway or exclusion owns, then the
  // pathways, then the exclusion categories, each in policy order.
  const size_t n = p_.criteria.size();
  std::vector<char> placed(n, 0);
  auto collect = [&](int root, std::vector<int>& out) {
    std::vector<int> stack{root};
    while (!stack.empty()) {
      int x = stack.back();
      stack.pop_back();
      if (placed[static_cast<size_t>(x)]) continue;
      placed[static_cast<size_t>(x)] = 1;
      out.push_back(x);
      const auto& ch = p_.criteria[static_cast<size_t>(x)].children;
      for (auto it = ch.rbegin(); it != ch.rend(); ++it) stack.push_back(*it);
    }
  };
  struct Group {
    std::string id, title, section, intro;
    std::vector<int> members;
  };
  std::vector<Group> groups;
  for (int pw : p_.pathways) {
    Group g;
    const auto& c = p_.criteria[static_cast<size_t>(pw)];
    g.id = "group-" + c.id;
    g.title = "Pathway " + c.id + ": " + c.title;
    g.section = c.section;
    collect(pw, g.members);
    groups.push_back(std::move(g));
  }
  for (const auto& cat : p_.categories) {
    Group g;
    g.id = category_anchor(cat.id);
    g.title = "Exclusions: " + cat.title;
    g.section = cat.section;
    g.intro = cat.text;
    for (int x : p_.exclusions)
      if (p_.criteria[static_cast<size_t>(x)].category == cat.id) collect(x, g.members);
    groups.push_back(std::move(g));
  }
  {
    Group g;
    g.id = "group-other-exclusions";
    g.title = "Other exclusions";
    for (int x : p_.exclusions) collect(x, g.members);
    if (!g.members.empty()) {
      g.section = p_.criteria[static_cast<size_t>(g.members[0])].section;
      groups.push_back(std::move(g));
    }
  }
  std::vector<Group> ordered;
  for (const auto& s : p_.sections) {
    Group rest;
    rest.id = "group-" + s.id;
    rest.title = s.title + " (" + s.id + ")";
    rest.section = s.id;
    for (size_t i = 0; i < n; ++i)
      if (!placed[i] && p_.criteria[i].section == s.id && d_.trace.criteria[i].parents.empty())
        collect(static_cast<int>(i), rest.members);
    for (size_t i = 0; i < n; ++i)
      if (!placed[i] && p_.criteria[i].section == s.id) collect(static_cast<int>(i), rest.members);
    if (!rest.members.empty()) ordered.push_back(std::move(rest));
    for (auto& g : groups)
      if (g.section == s.id && !g.members.empty()) ordered.push_back(std::move(g));
  }
  {
    Group rest;
    rest.id = "group-unsectioned";
    rest.title = "Criteria of other sections";
    for (size_t i = 0; i < n; ++i) collect(static_cast<int>(i), rest.members);
    for (auto& g : groups)
      if (!g.members.empty() && std::none_of(ordered.begin(), ordered.end(), [&](const Group& o) { return o.id == g.id; }))
        ordered.push_back(std::move(g));
    if (!rest.members.empty()) ordered.push_back(std::move(rest));
  }

  for (const auto& g : ordered) {
    f("<div class=\"group\" id=\"{}\">\n<h3>", escape(g.id));
    text(g.title);
    raw("</h3>\n");
    if (!g.intro.empty()) {
      raw("<blockquote><p>");
      text(g.intro);
      raw("</p></blockquote>\n");
      for (size_t k = 0; k < p_.categories.size(); ++k)
        if (category_anchor(p_.categories[k].id) == g.id && k < d_.trace.category_at.size() && !d_.trace.category_at[k].empty()) {
          raw("<p class=\"where\">");
          text(g.section);
          raw(", ");
          source_links(d_.trace.category_at[k]);
          raw("</p>\n");
        }
    }
    for (int i : g.members) criterion(i);
    raw("</div>\n");
  }
  raw("</section>\n");
}

void Writer::criterion(int i) {
  const auto& c = p_.criteria[static_cast<size_t>(i)];
  const auto& t = d_.trace.criteria[static_cast<size_t>(i)];
  f("<article class=\"criterion k-{}\" id=\"", model::to_string(c.kind));
  text(c.id);
  raw("\">\n<h4><code>");
  text(c.id);
  raw("</code> ");
  text(c.title);
  raw("</h4>\n<dl class=\"fields\">\n<dt>Section</dt><dd>");
  const model::Section* sec = nullptr;
  for (const auto& s : p_.sections)
    if (s.id == c.section) sec = &s;
  bool part_exists = false;
  if (d_.source)
    for (const auto& part : d_.source->parts) part_exists |= part.section == c.section;
  if (part_exists) f("<a href=\"#text-{}\">", escape(c.section));
  text(c.section);
  if (part_exists) raw("</a>");
  if (sec) {
    raw(" ");
    text(sec->title);
  }
  raw("</dd>\n<dt>Kind</dt><dd>");
  text(model::to_string(c.kind));
  if (!c.category.empty()) {
    f(", category <a href=\"#{}\">", escape(category_anchor(c.category)));
    text(c.category);
    raw("</a>");
  }
  raw("</dd>\n<dt>Belongs to</dt><dd>");
  if (c.kind != CriterionKind::Condition) {
    raw(c.kind == CriterionKind::Pathway ? "itself: an indication pathway, which <a href=\"#decision-rule\">approves</a> when met"
                                         : "itself: an exclusion, which <a href=\"#decision-rule\">denies</a> when it applies");
  } else if (t.owners.empty()) {
    raw("<span class=\"badge warn\">no pathway or exclusion</span>");
  } else {
    raw("<ul class=\"chains\">");
    for (size_t k = 0; k < t.owners.size(); ++k) {
      const auto& owner = p_.criteria[static_cast<size_t>(t.owners[k])];
      raw("<li>");
      text(model::to_string(owner.kind));
      raw(" ");
      crit_link(t.owners[k], true);
      const auto& chain = t.chains[k];
      if (chain.size() > 2) {
        raw(", via ");
        for (size_t j = 1; j + 1 < chain.size(); ++j) {
          if (j > 1) raw(" &#8250; ");
          crit_link(chain[j]);
        }
      }
      raw("</li>");
    }
    raw("</ul>");
  }
  raw("</dd>\n<dt>Policy sentence</dt><dd><blockquote><p>");
  text(c.text);
  raw("</p></blockquote>");
  if (d_.source) {
    if (t.found_at.empty()) {
      raw("<p class=\"error\"><strong>Error:</strong> this sentence was not found in the policy text.</p>");
    } else {
      raw("<p class=\"where\">In the policy text: ");
      source_links(t.found_at);
      raw("</p>");
    }
  }
  raw("</dd>\n<dt>Encoding</dt><dd>");
  if (c.combinator == Combinator::Leaf) {
    expression(c.when_source);
  } else {
    raw(c.combinator == Combinator::All ? "ALL of:" : "ANY of:");
    raw("<ul class=\"parts\">");
    for (int ch : c.children) {
      raw("<li>");
      crit_link(ch, true);
      raw("</li>");
    }
    raw("</ul>");
  }
  raw("</dd>\n");
  if (!t.users.empty()) {
    raw("<dt>Used in</dt><dd>the condition of ");
    for (size_t k = 0; k < t.users.size(); ++k) {
      if (k) raw(", ");
      crit_link(t.users[k]);
    }
    raw("</dd>\n");
  }
  if (!c.ambiguities.empty()) {
    raw("<dt>Ambiguities</dt><dd>");
    for (size_t k = 0; k < c.ambiguities.size(); ++k) {
      if (k) raw(", ");
      f("<a href=\"#{}\">", escape(c.ambiguities[k]));
      text(c.ambiguities[k]);
      raw("</a>");
    }
    raw("</dd>\n");
  }
  if (!c.note.empty()) {
    raw("<dt>Note</dt><dd>");
    text(c.note);
    raw("</dd>\n");
  }
  raw("</dl>\n</article>\n");
}

// ---------------------------------------------------------------- the policy text

std::string Writer::target_title(const Target& t) const {
  switch (t.kind) {
    case TargetKind::Criterion: return p_.criteria[static_cast<size_t>(t.index)].id;
    case TargetKind::Category: return "exclusion category " + p_.categories[static_cast<size_t>(t.index)].id;
    case TargetKind::Decision: return "the decision rule";
    case TargetKind::DefaultDenial: return "the default denial";
    case TargetKind::Definition: return "definition: " + p_.definitions[static_cast<size_t>(t.index)].term;
    case TargetKind::Code: return "code " + p_.codes[static_cast<size_t>(t.index)].code;
  }
  return "";
}

void Writer::target_link(const Target& t) {
  switch (t.kind) {
    case TargetKind::Criterion: crit_link(t.index); return;
    case TargetKind::Category: {
      const auto& cat = p_.categories[static_cast<size_t>(t.index)];
      f("<a href=\"#{}\">category <code>", escape(category_anchor(cat.id)));
      text(cat.id);
      raw("</code></a>");
      return;
    }
    case TargetKind::Decision: raw("<a href=\"#decision-rule\">decision rule</a>"); return;
    case TargetKind::DefaultDenial: raw("<a href=\"#default-denial\">default denial</a>"); return;
    case TargetKind::Definition: {
      const auto& def = p_.definitions[static_cast<size_t>(t.index)];
      f("<a href=\"#{}\">definition</a>", escape(definition_anchor(def)));
      return;
    }
    case TargetKind::Code: {
      const auto& code = p_.codes[static_cast<size_t>(t.index)];
      f("<a href=\"#{}\">code {}</a>", escape(code_anchor(code)), escape(code.code));
      return;
    }
  }
}

// One cell's text: encoded stretches marked (with the ids they encode as a
// tooltip), the rest plain, or marked as not encoded in a partly encoded block.
void Writer::styled_cell(const Block& b, const BlockTrace& bt, int cell) {
  const StyledText& st = b.cells[static_cast<size_t>(cell)];
  const std::string& s = st.text;
  bool partial = bt.coverage == Coverage::Partial;
  auto key_at = [&](size_t x) {
    std::string k;
    for (const auto& sp : bt.spans)
      if (sp.cell == cell && sp.begin <= x && x < sp.end) {
        k += sp.target.kind == TargetKind::Definition || sp.target.kind == TargetKind::Code ? "D:" : "E:";
        k += target_title(sp.target);
        k += '\n';
      }
    return k;
  };
  size_t x = 0;
  while (x < s.size()) {
    std::string key = key_at(x);
    std::uint8_t style = st.style[x];
    size_t y = x + 1;
    while (y < s.size() && st.style[y] == style && key_at(y) == key) ++y;
    // Never split a UTF-8 sequence.
    while (y < s.size() && (static_cast<unsigned char>(s[y]) & 0xC0) == 0x80) ++y;
    std::string_view run(s.data() + x, y - x);
    const char* wrap = nullptr;
    std::string title;
    bool blank = run.find_first_not_of(" \t") == std::string_view::npos;
    if (!key.empty() && !blank) {
      bool enc = key.find("E:") != std::string::npos;
      wrap = enc ? "mark" : "span";
      size_t a = 0;
      while (a < key.size()) {
        size_t nl = key.find('\n', a);
        if (!title.empty()) title += ", ";
        title += key.substr(a + 2, nl - a - 2);
        a = nl + 1;
      }
      f("<{} class=\"{}\" title=\"{}\">", wrap, enc ? "enc" : "data", escape(title));
    } else if (partial && run.find_first_not_of(" ,.;:()") != std::string_view::npos) {
      wrap = "span";
      raw("<span class=\"unenc\" title=\"not encoded by any criterion\">");
    }
    if (style & kBold) raw("<strong>");
    if (style & kItalic) raw("<em>");
    if (style & kSup) raw("<sup>");
    text(run);
    if (style & kSup) raw("</sup>");
    if (style & kItalic) raw("</em>");
    if (style & kBold) raw("</strong>");
    if (wrap) f("</{}>", wrap);
    x = y;
  }
}

void Writer::block(const Block& b, const BlockTrace& bt, bool as_item) {
  std::string cls = std::string("blk cov-") + to_string(bt.coverage);
  if (b.kind == BlockKind::Bullet || b.kind == BlockKind::Numbered) cls += " d" + std::to_string(std::min(b.depth, 4));
  const char* tag = as_item ? "li" : b.kind == BlockKind::Heading ? "h4" : "p";
  f("<{} class=\"{}\" id=\"{}\"", tag, cls, block_anchor(b));
  if (b.kind == BlockKind::Numbered) f(" value=\"{}\"", escape(b.number));
  raw(">");
  if (b.kind == BlockKind::SectionId) {
    raw("Section <code>");
    text(b.plain());
    raw("</code>");
  } else {
    for (size_t c = 0; c < b.cells.size(); ++c) {
      if (c) raw(b.cells[c].text.empty() ? "" : " <span class=\"sep\">&#8212;</span> ");
      styled_cell(b, bt, static_cast<int>(c));
    }
  }
  // What it encodes, and the ambiguities in it.
  std::vector<Target> targets;
  for (const auto& sp : bt.spans)
    if (std::find(targets.begin(), targets.end(), sp.target) == targets.end()) targets.push_back(sp.target);
  if (!targets.empty() || !bt.ambiguities.empty() || bt.coverage == Coverage::Uncovered) {
    raw(" <span class=\"trace\">");
    if (bt.coverage == Coverage::Uncovered)
      raw("<strong class=\"flag-error\">Error: no criterion encodes this criterion bullet</strong> ");
    if (!targets.empty()) {
      raw(bt.coverage == Coverage::Data ? "<span class=\"lbl\">encoded as data:</span> " : "<span class=\"lbl\">encoded by</span> ");
      for (size_t k = 0; k < targets.size(); ++k) {
        if (k) raw(" ");
        target_link(targets[k]);
      }
    }
    for (int a : bt.ambiguities) {
      f(" <a class=\"amb\" href=\"#{}\">ambiguous: ", escape(p_.ambiguities[static_cast<size_t>(a)].id));
      text(p_.ambiguities[static_cast<size_t>(a)].id);
      raw("</a>");
    }
    raw("</span>");
  } else if (bt.coverage == Coverage::NotEncoded && b.kind != BlockKind::SectionId && b.kind != BlockKind::Heading) {
    raw(" <span class=\"trace\"><span class=\"lbl\">not encoded</span></span>");
  }
  f("</{}>\n", tag);
}

void Writer::part(size_t index) {
  const Part& pt = d_.source->parts[index];
  const auto& traces = d_.trace.blocks[index];
  std::string anchor = part_anchor(pt, index);
  bool collapsed = pt.section.empty();
  f("<div class=\"src-part\">\n<h3 id=\"{}\">", escape(anchor));
  text(pt.title);
  if (!pt.section.empty()) {
    raw(" <span class=\"muted\">(");
    text(pt.section);
    raw(")</span>");
  }
  raw("</h3>\n");
  if (collapsed) {
    raw("<details>\n<summary>");
    raw(pt.references ? "Show the references (cited literature: nothing to encode)"
                      : "Show this text (front matter and instructions: nothing to encode)");
    raw("</summary>\n");
  }
  // Consecutive list items share one list (page furniture between them does not end it).
  const char* open = nullptr;
  for (size_t k = 0; k < pt.blocks.size(); ++k) {
    const Block& b = pt.blocks[k];
    if (b.kind == BlockKind::Furniture) continue;
    const char* want = b.kind == BlockKind::Bullet ? "ul" : b.kind == BlockKind::Numbered ? "ol" : nullptr;
    if (open && want != open) {
      f("</{}>\n", open);
      open = nullptr;
    }
    if (want && !open) {
      f("<{} class=\"src-list\">\n", want);
      open = want;
    }
    block(b, traces[k], want != nullptr);
  }
  if (open) f("</{}>\n", open);
  if (collapsed) raw("</details>\n");
  raw("</div>\n");
}

void Writer::policy_text() {
  raw("<section id=\"policy-text\" aria-labelledby=\"policy-text-h\">\n<h2 id=\"policy-text-h\">The policy text</h2>\n");
  if (!d_.source) {
    raw("<p class=\"error\">The policy text is not available: ");
    text(d_.source_note);
    raw(".</p>\n</section>\n");
    return;
  }
  raw("<p>The policy as published, section by section. ");
  raw("<mark class=\"enc\">Highlighted</mark> words are encoded by the criteria named after them (hover for the ids); "
      "<span class=\"data\">underlined</span> words are encoded as data (definitions, codes); "
      "<span class=\"unenc\">dotted</span> words of a partly encoded sentence are not encoded; a bullet of a criteria "
      "list that no criterion encodes is flagged <strong class=\"flag-error\">Error</strong>. Definitions, instructions "
      "and headings are not expected to be encoded. Running page headers and page-number tables are left out.</p>\n");
  // Coverage.
  raw("<div class=\"coverage\" id=\"coverage\">\n<h3>Coverage</h3>\n<ul>\n");
  f("<li>{} criterion bullets encoded, {} not encoded</li>\n", d_.trace.encoded_bullets, d_.trace.uncovered_bullets);
  f("<li>{} blocks fully encoded, {} partly, {} encoded as data (definitions, codes), {} not encoded (instructions, "
    "headings, front matter)</li>\n",
    count_coverage(Coverage::Encoded), count_coverage(Coverage::Partial), count_coverage(Coverage::Data),
    count_coverage(Coverage::NotEncoded));
  f("<li>{} of {} criteria found in the text</li>\n", p_.criteria.size() - d_.trace.criteria_not_found.size(), p_.criteria.size());
  raw("</ul>\n");
  if (d_.trace.uncovered_bullets > 0 || !d_.trace.criteria_not_found.empty()) {
    raw("<p class=\"error\"><strong>Errors:</strong></p>\n<ul class=\"errors\">\n");
    for (size_t pi = 0; pi < d_.trace.blocks.size(); ++pi)
      for (size_t bi = 0; bi < d_.trace.blocks[pi].size(); ++bi)
        if (d_.trace.blocks[pi][bi].coverage == Coverage::Uncovered) {
          const Block& b = d_.source->parts[pi].blocks[bi];
          f("<li><a href=\"#{}\">line {}</a>: no criterion encodes &#8220;", block_anchor(b), b.line);
          text(b.plain());
          raw("&#8221;</li>\n");
        }
    for (int i : d_.trace.criteria_not_found) {
      raw("<li>");
      crit_link(i);
      raw(": its sentence is not in the text</li>\n");
    }
    raw("</ul>\n");
  } else {
    raw("<p class=\"ok-text\">Every criterion bullet is encoded and every criterion's sentence is in the text.</p>\n");
  }
  raw("</div>\n");
  for (size_t i = 0; i < d_.source->parts.size(); ++i) part(i);
  raw("</section>\n");
}

// ---------------------------------------------------------------- ambiguities

void Writer::ambiguities() {
  raw("<section id=\"ambiguities\" aria-labelledby=\"ambiguities-h\">\n<h2 id=\"ambiguities-h\">Ambiguities</h2>\n");
  raw("<p>Where the text admits more than one reading, the model encodes one (listed first) and names the others; "
      "<code>analyze</code> finds the cases whose decision depends on the choice.</p>\n");
  if (p_.ambiguities.empty()) raw("<p>The model names no ambiguity.</p>\n");
  for (size_t a = 0; a < p_.ambiguities.size(); ++a) {
    const auto& amb = p_.ambiguities[a];
    raw("<article class=\"ambiguity\" id=\"");
    text(amb.id);
    raw("\">\n<h3><code>");
    text(amb.id);
    raw("</code> ");
    text(amb.question);
    raw("</h3>\n<blockquote><p>");
    text(amb.quote);
    raw("</p></blockquote>\n");
    if (a < d_.trace.ambiguity_at.size() && !d_.trace.ambiguity_at[a].empty()) {
      raw("<p class=\"where\">In the policy text: ");
      source_links(d_.trace.ambiguity_at[a]);
      raw("</p>\n");
    }
    raw("<p>Criteria it touches: ");
    for (size_t k = 0; k < amb.criteria.size(); ++k) {
      if (k) raw(", ");
      crit_link(amb.criteria[k]);
    }
    raw("</p>\n<table class=\"grid\">\n<caption>Readings of ");
    text(amb.id);
    raw("</caption>\n<thead><tr><th scope=\"col\">Reading</th><th scope=\"col\">Meaning</th><th scope=\"col\">Encoding</th></tr></thead>\n<tbody>\n");
    for (const auto& r : amb.readings) {
      bool chosen = r.id == amb.chosen;
      raw("<tr><td><code>");
      text(r.id);
      raw("</code>");
      if (chosen) raw(" <span class=\"badge ok\">chosen</span>");
      raw("</td><td>");
      text(r.text);
      raw("</td><td>");
      if (r.overrides.empty()) {
        raw(chosen ? "as the criteria are encoded" : "no change");
      } else {
        raw("<ul class=\"plain\">");
        for (const auto& [id, when] : r.overrides) {
          raw("<li>");
          crit_link(id);
          raw(": ");
          expression(when);
          raw("</li>");
        }
        raw("</ul>");
      }
      raw("</td></tr>\n");
    }
    raw("</tbody>\n</table>\n");
    // Consequences, from analyze.
    std::vector<size_t> related;
    for (size_t k = 0; k < d_.analysis.findings.size(); ++k) {
      const auto& fd = d_.analysis.findings[k];
      if (fd.kind == "ambiguity" && fd.subject.rfind(amb.id + "/", 0) == 0) related.push_back(k);
    }
    raw("<h4>Consequences</h4>\n");
    if (related.empty()) {
      raw("<p>The analysis reports no consequence of this ambiguity.</p>\n");
    } else {
      raw("<ul class=\"consequences\">\n");
      for (size_t k : related) {
        const auto& fd = d_.analysis.findings[k];
        raw("<li>");
        badge(fd.severity == solver::Severity::Error ? "bad" : fd.severity == solver::Severity::Warning ? "warn" : "info",
              solver::to_string(fd.severity));
        raw(" ");
        message(fd.message);
        if (fd.witness) f(" <a href=\"#{}\">witness case</a>", finding_anchor(k));
        raw("</li>\n");
      }
      raw("</ul>\n");
    }
    raw("</article>\n");
  }
  raw("</section>\n");
}

// ---------------------------------------------------------------- properties

void Writer::properties() {
  raw("<section id=\"properties\" aria-labelledby=\"properties-h\">\n<h2 id=\"properties-h\">Properties</h2>\n<p>What the "
      "policy promises, checked over every case by <code>policyproof prove</code> (");
  text(d_.properties.file);
  raw("). A counterexample is a case in the case format that <code>policyproof evaluate</code> reproduces.</p>\n");
  raw("<table class=\"grid props\">\n<caption>Properties and their status</caption>\n<thead><tr><th scope=\"col\">Status</th>"
      "<th scope=\"col\">Property</th><th scope=\"col\">Statement</th></tr></thead>\n<tbody>\n");
  for (size_t i = 0; i < d_.properties.properties.size() && i < d_.outcomes.size(); ++i) {
    const auto& pr = d_.properties.properties[i];
    const auto& o = d_.outcomes[i];
    raw("<tr id=\"");
    text(property_anchor(pr));
    raw("\"><td>");
    badge(o.status == solver::Status::Proved ? "ok" : o.status == solver::Status::Violated ? "bad" : "warn",
          solver::to_string(o.status));
    raw("</td><td><code>");
    text(pr.id);
    raw("</code><br/>");
    text(pr.text);
    raw("</td><td>");
    text(model::to_string(pr.kind));
    raw(": ");
    if (pr.kind == model::PropertyKind::Monotone) {
      raw("more of ");
      for (size_t k = 0; k < pr.monotone.facts.size(); ++k) {
        if (k) raw(", ");
        expression(pr.monotone.facts[k]);
      }
      raw(pr.monotone.never_approve ? " never turns a denial into an approval" : " never turns an approval into a denial");
    } else {
      expression(pr.source);
    }
    if (o.status == solver::Status::Unknown) {
      raw("<p>Reason: ");
      text(o.reason);
      raw("</p>");
    }
    auto show = [&](const char* what, const std::optional<model::Case>& c) {
      if (!c) return;
      raw("<details><summary>");
      raw(what);
      raw("</summary>");
      case_json(*c);
      raw("</details>");
    };
    show("Counterexample", o.counterexample);
    show("Counterexample, after the change", o.counterexample_after);
    show("Witness", o.witness);
    raw("</td></tr>\n");
  }
  raw("</tbody>\n</table>\n</section>\n");
}

// ---------------------------------------------------------------- findings

void Writer::claims(const std::vector<solver::Claim>& cl) {
  if (cl.empty()) return;
  raw("<ul class=\"claims\">");
  for (const auto& c : cl) {
    raw("<li>");
    if (c.reading.empty()) {
      raw("Under the policy as encoded");
    } else {
      raw("Under reading <code>");
      text(c.reading);
      raw("</code>");
    }
    if (c.decision) {
      raw(": ");
      badge(decision_class(*c.decision), decision_label(*c.decision));
    }
    if (!c.criteria.empty()) {
      raw(c.decision ? "; " : ": ");
      for (size_t k = 0; k < c.criteria.size(); ++k) {
        if (k) raw(", ");
        crit_link(c.criteria[k].first);
        raw(c.criteria[k].second ? " met" : " not met");
      }
    }
    if (!c.holds.empty()) f("; and {} more condition{} on the facts", c.holds.size(), c.holds.size() == 1 ? "" : "s");
    raw("</li>");
  }
  raw("</ul>");
}

void Writer::finding(size_t i, const solver::Finding& fd) {
  const char* sev = fd.severity == solver::Severity::Error ? "bad" : fd.severity == solver::Severity::Warning ? "warn" : "info";
  f("<article class=\"finding sev-{}\" id=\"{}\">\n<h4>", sev, finding_anchor(i));
  badge(sev, solver::to_string(fd.severity));
  raw(" ");
  text(fd.kind);
  if (!fd.subject.empty() || !fd.criteria.empty()) {
    raw(": <code>");
    text(fd.subject.empty() ? fd.criteria[0] : fd.subject);
    raw("</code>");
  }
  raw("</h4>\n<p>");
  message(fd.message);
  raw("</p>\n");
  if (!fd.criteria.empty()) {
    raw("<p>Criteria: ");
    for (size_t k = 0; k < fd.criteria.size(); ++k) {
      if (k) raw(", ");
      crit_link(fd.criteria[k]);
    }
    raw("</p>\n");
  }
  if (fd.witness) {
    raw("<details><summary>Witness case");
    if (fd.witness->has_case_id) {
      raw(" <code>");
      text(fd.witness->case_id);
      raw("</code>");
    }
    raw("</summary>");
    claims(fd.claims);
    case_json(*fd.witness);
    raw("</details>\n");
  }
  if (fd.contrast) {
    raw("<details><summary>Contrasting case</summary>");
    claims(fd.contrast_claims);
    case_json(*fd.contrast);
    raw("</details>\n");
  }
  raw("</article>\n");
}

void Writer::findings() {
  raw("<section id=\"findings\" aria-labelledby=\"findings-h\">\n<h2 id=\"findings-h\">Analysis findings</h2>\n<p>The policy "
      "checked as a whole by <code>policyproof analyze</code>: dead, vacuous and redundant criteria, conflicts between "
      "indications and exclusions, overlapping pathways, gaps, the consequences of each ambiguity, and the code table. "
      "Every witness case was replayed through the concrete evaluator.</p>\n");
  if (d_.analysis.findings.empty()) raw("<p>No findings.</p>\n");
  std::vector<std::string> kinds;
  for (const auto& fd : d_.analysis.findings)
    if (std::find(kinds.begin(), kinds.end(), fd.kind) == kinds.end()) kinds.push_back(fd.kind);
  for (const auto& kind : kinds) {
    int n = 0;
    for (const auto& fd : d_.analysis.findings) n += fd.kind == kind;
    f("<div class=\"group\" id=\"findings-{}\">\n<h3>", escape(slug(kind)));
    text(kind);
    f(" <span class=\"muted\">({})</span></h3>\n", n);
    for (size_t i = 0; i < d_.analysis.findings.size(); ++i)
      if (d_.analysis.findings[i].kind == kind) finding(i, d_.analysis.findings[i]);
    raw("</div>\n");
  }
  raw("</section>\n");
}

// ---------------------------------------------------------------- cases

void Writer::one_case(size_t i, const CaseReport& cr) {
  const auto& e = cr.explanation;
  const auto& r = e.result;
  f("<article class=\"case\" id=\"{}\">\n<h3>", case_anchor(i));
  text(cr.case_id);
  raw(" ");
  badge(decision_class(r.decision), decision_label(r.decision));
  raw("</h3>\n<p class=\"where\">From <code>");
  text(cr.file);
  raw("</code>");
  if (!r.exact) {
    raw("; the solver reached a limit, so the answer may be incomplete: ");
    text(r.reason);
  }
  raw("</p>\n");

  // Pathways and exclusions.
  raw("<h4>Pathways and exclusions</h4>\n<ul class=\"statuses\">\n");
  for (const auto& ps : model::pathway_statuses(p_, r.evaluation)) {
    raw("<li>");
    crit_link(ps.criterion, true);
    raw(": ");
    badge(tri_class(ps.status), tri_label(ps.status));
    raw("</li>\n");
  }
  for (int x : model::applying_exclusions(p_, r.evaluation)) {
    raw("<li>exclusion ");
    crit_link(x, true);
    raw(": ");
    badge("bad", "applies");
    raw("</li>\n");
  }
  for (int x : model::possible_exclusions(p_, r.evaluation)) {
    raw("<li>exclusion ");
    crit_link(x, true);
    raw(": ");
    badge("warn", "unknown");
    raw("</li>\n");
  }
  raw("</ul>\n");

  // Reasons.
  raw("<h4>Reasons</h4>\n");
  if (e.reasons.empty()) {
    raw(r.decision == Decision::MedicallyNecessary ? "<p>A pathway is met and no exclusion applies.</p>\n"
                                                   : "<p>No criterion fails or excludes on the facts known.</p>\n");
  } else {
    raw("<ol class=\"reasons\">\n");
    for (int x : e.reasons) {
      const auto& c = p_.criteria[static_cast<size_t>(x)];
      raw("<li>");
      crit_link(x);
      raw(c.kind == CriterionKind::Exclusion ? " applies: " : " not met: ");
      raw("<q>");
      text(c.text);
      raw("</q></li>\n");
    }
    raw("</ol>\n");
  }

  // Corrections.
  raw("<h4>Corrections</h4>\n");
  if (r.decision == Decision::MedicallyNecessary) {
    raw("<p>None needed: the case is medically necessary.</p>\n");
  } else if (e.mcs.corrections.empty()) {
    if (!e.mcs.complete) {
      raw("<p>None found before the solver's limit");
      if (!e.mcs.reason.empty()) {
        raw(" (");
        text(e.mcs.reason);
        raw(")");
      }
      raw(".</p>\n");
    } else {
      raw(r.decision == Decision::Undetermined
              ? "<p><strong>No change of the known facts makes it medically necessary whatever the unknown facts turn out to be.</strong>"
              : "<p><strong>No change of the case's facts can make it medically necessary.</strong>");
      if (!e.mcs.barring_criteria.empty()) {
        raw(" Barred by ");
        for (size_t k = 0; k < e.mcs.barring_criteria.size(); ++k) {
          if (k) raw(", ");
          crit_link(e.mcs.barring_criteria[k], true);
        }
        raw(".");
      }
      if (!e.mcs.barring_slots.empty()) {
        raw(" Facts that cannot change as approval would need: ");
        for (size_t k = 0; k < e.mcs.barring_slots.size(); ++k) {
          if (k) raw(", ");
          const auto& path = p_.vocab.slots[static_cast<size_t>(e.mcs.barring_slots[k])].path;
          expression(path);
        }
        raw(".");
      }
      if (e.mcs.barred_by_unknowns) raw(" The facts still unknown take part in the bar.");
      raw("</p>\n");
    }
  } else {
    f("<p>Every minimal set of changes that makes the case medically necessary ({}{}; actionable sets first, smaller "
      "first). Each was checked: applied, the case is approved; with any one change undone, it is not.</p>\n",
      e.mcs.corrections.size(), e.mcs.complete ? "" : ", possibly more");
    size_t actionable = 0;
    for (const auto& k : e.mcs.corrections) actionable += k.actionable;
    bool open_details = false;
    raw("<ol class=\"corrections\">\n");
    for (size_t ki = 0; ki < e.mcs.corrections.size(); ++ki) {
      const auto& k = e.mcs.corrections[ki];
      if (!k.actionable && !open_details && actionable > 0) {
        // The hypothetical ones (changes of the patient's state) after the actionable ones, folded.
        f("</ol>\n<details><summary>{} more that change clinical facts (hypothetical)</summary>\n<ol class=\"corrections\" start=\"{}\">\n",
          e.mcs.corrections.size() - ki, ki + 1);
        open_details = true;
      }
      raw("<li>");
      badge(k.actionable ? "ok" : "warn", k.actionable ? "actionable" : "hypothetical (clinical)");
      raw("<ul class=\"changes\">");
      for (const auto& ch : k.changes) {
        const auto& slot = p_.vocab.slots[static_cast<size_t>(ch.slot)];
        raw("<li>");
        expression(slot.path);
        raw(": <code>");
        text(explain::slot_value_json(p_, ch.slot, ch.from, cr.input.cpt));
        raw("</code> &#8594; <code>");
        text(explain::slot_value_json(p_, ch.slot, ch.to, cr.input.cpt));
        raw("</code> <span class=\"muted\">(");
        text(model::to_string(slot.kind));
        raw(")</span></li>");
      }
      raw("</ul></li>\n");
    }
    raw("</ol>\n");
    if (open_details) raw("</details>\n");
  }

  // Questions.
  if (!e.questions.empty()) {
    raw("<h4>Questions</h4>\n<p>The unknown facts that decide the case, and what learning each would decide.</p>\n<ul class=\"questions\">\n");
    for (const auto& q : e.questions) {
      raw("<li>");
      expression(p_.vocab.slots[static_cast<size_t>(q.slot)].path);
      raw(": ");
      for (size_t k = 0; k < q.outcomes.size(); ++k) {
        if (k) raw("; ");
        raw("<code>");
        text(explain::slot_value_json(p_, q.slot, q.outcomes[k].value));
        raw("</code> &#8594; ");
        badge(decision_class(q.outcomes[k].decision), decision_label(q.outcomes[k].decision));
      }
      raw("</li>\n");
    }
    raw("</ul>\n");
  } else if (!r.decisive_unknowns.empty()) {
    raw("<h4>Decisive unknown facts</h4>\n<ul>\n");
    for (int s : r.decisive_unknowns) {
      raw("<li>");
      expression(p_.vocab.slots[static_cast<size_t>(s)].path);
      raw("</li>\n");
    }
    raw("</ul>\n");
  }

  // The path on the graph.
  raw("<h4>Its path on the decision graph</h4>\n");
  InlineSvgOptions o;
  o.id_prefix = case_anchor(i) + "-";
  o.label = "Decision graph with the path of case " + cr.case_id + ": " + decision_label(r.decision);
  o.node_link = [this](std::string_view id) { return node_target(p_, id); };
  raw("<figure class=\"graph-figure\">\n<div class=\"scroll\">");
  raw(inline_svg(cr.svg, o));
  raw("</div>\n<figcaption>The path of ");
  text(cr.case_id);
  f(": criteria met, not met and unknown are drawn differently; the decision reached is marked; <a href=\"{}.svg\">open it on its own</a>.</figcaption>\n</figure>\n", case_anchor(i));
  raw("<details><summary>The case's facts</summary>");
  case_json(cr.input);
  raw("</details>\n</article>\n");
}

void Writer::cases() {
  raw("<section id=\"cases\" aria-labelledby=\"cases-h\">\n<h2 id=\"cases-h\">Cases</h2>\n");
  if (d_.cases.empty()) {
    raw("<p>No case was given (<code>policyproof report --case CASE.json</code> adds one).</p>\n");
  } else {
    raw("<p>Each case's exact decision, the reasons for it, every minimal correction (from <code>policyproof "
        "explain</code>) and its path on the decision graph.</p>\n");
  }
  for (size_t i = 0; i < d_.cases.size(); ++i) one_case(i, d_.cases[i]);
  raw("</section>\n");
}

// ---------------------------------------------------------------- definitions, codes, facts

void Writer::definitions() {
  raw("<section id=\"definitions\" aria-labelledby=\"definitions-h\">\n<h2 id=\"definitions-h\">Definitions and codes</h2>\n");
  raw("<table class=\"grid\">\n<caption>Definitions (the technique values each term covers)</caption>\n<thead><tr><th scope=\"col\">Term</th>"
      "<th scope=\"col\">Definition</th><th scope=\"col\">Techniques</th></tr></thead>\n<tbody>\n");
  for (size_t i = 0; i < p_.definitions.size(); ++i) {
    const auto& def = p_.definitions[i];
    f("<tr id=\"{}\"><th scope=\"row\">", escape(definition_anchor(def)));
    text(def.term);
    raw("</th><td>");
    text(def.text);
    if (i < d_.trace.definition_at.size() && !d_.trace.definition_at[i].empty()) {
      raw(" <span class=\"where\">(");
      source_links(d_.trace.definition_at[i]);
      raw(")</span>");
    }
    raw("</td><td>");
    for (size_t k = 0; k < def.techniques.size(); ++k) {
      if (k) raw(", ");
      raw("<code>");
      text(def.techniques[k]);
      raw("</code>");
    }
    raw("</td></tr>\n");
  }
  raw("</tbody>\n</table>\n");
  raw("<table class=\"grid\">\n<caption>Codes</caption>\n<thead><tr><th scope=\"col\">Code</th><th scope=\"col\">Description</th>"
      "<th scope=\"col\">Levels</th><th scope=\"col\">Techniques</th></tr></thead>\n<tbody>\n");
  for (size_t i = 0; i < p_.codes.size(); ++i) {
    const auto& code = p_.codes[i];
    f("<tr id=\"{}\"><th scope=\"row\">", escape(code_anchor(code)));
    text(code.add_on ? "+" + code.code : code.code);
    raw("</th><td>");
    text(code.description);
    if (i < d_.trace.code_at.size() && !d_.trace.code_at[i].empty()) {
      raw(" <span class=\"where\">(");
      source_links(d_.trace.code_at[i]);
      raw(")</span>");
    }
    raw("</td><td>");
    for (size_t k = 0; k < code.levels.size(); ++k) {
      if (k) raw(", ");
      text(code.levels[k]);
    }
    raw("</td><td>");
    for (size_t k = 0; k < code.techniques.size(); ++k) {
      if (k) raw(", ");
      raw("<code>");
      text(code.techniques[k]);
      raw("</code>");
    }
    raw("</td></tr>\n");
  }
  raw("</tbody>\n</table>\n</section>\n");
}

void Writer::facts() {
  raw("<section id=\"facts\" aria-labelledby=\"facts-h\">\n<h2 id=\"facts-h\">Fact vocabulary</h2>\n<p>What a case states (");
  text(p_.vocab.file);
  raw("); the encodings above read these facts.</p>\n<table class=\"grid\">\n<caption>Facts</caption>\n<thead><tr>"
      "<th scope=\"col\">Fact</th><th scope=\"col\">Kind</th><th scope=\"col\">Values</th><th scope=\"col\">Meaning</th></tr></thead>\n<tbody>\n");
  for (const auto& fact : p_.vocab.facts) {
    f("<tr id=\"{}\"><th scope=\"row\"><code>", escape(fact_anchor(fact.path)));
    text(fact.path);
    raw("</code></th><td>");
    text(model::to_string(fact.kind));
    raw("</td><td>");
    switch (fact.type) {
      case model::FactType::Bool: raw("true | false"); break;
      case model::FactType::Number:
        f("number in [{}, {}]", fact.min, fact.max >= 1e299 ? std::string("&#8734;") : fmt::format("{}", fact.max));
        break;
      case model::FactType::Enum:
      case model::FactType::EnumSet:
      case model::FactType::CodeList: {
        raw(fact.type == model::FactType::Enum ? "one of " : "a list of ");
        for (size_t k = 0; k < fact.values.size(); ++k) {
          if (k) raw(", ");
          text(fact.values[k]);
        }
        break;
      }
      case model::FactType::Group: {
        raw("members: ");
        for (size_t k = 0; k < fact.members.size(); ++k) {
          if (k) raw(", ");
          raw("<code>");
          text(fact.members[k].name);
          raw("</code>");
        }
        break;
      }
    }
    raw("</td><td>");
    text(fact.description);
    raw("</td></tr>\n");
  }
  raw("</tbody>\n</table>\n</section>\n");
}

}  // namespace

std::string write_report_html(const ReportData& data) { return Writer(data).run(); }

}  // namespace pp::reports
