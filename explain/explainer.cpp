#include "explain/explainer.h"

#include <algorithm>
#include <cstdint>
#include <limits>
#include <stdexcept>

#include "model/change_rules.h"
#include "model/number_regions.h"

namespace pp::explain {

using model::Decision;
using model::FactType;

Explainer::Explainer(std::shared_ptr<const model::Policy> policy, solver::Limits limits)
    : policy_(policy), engine_(policy, limits), mcs_(policy, limits), evaluator_(*policy) {}

model::Case apply_correction(const model::Policy& policy, const model::Case& c, const solver::Correction& k,
                             int skip) {
  const auto& v = policy.vocab;
  model::Case out = c;
  std::vector<int> changed;
  for (size_t i = 0; i < k.changes.size(); ++i) {
    const solver::SlotChange& ch = k.changes[i];
    if (static_cast<int>(i) == skip || ch.follows) continue;
    const model::Slot& sl = v.slots[static_cast<size_t>(ch.slot)];
    for (size_t j = 0; j < sl.atoms.size(); ++j) out.set(sl.atoms[j], ch.to[j]);
    changed.push_back(ch.slot);
  }
  // The clock advanced by the care, the codes of the new request.
  model::settle_followers(policy, c, out, changed);
  return out;
}

std::string question_text(const model::Policy& policy, int slot) {
  const auto& v = policy.vocab;
  const model::Slot& sl = v.slots[static_cast<size_t>(slot)];
  const model::Fact& f = v.facts[static_cast<size_t>(sl.fact)];
  auto capital = [](std::string s) {
    if (!s.empty() && s[0] >= 'a' && s[0] <= 'z') s[0] = static_cast<char>(s[0] - 'a' + 'A');
    return s;
  };
  std::string d = f.description.empty() ? sl.path : f.description;
  if (auto paren = d.find(" ("); paren != std::string::npos && d.back() == ')') d = d.substr(0, paren);
  switch (f.type) {
    case FactType::Bool: return capital(d) + "?";
    case FactType::Group: {
      const model::Member& m = f.members[static_cast<size_t>(sl.member)];
      return capital(d) + ": " + (m.text.empty() ? m.name : m.text) + "?";
    }
    case FactType::Number:
      if (d.rfind("weeks ", 0) == 0) return "How many " + d + "?";
      return "What is the " + (d.rfind("the ", 0) == 0 ? d.substr(4) : d) + "?";
    case FactType::Enum: return "What is " + (d.rfind("the ", 0) == 0 ? d : "the " + d) + "?";
    case FactType::EnumSet:
    case FactType::CodeList: return "Which are " + (d.rfind("the ", 0) == 0 ? d : "the " + d) + "?";
  }
  return d + "?";
}

std::string question_topic(const model::Policy& policy, int slot) {
  const std::string& path = policy.vocab.slots[static_cast<size_t>(slot)].path;
  return path.substr(0, path.find('.'));
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
      for (double x : model::number_representatives(policy, sl.atoms[0])) out.push_back({x});
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
  bool actionable = true;
  for (const auto& ch : k.changes) {
    const auto& path = p.vocab.slots[static_cast<size_t>(ch.slot)].path;
    if (ch.from == ch.to) return "the change of `" + path + "` changes nothing";
    if (ch.actionable != model::change_is_actionable(p, ch.slot)) return "`" + path + "` is marked actionable wrongly";
    actionable = actionable && ch.actionable;
    if (ch.follows) continue;
    model::ChangeRule rule = model::change_rule(p, ch.slot, ch.from);
    if (rule == model::ChangeRule::Fixed) return "`" + path + "` may not change";
    if (rule == model::ChangeRule::Derived) return "`" + path + "` only follows other facts";
    if (rule == model::ChangeRule::GrowOnly && ch.to[0] < ch.from[0]) return "`" + path + "` may only grow";
    if (rule == model::ChangeRule::Subset) {
      bool any = false;
      for (size_t j = 0; j < ch.to.size(); ++j) {
        if (ch.to[j] != 0 && ch.from[j] == 0) return "`" + path + "` gains a member: it may only lose some";
        any = any || ch.to[j] != 0;
      }
      if (!any) return "`" + path + "` loses every member";
    }
  }
  if (actionable != k.actionable) return "the set is marked actionable wrongly";
  model::Case fixed = apply_correction(p, closed, k);
  // The following changes are what the others settle to.
  for (const auto& ch : k.changes) {
    const auto& sl = p.vocab.slots[static_cast<size_t>(ch.slot)];
    for (size_t j = 0; j < sl.atoms.size(); ++j)
      if (fixed.value[static_cast<size_t>(sl.atoms[j])] != ch.to[j])
        return "`" + sl.path + "` does not settle to the value the set states";
  }
  // Elapsed facts: care grows by at most the time the clock moves.
  int clock = model::clock_slot(p);
  if (clock >= 0 && closed.slot_known(p.vocab.slots[static_cast<size_t>(clock)])) {
    int ca = p.vocab.slots[static_cast<size_t>(clock)].atoms[0];
    double waited = fixed.value[static_cast<size_t>(ca)] - closed.value[static_cast<size_t>(ca)];
    for (int s : model::accruing_slots(p)) {
      int a = p.vocab.slots[static_cast<size_t>(s)].atoms[0];
      if (closed.known[static_cast<size_t>(a)] &&
          fixed.value[static_cast<size_t>(a)] - closed.value[static_cast<size_t>(a)] > waited)
        return "`" + p.vocab.slots[static_cast<size_t>(s)].path + "` grows faster than the clock";
    }
  }
  model::Evaluation none;
  for (const auto& r : p.relations)
    if (evaluator_.eval(r.expr, fixed, none) == model::Tri::False) return "the corrected case breaks relation `" + r.id + "`";
  solver::CaseResult all = decide(fixed);
  if (all.exact && all.decision != Decision::MedicallyNecessary)
    return std::string("applied, the case is ") + model::to_string(all.decision);
  for (size_t i = 0; i < k.changes.size(); ++i) {
    if (k.changes[i].follows) continue;  // settled by the others, not undone alone
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
  for (const auto& ch : k.changes)
    if (!ch.follows) out.push_back(p.vocab.slots[static_cast<size_t>(ch.slot)].path);
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
    auto pa = paths_of(p, a), pb = paths_of(p, b);
    if (pa.size() != pb.size()) return pa.size() < pb.size();
    return pa < pb;
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
      if (o.decision == Decision::Undetermined && q.open < 0) q.open = idx;
      q.outcomes.push_back(std::move(o));
    }
    if (q.approve >= 0) q.open = -1;
    q.text = question_text(p, s);
    q.topic = question_topic(p, s);
    out.questions.push_back(std::move(q));
  }
  order_questions(out);
  return out;
}

