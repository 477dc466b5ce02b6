// The report page: the criteria, each with its section, sentence, place and
// encoding, and the expression and message formatting they use (reports layer).
#include "reports/page_writer.h"

namespace pp::reports::page {

// ---------------------------------------------------------------- expressions

void PageWriter::expression(const std::string& src) {
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
void PageWriter::message(const std::string& msg) {
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

void PageWriter::criteria() {
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

void PageWriter::criterion(int i) {
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
        // A long chain shows its ends: listed whole, a chain of n criteria
        // made the page grow as n^2 (390 MB for 4,000).
        const size_t inner = chain.size() - 2, shown = 4;
        for (size_t j = 1; j + 1 < chain.size(); ++j) {
          if (inner > 2 * shown && j == shown + 1) {
            f(" &#8250; &#8230; {} more &#8230;", inner - 2 * shown);
            j = chain.size() - 2 - shown;
            continue;
          }
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

}  // namespace pp::reports::page
