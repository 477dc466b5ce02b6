// Dead and always-met criteria (solver layer): for each criterion, a case
// that meets it and one that does not, or the proof that none exists; then
// the pathways an exclusion overrides wherever they are met. A criterion seen
// both ways in an earlier witness is not asked again.
#include <fmt/format.h>

#include "solver/analysis/analyses.h"
#include "solver/analysis/analysis_text.h"
#include "solver/core_minimizer.h"

namespace pp::solver::analysis {

using model::Criterion;
using model::CriterionKind;
using model::Decision;
using model::Tri;

namespace {

// The axioms (domains, relations) that, with `e`, are unsatisfiable: a
// minimal core, in Z3's notation; "" when `e` is contradictory by itself.
std::string axioms_against(AnalysisContext& cx, const z3::expr& e) {
  z3::solver t = cx.session().make_solver();
  const z3::expr_vector& axioms = cx.enc().axiom_list();
  std::vector<z3::expr> trackers;
  for (unsigned k = 0; k < axioms.size(); ++k) {
    z3::expr tk = cx.ctx().bool_const(fmt::format("!axiom.{}", k).c_str());
    t.add(z3::implies(tk, axioms[static_cast<int>(k)]));
    trackers.push_back(tk);
  }
  t.add(e);
  std::optional<std::vector<size_t>> core = minimal_core(t, trackers, CoreOrder::AsFound);
  if (!core) return "";
  if (core->empty()) return " (its condition contradicts itself)";
  std::vector<std::string> texts;
  for (size_t j : *core) texts.push_back(axioms[static_cast<int>(j)].to_string());
  return " (it contradicts " + prose_list(texts) + ")";
}

}  // namespace

CriterionFlags find_dead_criteria(AnalysisContext& cx) {
  const model::Policy& p = cx.policy();
  std::vector<char> seen_true(static_cast<size_t>(cx.n()), 0), seen_false(static_cast<size_t>(cx.n()), 0);
  auto note = [&](const model::Case& c) {
    model::Evaluation e = cx.evaluator().evaluate(c);
    for (int i = 0; i < cx.n(); ++i) (e.criteria[static_cast<size_t>(i)] == Tri::True ? seen_true : seen_false)[static_cast<size_t>(i)] = 1;
  };
  std::vector<char> dead(static_cast<size_t>(cx.n()), 0), constant(static_cast<size_t>(cx.n()), 0);
  for (int i = 0; i < cx.n(); ++i) {
    const model::Criterion& c = cx.crit(i);
    for (bool v : {true, false}) {
      auto& seen = v ? seen_true : seen_false;
      if (seen[static_cast<size_t>(i)]) continue;
      CheckResult r;
      Claim cl;
      cl.criteria.emplace_back(c.id, v);
      std::optional<model::Case> m = cx.solve({cl}, {}, &r);
      if (m) {
        note(*m);
        continue;
      }
      if (r.answer == Answer::Unknown) {
        cx.incomplete(fmt::format("whether {} can be {}", c.id, v ? "met" : "unmet"), r, {c.id});
        continue;
      }
      Finding f;
      f.criteria = {c.id};
      if (v) {
        dead[static_cast<size_t>(i)] = 1;
        f.kind = "dead";
        f.severity = c.kind == CriterionKind::Condition ? Severity::Warning : Severity::Error;
        f.message = fmt::format("{} can never be met: no case consistent with the domain relations satisfies it{}{}",
                                cx.name(i), c.kind == CriterionKind::Pathway ? ", so the pathway never approves"
                                         : c.kind == CriterionKind::Exclusion ? ", so the exclusion never applies" : "",
                                axioms_against(cx, cx.enc().criterion(i)));
      } else {
        constant[static_cast<size_t>(i)] = 1;
        f.kind = "always_met";
        f.severity = c.kind == CriterionKind::Exclusion ? Severity::Error : Severity::Warning;
        f.message = fmt::format("{} is met by every case{}", cx.name(i),
                                c.kind == CriterionKind::Exclusion ? ": the exclusion denies every case"
                                : c.kind == CriterionKind::Pathway ? ": the pathway asks for nothing"
                                                                   : ": it constrains nothing");
      }
      cx.add(std::move(f));
    }
  }
  // A pathway that can be met but is excluded whenever it is: it never approves.
  for (int pth : p.pathways) {
    if (dead[static_cast<size_t>(pth)]) continue;
    Finding f;
    f.kind = "dead";
    f.criteria = {cx.crit(pth).id};
    Claim cl;
    cl.criteria.emplace_back(cx.crit(pth).id, true);
    cl.decision = Decision::MedicallyNecessary;
    CheckResult r;
    if (cx.solve({cl}, {}, &r)) continue;
    if (r.answer == Answer::Unknown) {
      cx.incomplete("whether " + cx.crit(pth).id + " can approve a case", r, f.criteria);
      continue;
    }
    f.severity = Severity::Error;
    f.message = fmt::format("{} can be met, but an exclusion applies to every case that meets it: the pathway never approves", cx.name(pth));
    cx.add(std::move(f));
    dead[static_cast<size_t>(pth)] = 1;
  }
  return {std::move(dead), std::move(constant)};
}

}  // namespace pp::solver::analysis