namespace {

// Minimax over the questions with the concrete (Kleene) evaluator: how many
// more questions settle a case on its worst path. Exact up to kExactUpTo
// questions; beyond, one step of look-ahead (greedy).
constexpr size_t kExactUpTo = 4;

struct QuestionPlanner {
  const model::Policy& p;
  const model::Evaluator& ev;
  const std::vector<Question>& qs;
  model::Case scratch;
  model::Evaluation e;

  bool settled(const model::Case& c) {
    ev.evaluate_into(ev.closure(c, scratch), e);
    return e.decision != model::Tri::Unknown;
  }
  model::Case learnt(const model::Case& c, size_t q, size_t o) const {
    model::Case out = c;
    const auto& atoms = p.vocab.slots[static_cast<size_t>(qs[q].slot)].atoms;
    for (size_t j = 0; j < atoms.size(); ++j) out.set(atoms[j], qs[q].outcomes[o].value[j]);
    return out;
  }
  // Questions still needed on the worst path, asking from `left` (a bit per question).
  int cost(const model::Case& c, std::uint32_t left) {
    if (settled(c)) return 0;
    if (left == 0) return static_cast<int>(qs.size()) + 1;  // these questions alone do not settle it
    int best = std::numeric_limits<int>::max();
    for (size_t q = 0; q < qs.size(); ++q)
      if (left & (1u << q)) best = std::min(best, worst_after(c, left, q, best));
    return best;
  }
  // 1 + the worst cost over q's answers (stops once it reaches `cap`).
  int worst_after(const model::Case& c, std::uint32_t left, size_t q, int cap) {
    int worst = 0;
    for (size_t o = 0; o < qs[q].outcomes.size() && worst < cap; ++o)
      worst = std::max(worst, 1 + cost(learnt(c, q, o), left & ~(1u << q)));
    return worst;
  }
  // Greedy score of asking q in c: (answers that leave it open, -answers that settle it).
  std::pair<int, int> greedy(const model::Case& c, size_t q) {
    int open = 0, settle = 0;
    for (size_t o = 0; o < qs[q].outcomes.size(); ++o) (settled(learnt(c, q, o)) ? settle : open)++;
    return {open > 0 ? 1 : 0, -settle};
  }
};

}  // namespace

