// Vacuous and redundant criteria (solver layer). The policy with a criterion
// replaced by true (removed from an All group) and by false (removed from an
// Any group) is compiled over the same case variables: where the two decide
// alike, the criterion is vacuous; where one of them decides as the policy
// wherever the criterion matters, it is redundant in its group, and a minimal
// set of context literals says why.
#include <algorithm>

#include <fmt/format.h>

#include "solver/analysis/analyses.h"
#include "solver/analysis/analysis_text.h"
#include "solver/core_minimizer.h"

namespace pp::solver::analysis {

using model::Criterion;
using model::CriterionKind;

namespace {

// Why criterion `x` with value `x_value` cannot occur where it could change a
// decision: a minimal set of context literals (CriteriaGraph::context) that,
// with the axioms, exclude it. Empty when the context alone does not explain it.
std::vector<std::pair<int, bool>> why_irrelevant(AnalysisContext& cx, int x, bool x_value) {
  std::optional<CriteriaGraph::Context> ctx_lits = cx.graph().context(x);
  if (!ctx_lits) return {};
  std::vector<std::pair<int, bool>> lits;
  for (const auto& [k, v] : *ctx_lits)
    if (k != x && !cx.graph().depends_on(k, x)) lits.emplace_back(k, v);
  if (lits.empty()) return {};
  auto literal = [&](const std::pair<int, bool>& l) {
    z3::expr e = l.first == kAnyPathway ? cx.enc().any_pathway() : cx.enc().criterion(l.first);
    return l.second ? e : !e;
  };
  z3::solver& s = cx.solver();
  s.push();
  s.add(x_value ? cx.enc().criterion(x) : !cx.enc().criterion(x));
  std::vector<z3::expr> trackers;
  for (size_t i = 0; i < lits.size(); ++i) {
    z3::expr t = cx.ctx().bool_const(fmt::format("!ctx.{}.{}", x, i).c_str());
    s.add(z3::implies(t, literal(lits[i])));
    trackers.push_back(t);
  }
  std::vector<std::pair<int, bool>> out;
  if (auto core = minimal_core(s, trackers, CoreOrder::ByIndex))
    for (size_t i : *core) out.push_back(lits[i]);
  s.pop();
  return out;
}

}  // namespace

void find_redundant_criteria(AnalysisContext& cx, const CriterionFlags& flags) {
  for (int i = 0; i < cx.n(); ++i) {
    if (flags.dead[static_cast<size_t>(i)] || flags.constant[static_cast<size_t>(i)]) continue;
    const model::Criterion& c = cx.crit(i);
    std::vector<int> all_parents, any_parents;
    bool referenced = false;
    for (const CriteriaGraph::Use& u : cx.graph().uses(i)) {
      if (u.kind == CriteriaGraph::UseKind::AllChild) all_parents.push_back(u.parent);
      else if (u.kind == CriteriaGraph::UseKind::AnyChild) any_parents.push_back(u.parent);
      else referenced = true;
    }
    bool in_list = c.kind != CriterionKind::Condition;  // pathways and exclusions: Any lists
    if (!in_list && cx.graph().uses(i).empty()) {
      Finding f;
      f.kind = "vacuous";
      f.severity = Severity::Warning;
      f.criteria = {c.id};
      f.message = fmt::format("{} is used by no pathway, exclusion or other criterion: it never changes a decision", cx.name(i));
      cx.add(std::move(f));
      continue;
    }
    const Encoding& t = cx.with_constant(i, true);
    const Encoding& fl = cx.with_constant(i, false);
    z3::expr pivot = t.decision() != fl.decision();
    CheckResult r = cx.ask({pivot});
    if (r.answer == Answer::Unknown) {
      cx.incomplete("whether " + c.id + " can change a decision", r, {c.id});
      continue;
    }
    bool vacuous = r.answer == Answer::Unsat;
    bool true_where_it_matters = vacuous, false_where_it_matters = vacuous;
    if (!vacuous && !all_parents.empty()) {
      CheckResult q = cx.ask({pivot, !cx.enc().criterion(i)});
      if (q.answer == Answer::Unknown) cx.incomplete("whether " + c.id + " can be removed from its group", q, {c.id});
      true_where_it_matters = q.answer == Answer::Unsat;
    }
    if (!vacuous && (!any_parents.empty() || in_list)) {
      CheckResult q = cx.ask({pivot, cx.enc().criterion(i)});
      if (q.answer == Answer::Unknown) cx.incomplete("whether " + c.id + " can be removed from its group", q, {c.id});
      false_where_it_matters = q.answer == Answer::Unsat;
    }
    if (!vacuous && !true_where_it_matters && !false_where_it_matters) continue;

    Finding f;
    f.criteria = {c.id};
    std::string why;
    // Removable from an All group: true wherever it matters.
    if (true_where_it_matters && !all_parents.empty()) {
      auto lits = why_irrelevant(cx, i, false);
      std::vector<std::string> groups;
      for (int g : all_parents) groups.push_back(cx.crit(g).id);
      f.kind = "redundant";
      why = fmt::format("removing it from {} (all of) changes no decision", prose_list(groups));
      if (!lits.empty()) {
        std::vector<std::string> names;
        for (const auto& [k, v] : lits) {
          names.push_back(cx.graph().literal_text(k, v));
          if (k >= 0) f.criteria.push_back(cx.crit(k).id);
        }
        why += fmt::format(": wherever it could change a decision, {} {}, and under the domain relations {} it",
                           prose_list(names), lits.size() == 1 ? "holds" : "hold",
                           lits.size() == 1 ? "that implies" : "these imply");
      } else {
        why += " (proved over every case)";
      }
    } else if (false_where_it_matters && (!any_parents.empty() || in_list)) {
      auto lits = why_irrelevant(cx, i, true);
      std::vector<std::string> groups;
      for (int g : any_parents) groups.push_back(cx.crit(g).id + " (any of)");
      if (c.kind == CriterionKind::Pathway) groups.push_back("the pathways");
      if (c.kind == CriterionKind::Exclusion) groups.push_back("the exclusions");
      f.kind = "redundant";
      why = fmt::format("removing it from {} changes no decision", prose_list(groups));
      if (!lits.empty()) {
        bool all_negative = true;
        std::vector<std::string> positives, names;
        for (const auto& [k, v] : lits) {
          names.push_back(cx.graph().literal_text(k, v));
          if (k >= 0) f.criteria.push_back(cx.crit(k).id);
          if (v || k == kAnyPathway) all_negative = false;
          else positives.push_back(cx.crit(k).id);
        }
        if (all_negative)
          why += fmt::format(": under the domain relations, whenever it is met, {} is met too", prose_list(positives, " or "));
        else if (lits.size() == 1 && lits[0].first == kAnyPathway)
          why += ": it cannot apply to a case that meets a pathway (the pathways' own criteria rule it out)";
        else
          why += fmt::format(": wherever it could change a decision, {} {}, and under the domain relations that rules it out",
                             prose_list(names), lits.size() == 1 ? "holds" : "hold");
      } else {
        why += " (proved over every case)";
      }
    } else {
      f.kind = "vacuous";
      why = vacuous ? "it never changes a decision: replacing it by true or by false gives every case the same decision"
                    : true_where_it_matters ? "it is met wherever it could change a decision: replacing it by true changes no decision"
                                            : "it is unmet wherever it could change a decision: replacing it by false changes no decision";
      if (referenced && !vacuous) why += " (it is referenced from other conditions)";
    }
    if (vacuous && f.kind == "redundant") why += "; in fact it never changes a decision at all";
    f.severity = c.kind == CriterionKind::Condition ? Severity::Warning : Severity::Info;
    f.message = cx.name(i) + ": " + why;
    std::sort(f.criteria.begin() + 1, f.criteria.end());
    cx.add(std::move(f));
  }
}

}  // namespace pp::solver::analysis
