// The report page: each case's decision, path, reasons and corrections
// (reports layer).
#include "reports/page_writer.h"

#include "explain/case_reasons.h"

namespace pp::reports::page {

// ---------------------------------------------------------------- cases

void PageWriter::one_case(size_t i, const CaseReport& cr) {
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
  {
    // Readings the decision rests on, and billing codes that disagree with the request.
    explain::CaseReasons reasons = explain::case_reasons(p_, cr.input, e);
    if (!reasons.depends_on.empty() || !reasons.warnings.empty()) {
      raw("<ul class=\"warnings\">\n");
      for (const auto& d : reasons.depends_on) {
        raw("<li>warning: ");
        text(solver::dependence_text(p_, d));
        raw("</li>\n");
      }
      for (const auto& w : reasons.warnings) {
        raw("<li>warning: billing: ");
        text(w);
        raw("</li>\n");
      }
      raw("</ul>\n");
    }
  }

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

  // What decided it: the path view, then the whole graph on its own.
  raw("<h4>What decided it</h4>\n");
  raw("<figure class=\"graph-figure\">\n");
  inline_picture(cr.path_svg, case_anchor(i) + "-",
                 "What decided case " + cr.case_id + ": " + decision_label(r.decision) + ", with the case's values");
  raw("<figcaption>What decided ");
  text(cr.case_id);
  f(": the pathway that approved it or came closest, the exclusions that apply or may, each with the case's value "
    "against what the criterion needs; what did not decide it is grey. <a href=\"{}.svg\">The full decision graph with "
    "this case's path</a> opens on its own.</figcaption>\n</figure>\n", case_anchor(i));
  raw("<details><summary>The case's facts</summary>");
  case_json(cr.input);
  raw("</details>\n</article>\n");
}

void PageWriter::cases() {
  raw("<section id=\"cases\" aria-labelledby=\"cases-h\">\n<h2 id=\"cases-h\">Cases</h2>\n");
  if (d_.cases.empty()) {
    raw("<p>No case was given (<code>policyproof report --case CASE.json</code> adds one).</p>\n");
  } else {
    raw("<p>Each case's exact decision, the reasons for it, every minimal correction (from <code>policyproof "
        "explain</code>) and what decided it, drawn.</p>\n");
  }
  for (size_t i = 0; i < d_.cases.size(); ++i) one_case(i, d_.cases[i]);
  raw("</section>\n");
}

}  // namespace pp::reports::page