void Explainer::order_questions(Explanation& e) const {
  auto& qs = e.questions;
  if (qs.size() < 2 || qs.size() > 32) {
    e.questions_worst_path = static_cast<int>(qs.size());
    return;
  }
  QuestionPlanner plan{*policy_, evaluator_, qs, {}, {}};
  bool exact = qs.size() <= kExactUpTo;
  std::uint32_t all = qs.size() >= 32 ? 0xffffffffu : (1u << qs.size()) - 1;
  std::uint32_t left = all;
  model::Case cur = e.closed;
  std::vector<size_t> order;
  int steps_until_settled = -1;
  while (left != 0) {
    if (plan.settled(cur)) {
      if (steps_until_settled < 0) steps_until_settled = static_cast<int>(order.size());
      // Settled on this path: the rest by how much each settles from the start.
      std::vector<size_t> rest;
      for (size_t q = 0; q < qs.size(); ++q)
        if (left & (1u << q)) rest.push_back(q);
      std::stable_sort(rest.begin(), rest.end(),
                       [&](size_t a, size_t b) { return plan.greedy(e.closed, a) < plan.greedy(e.closed, b); });
      order.insert(order.end(), rest.begin(), rest.end());
      break;
    }
    size_t best = qs.size();
    int best_cost = std::numeric_limits<int>::max();
    std::pair<int, int> best_greedy{};
    for (size_t q = 0; q < qs.size(); ++q) {
      if (!(left & (1u << q))) continue;
      if (exact) {
        int c = plan.worst_after(cur, left, q, best_cost);
        if (c < best_cost) best_cost = c, best = q;
      } else {
        auto g = plan.greedy(cur, q);
        if (best == qs.size() || g < best_greedy) best_greedy = g, best = q;
      }
    }
    order.push_back(best);
    left &= ~(1u << best);
    // Follow the worst answer: the one that leaves the most to ask.
    size_t worst_o = 0;
    int worst_c = -1;
    for (size_t o = 0; o < qs[best].outcomes.size(); ++o) {
      model::Case l = plan.learnt(cur, best, o);
      int c = exact ? plan.cost(l, left) : (plan.settled(l) ? 0 : 1);
      if (c > worst_c) worst_c = c, worst_o = o;
    }
    cur = plan.learnt(cur, best, worst_o);
  }
  if (steps_until_settled < 0) steps_until_settled = plan.settled(cur) ? static_cast<int>(order.size()) : static_cast<int>(qs.size());
  e.questions_worst_path = exact ? std::min(plan.cost(e.closed, all), static_cast<int>(qs.size())) : steps_until_settled;
  // Grouped by topic, topics in the order of their first question.
  std::vector<std::string> topics;
  for (size_t q : order)
    if (std::find(topics.begin(), topics.end(), qs[q].topic) == topics.end()) topics.push_back(qs[q].topic);
  std::vector<Question> grouped;
  for (const auto& t : topics)
    for (size_t q : order)
      if (qs[q].topic == t) grouped.push_back(qs[q]);
  qs = std::move(grouped);
}

}  // namespace pp::explain
