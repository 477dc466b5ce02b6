// The report page: the summary and the decision graph (reports layer).
#include "reports/page_writer.h"

namespace pp::reports::page {

// ---------------------------------------------------------------- summary

void PageWriter::summary() {
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

void PageWriter::inline_picture(const std::string& svg, const std::string& id_prefix, const std::string& label) {
  InlineSvgOptions o;
  o.id_prefix = id_prefix;
  o.label = label;
  o.node_link = [this](std::string_view id) { return node_target(p_, id); };
  if (svg.empty()) {  // a view too large to read at this width (report_builder.cpp)
    raw("<p class=\"note\">Not drawn here: ");
    text(label);
    raw(" has too many criteria to read at this page's width; the full decision graph (linked below) draws "
        "them all.</p>\n");
    return;
  }
  raw("<div class=\"scroll\">");
  raw(inline_svg(svg, o));
  raw("</div>\n");
}

void PageWriter::decision_graph() {
  raw("<section id=\"graph\" aria-labelledby=\"graph-h\">\n<h2 id=\"graph-h\">Decision graph</h2>\n");
  raw("<p>The case is medically necessary when ANY pathway is met and NO exclusion applies: first the overview, then "
      "each pathway with every criterion, then the exclusions, each drawn to read at this page's width. A pathway is "
      "met when ALL (or ANY) of its parts are. Hover over a node for its id and policy sentence; select a node to go "
      "to its entry. <a href=\"decision-graph.svg\">The full decision graph</a>, every criterion in one picture, opens "
      "on its own.</p>\n");
  for (const auto& v : d_.views) {
    f("<figure class=\"graph-figure\" id=\"{}\">\n", escape(v.id));
    inline_picture(v.svg, v.id + "-", v.label);
    raw("<figcaption>");
    text(v.title);
    raw(" (<code>policyproof render --view ");
    if (v.id.rfind("view-pathway-", 0) == 0) text("pathway " + v.id.substr(13));
    else text(v.id.substr(5));
    raw("</code>); <a href=\"decision-graph.svg\">the full decision graph</a>.</figcaption>\n</figure>\n");
  }
  raw("</section>\n");
}

}  // namespace pp::reports::page
