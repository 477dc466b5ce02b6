// The report page: what a corpus of cases exercised (`report --coverage`):
// per criterion, in policy order and traced to its sentence, in how many cases
// it was met, not met, unknown and decisive; the criteria the corpus never
// touched, highlighted; the MC/DC independence pairs it holds (reports layer;
// the numbers are solver::corpus_coverage's, as `policyproof coverage` prints).
#include "reports/page_writer.h"

namespace pp::reports::page {

void PageWriter::corpus_coverage() {
  if (!d_.corpus) return;
  const auto& corpus = *d_.corpus;
  const auto& cov = corpus.coverage;
  raw("<section id=\"corpus-coverage\" aria-labelledby=\"corpus-coverage-h\">\n<h2 id=\"corpus-coverage-h\">Coverage of a "
      "corpus of cases</h2>\n<p>What the ");
  f("{} case{} of ", cov.cases, cov.cases == 1 ? "" : "s");
  for (size_t i = 0; i < corpus.files.size(); ++i) {
    if (i) raw(", ");
    raw("<code>");
    text(corpus.files[i]);
    raw("</code>");
  }
  f(" exercised ({} medically necessary, {} not medically necessary, {} undetermined; as <code>policyproof coverage</code> "
    "counts them). A criterion is <em>decisive</em> in a case when flipping its value alone changes the decision; a "
    "condition has an <em>MC/DC pair</em> when two cases differ in it alone and in the decision.</p>\n",
    cov.decisions[0], cov.decisions[1], cov.decisions[2]);

  const size_t n = cov.criteria.size();
  int met = 0, not_met = 0, decisive = 0;
  std::vector<int> untouched;
  for (size_t k = 0; k < n; ++k) {
    const auto& c = cov.criteria[k];
    met += c.met > 0, not_met += c.not_met > 0, decisive += c.decisive > 0;
    if (!c.met && !c.not_met) untouched.push_back(static_cast<int>(k));
  }
  raw("<div class=\"cards\">\n");
  f("<div class=\"card\" id=\"coverage-met\"><p class=\"num\">{}/{}</p><p>criteria met in some case</p></div>\n", met, n);
  f("<div class=\"card\" id=\"coverage-not-met\"><p class=\"num\">{}/{}</p><p>criteria not met in some case</p></div>\n",
    not_met, n);
  f("<div class=\"card {}\" id=\"coverage-decisive\"><p class=\"num\">{}/{}</p><p>criteria decisive in some case</p></div>\n",
    decisive == static_cast<int>(n) ? "ok" : "warn", decisive, n);
  f("<div class=\"card {}\" id=\"coverage-pairs\"><p class=\"num\">{}/{}</p><p><a href=\"#coverage-mcdc\">conditions with an MC/DC "
    "pair</a></p></div>\n",
    cov.pairs() == static_cast<int>(cov.conditions.size()) ? "ok" : "warn", cov.pairs(), cov.conditions.size());
  raw("</div>\n");

  raw("<h3 id=\"coverage-untouched\">Never exercised</h3>\n");
  if (untouched.empty()) {
    raw("<p>Every criterion was met or not met in some case.</p>\n");
  } else {
    f("<p class=\"untouched\"><strong>{} criteri{} neither met nor not met in any case</strong> (unknown in every case, or "
      "no case reached them): ",
      untouched.size(), untouched.size() == 1 ? "on" : "a");
    for (size_t k = 0; k < untouched.size(); ++k) {
      if (k) raw(", ");
      crit_link(untouched[k]);
    }
    raw(".</p>\n");
  }
  // As the text output of `coverage` lists them, folded: the criteria never
  // met, never not met, never decisive.
  auto never = [&](const char* what, auto field) {
    std::vector<int> ids;
    for (size_t k = 0; k < n; ++k)
      if (field(cov.criteria[k]) == 0) ids.push_back(static_cast<int>(k));
    f("<details class=\"never\"><summary>{} criteri{} never {}</summary><p>", ids.size(), ids.size() == 1 ? "on" : "a", what);
    if (ids.empty()) raw("none");
    for (size_t k = 0; k < ids.size(); ++k) {
      if (k) raw(", ");
      crit_link(ids[k]);
    }
    raw("</p></details>\n");
  };
  never("met", [](const solver::CriterionCoverage& c) { return c.met; });
  never("not met", [](const solver::CriterionCoverage& c) { return c.not_met; });
  never("decisive", [](const solver::CriterionCoverage& c) { return c.decisive; });

  raw("<table class=\"grid coverage\">\n<caption>Criteria, in policy order</caption>\n<thead><tr><th scope=\"col\">Criterion</th>"
      "<th scope=\"col\">Policy sentence</th><th scope=\"col\">Met</th><th scope=\"col\">Not met</th><th scope=\"col\">Unknown</th>"
      "<th scope=\"col\">Decisive</th></tr></thead>\n<tbody>\n");
  for (size_t k = 0; k < n; ++k) {
    const auto& c = cov.criteria[k];
    const auto& crit = p_.criteria[k];
    // Never met nor not met: untouched; else what the corpus misses of it.
    bool never = !c.met && !c.not_met;
    bool partial = !never && (!c.met || !c.not_met || !c.decisive);
    raw("<tr id=\"cov-");
    text(crit.id);
    f("\"{}><td>", never ? " class=\"untouched\"" : partial ? " class=\"partial\"" : "");
    crit_link(static_cast<int>(k), true);
    if (never) {
      raw(" ");
      badge("bad", "never exercised");
    } else {
      for (auto [missing, what] : {std::pair{!c.met, "never met"}, {!c.not_met, "never not met"}, {!c.decisive, "never decisive"}})
        if (missing) {
          raw(" ");
          badge("warn", what);
        }
    }
    raw("</td><td><q>");
    text(crit.text);
    raw("</q>");
    if (k < d_.trace.criteria.size() && !d_.trace.criteria[k].found_at.empty()) {
      raw(" <span class=\"where\">");
      source_links(d_.trace.criteria[k].found_at);
      raw("</span>");
    }
    auto cell = [&](int v, bool highlight) { f("<td class=\"num{}\">{}</td>", highlight && v == 0 ? " zero" : "", v); };
    raw("</td>");
    cell(c.met, true);
    cell(c.not_met, true);
    cell(c.unknown, false);
    cell(c.decisive, true);
    raw("</tr>\n");
  }
  raw("</tbody>\n</table>\n");

  f("<h3 id=\"coverage-mcdc\">MC/DC pairs: {} of {} conditions</h3>\n", cov.pairs(), cov.conditions.size());
  raw("<p>Each leaf condition of the policy (as <code>policyproof generate --mcdc</code> names them), how many cases held it "
      "true and false, and a pair of cases of the corpus that differ in it alone and in the decision.</p>\n");
  raw("<table class=\"grid mcdc\">\n<thead><tr><th scope=\"col\">Condition</th><th scope=\"col\">Criterion</th>"
      "<th scope=\"col\">True</th><th scope=\"col\">False</th><th scope=\"col\">Pair (true, false)</th></tr></thead>\n<tbody>\n");
  for (const auto& c : cov.conditions) {
    bool pair = c.first >= 0 && c.second >= 0 && static_cast<size_t>(std::max(c.first, c.second)) < corpus.labels.size();
    f("<tr{}><td><code>", pair ? "" : " class=\"no-pair\"");
    text(c.id);
    raw("</code> ");
    expression(c.text);
    raw("</td><td>");
    crit_link(c.criterion);
    f("</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td>", c.when_true, c.when_false);
    if (pair) {
      raw("<code>");
      text(corpus.labels[static_cast<size_t>(c.first)]);
      raw("</code>, <code>");
      text(corpus.labels[static_cast<size_t>(c.second)]);
      raw("</code>");
    } else {
      badge("warn", "no pair");
    }
    raw("</td></tr>\n");
  }
  raw("</tbody>\n</table>\n</section>\n");
}

}  // namespace pp::reports::page
