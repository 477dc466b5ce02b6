#include "explain/explainer.h"

#include <algorithm>
#include <stdexcept>

namespace pp::explain {

using model::Decision;
using model::FactType;

Explainer::Explainer(std::shared_ptr<const model::Policy> policy, solver::Limits limits)
    : policy_(policy), engine_(policy, limits), mcs_(policy, limits), evaluator_(*policy) {}

model::Case apply_correction(const model::Policy& policy, const model::Case& c, const solver::Correction& k,
                             int skip) {
  const auto& v = policy.vocab;
  model::Case out = c;
  for (size_t i = 0; i < k.changes.size(); ++i) {
    if (static_cast<int>(i) == skip) continue;
    const solver::SlotChange& ch = k.changes[i];
    const model::Slot& sl = v.slots[static_cast<size_t>(ch.slot)];
    for (size_t j = 0; j < sl.atoms.size(); ++j) out.set(sl.atoms[j], ch.to[j]);
    const model::Fact& f = v.facts[static_cast<size_t>(sl.fact)];
    if (f.type == FactType::CodeList) {
      std::vector<model::CptLine> lines;
      for (size_t j = 0; j < sl.atoms.size(); ++j) {
        if (ch.to[j] == 0) continue;
        model::CptLine line{f.values[j], 1};
        for (const auto& old : c.cpt)
          if (old.code == line.code) line.units = old.units;
        lines.push_back(line);
      }
      out.cpt = std::move(lines);
    }
  }
  return out;
}

std::vector<std::vector<double>> question_values(const model::Policy& policy, int slot) {
  const auto& v = policy.vocab;
  const model::Slot& sl = v.slots[static_cast<size_t>(slot)];
  const model::Fact& f = v.facts[static_cast<size_t>(sl.fact)];
  std::vector<std::vector<double>> out;
  switch (f.type) {
    case FactType::Bool:
    case FactType::Group:
      out = {{1.0}, {0.0}};
      break;
    case FactType::Number:
      for (double x : solver::number_representatives(policy, sl.atoms[0])) out.push_back({x});
      break;
    case FactType::Enum:
      for (size_t i = 0; i < f.values.size(); ++i) out.push_back({static_cast<double>(i)});
      break;
    case FactType::EnumSet:
    case FactType::CodeList:
      if (f.type == FactType::CodeList) out.emplace_back(sl.atoms.size(), 0.0);
      for (size_t i = 0; i < sl.atoms.size(); ++i) {
        std::vector<double> one(sl.atoms.size(), 0.0);
        one[i] = 1.0;
        out.push_back(one);
      }
      break;
  }
  return out;
}

std::string Explainer::check_correction(const model::Case& closed, const solver::Correction& k, bool* inexact) {
  const auto& p = *policy_;
  auto decide = [&](const model::Case& c) {
    solver::CaseResult r = engine_.evaluate(c);
    if (!r.exact && inexact) *inexact = true;
    return r;
  };
  // Each change follows its slot's rule.
  for (const auto& ch : k.changes) {
    solver::ChangeRule rule = solver::change_rule(p, ch.slot, ch.from);
    const auto& path = p.vocab.slots[static_cast<size_t>(ch.slot)].path;
    if (ch.from == ch.to) return "the change of `" + path + "` changes nothing";
    if (rule == solver::ChangeRule::Fixed) return "`" + path + "` may not change";
    if (rule == solver::ChangeRule::GrowOnly && ch.to[0] < ch.from[0]) return "`" + path + "` may only grow";
  }
  model::Case fixed = apply_correction(p, closed, k);
  model::Evaluation none;
  for (const auto& r : p.relations)
    if (evaluator_.eval(r.expr, fixed, none) == model::Tri::False) return "the corrected case breaks relation `" + r.id + "`";
  solver::CaseResult all = decide(fixed);
  if (all.exact && all.decision != Decision::MedicallyNecessary)
    return std::string("applied, the case is ") + model::to_string(all.decision);
  for (size_t i = 0; i < k.changes.size(); ++i) {
    model::Case part = apply_correction(p, closed, k, static_cast<int>(i));
    solver::CaseResult r = decide(part);
    if (r.exact && r.decision == Decision::MedicallyNecessary)
      return "not minimal: without the change of `" + p.vocab.slots[static_cast<size_t>(k.changes[i].slot)].path +
             "` the case is still medically necessary";
  }
  return "";
}

namespace {

std::vector<std::string> paths_of(const model::Policy& p, const solver::Correction& k) {
  std::vector<std::string> out;
  for (const auto& ch : k.changes) out.push_back(p.vocab.slots[static_cast<size_t>(ch.slot)].path);
  return out;
}

}  // namespace

Explanation Explainer::explain(const model::Case& c, const ExplainOptions& options) {
  const auto& p = *policy_;
  Explanation out;
  out.closed = c;
  evaluator_.close_under_relations(out.closed);
  out.result = engine_.evaluate(out.closed);
  const auto& ev = out.result.evaluation;
  // Out of the policy's scope: neither approved nor denied, nothing to correct.
  if (out.result.decision == Decision::OutOfScope && out.result.exact) {
    out.reasons.push_back(p.scope);
    return out;
  }

  for (int x : model::applying_exclusions(p, ev)) out.reasons.push_back(x);
  if (out.result.decision != Decision::MedicallyNecessary)
    for (int u : model::unmet_criteria(p, ev)) out.reasons.push_back(u);

  std::vector<int> read;
  for (const auto& cr : p.criteria) model::collect_atoms(cr.expr, read);
  std::vector<char> in_support(p.vocab.slots.size(), 0);
  for (int a : read) in_support[static_cast<size_t>(p.vocab.atoms[static_cast<size_t>(a)].slot)] = 1;
  for (size_t s = 0; s < p.vocab.slots.size(); ++s)
    if (in_support[s] && !out.closed.slot_known(p.vocab.slots[s])) ++out.unknown_slots;

  if (out.result.decision == Decision::MedicallyNecessary && out.result.exact) return out;

  // Corrections, each checked before it is shown.
  solver::McsOptions mo;
  mo.max = options.max;
  mo.frozen_slots = options.frozen_slots;
  out.mcs = mcs_.enumerate(out.closed, mo);
  std::vector<solver::Correction> checked;
  for (auto& k : out.mcs.corrections) {
    bool inexact = false;
    std::string why = check_correction(out.closed, k, &inexact);
    if (!why.empty()) {
      std::string paths;
      for (const auto& s : paths_of(p, k)) paths += (paths.empty() ? "" : ", ") + s;
      throw std::logic_error("correction {" + paths + "} failed its check: " + why);
    }
    if (inexact) {
      // Not refuted, not confirmed: left out rather than shown unchecked.
      out.mcs.exact = false;
      out.mcs.complete = false;
      out.mcs.reason = "a correction could not be checked within the solver's limits";
      continue;
    }
    checked.push_back(std::move(k));
  }
  std::stable_sort(checked.begin(), checked.end(), [&](const solver::Correction& a, const solver::Correction& b) {
    if (a.actionable != b.actionable) return a.actionable;
    if (a.changes.size() != b.changes.size()) return a.changes.size() < b.changes.size();
    return paths_of(p, a) < paths_of(p, b);
  });
  // The enumerator finished the size level where the cap fell; cut after sorting.
  if (options.max > 0 && checked.size() > static_cast<size_t>(options.max)) {
    checked.resize(static_cast<size_t>(options.max));
    out.mcs.complete = false;
  }
  out.mcs.corrections = std::move(checked);

  // Questions: what each decisive unknown would decide, learnt alone.
  for (int s : out.result.decisive_unknowns) {
    Question q;
    q.slot = s;
    const auto& atoms = p.vocab.slots[static_cast<size_t>(s)].atoms;
    for (const auto& val : question_values(p, s)) {
      model::Case learnt = out.closed;
      for (size_t j = 0; j < atoms.size(); ++j) learnt.set(atoms[j], val[j]);
      // A value the domain relations forbid (given the rest) is no answer.
      model::Evaluation none;
      bool consistent = true;
      model::Case closed_learnt = learnt;
      evaluator_.close_under_relations(closed_learnt);
      for (const auto& r : p.relations)
        consistent = consistent && evaluator_.eval(r.expr, closed_learnt, none) != model::Tri::False;
      if (!consistent) continue;
      solver::CaseResult r = engine_.evaluate(learnt);
      Outcome o{val, r.exact ? r.decision : Decision::Undetermined};
      int idx = static_cast<int>(q.outcomes.size());
      if (o.decision == Decision::MedicallyNecessary && q.approve < 0) q.approve = idx;
      if (o.decision == Decision::NotMedicallyNecessary && q.deny < 0) q.deny = idx;
      q.outcomes.push_back(std::move(o));
    }
    out.questions.push_back(std::move(q));
  }
  return out;
}

}  // namespace pp::explain
