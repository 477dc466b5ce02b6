// The report page: what the checks found: the ambiguities, prove's
// properties and analyze's findings, with their witnesses (reports layer).
#include "reports/page_writer.h"

namespace pp::reports::page {

// ---------------------------------------------------------------- ambiguities

void PageWriter::ambiguities() {
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

void PageWriter::properties() {
  if (d_.properties.file.empty()) {
    raw("<section id=\"properties\" aria-labelledby=\"properties-h\">\n<h2 id=\"properties-h\">Properties</h2>\n"
        "<p class=\"note\">No properties file was found for this policy (<code>POLICY.properties.yaml</code> beside "
        "it), so nothing it promises was checked here; <code>policyproof prove PROPERTIES.yaml --policy POLICY</code> checks one.</p>\n"
        "</section>\n");
    return;
  }
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

void PageWriter::claims(const std::vector<solver::Claim>& cl) {
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

void PageWriter::finding(size_t i, const solver::Finding& fd) {
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

void PageWriter::findings() {
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

}  // namespace pp::reports::page
