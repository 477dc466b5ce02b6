#include "solver/finding_facts.h"

#include <memory>
#include <sstream>

#include "model/evaluator.h"

namespace pp::solver {

namespace {

struct ClaimCheck {
  const Claim* claim;
  const model::Policy* policy;
  std::unique_ptr<model::Evaluator> eval;
};

bool holds(const std::vector<ClaimCheck>& checks, const model::Case& c) {
  for (const auto& k : checks) {
    model::Evaluation e = k.eval->evaluate(c);
    if (k.claim->decision && model::decision_of(e.decision) != *k.claim->decision) return false;
    for (const auto& [id, v] : k.claim->criteria) {
      int i = k.policy->find_criterion(id);
      if (i < 0 || e.criteria[static_cast<size_t>(i)] != (v ? model::Tri::True : model::Tri::False)) return false;
    }
    for (const auto& h : k.claim->holds)
      if (k.eval->eval(h.expr, c, e) != model::Tri::True) return false;
  }
  return true;
}

}  // namespace

std::vector<int> deciding_slots(const model::Case& witness, const std::vector<Claim>& claims, const model::Policy& policy,
                                const std::function<const model::Policy&(const std::string&)>& reading_policy) {
  std::vector<ClaimCheck> checks;
  for (const auto& cl : claims) {
    const model::Policy& p = cl.reading.empty() ? policy : reading_policy(cl.reading);
    checks.push_back({&cl, &p, std::make_unique<model::Evaluator>(p)});
  }
  const auto& v = policy.vocab;
  model::Case c = witness;
  std::vector<int> kept;
  if (!holds(checks, c)) {  // not even the whole witness: keep every known slot
    for (size_t s = 0; s < v.slots.size(); ++s)
      if (c.slot_known(v.slots[s])) kept.push_back(static_cast<int>(s));
    return kept;
  }
  for (size_t s = 0; s < v.slots.size(); ++s) {
    const auto& slot = v.slots[s];
    if (!c.slot_known(slot)) continue;
    model::Case d = c;
    for (int a : slot.atoms) d.unset(a);
    if (holds(checks, d)) c = std::move(d);
    else kept.push_back(static_cast<int>(s));
  }
  return kept;
}

std::string facts_text(const model::Policy& policy, const model::Case& c, const std::vector<int>& slots) {
  const auto& v = policy.vocab;
  std::string out;
  for (int s : slots) {
    const auto& slot = v.slots[s];
    const auto& f = v.facts[slot.fact];
    std::ostringstream val;
    switch (f.type) {
      case model::FactType::Bool:
      case model::FactType::Group: val << (c.value[slot.atoms[0]] != 0 ? "true" : "false"); break;
      case model::FactType::Number: val << c.value[slot.atoms[0]]; break;
      case model::FactType::Enum: {
        auto i = static_cast<size_t>(c.value[slot.atoms[0]]);
        val << (i < f.values.size() ? f.values[i] : "?");
        break;
      }
      case model::FactType::EnumSet:
      case model::FactType::CodeList: {
        val << '[';
        bool first = true;
        for (size_t k = 0; k < slot.atoms.size(); ++k)
          if (c.value[slot.atoms[k]] != 0) {
            val << (first ? "" : ", ") << v.atoms[slot.atoms[k]].name.substr(f.path.size() + 1);
            first = false;
          }
        val << ']';
        break;
      }
    }
    out += (out.empty() ? "" : ", ") + slot.path + " = " + val.str();
  }
  return out;
}

}  // namespace pp::solver
