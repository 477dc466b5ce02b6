// The report page: definitions, codes and the fact vocabulary (reports layer).
#include "reports/page_writer.h"

namespace pp::reports::page {

// ---------------------------------------------------------------- definitions, codes, facts

void PageWriter::definitions() {
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

void PageWriter::facts() {
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

}  // namespace pp::reports::page
