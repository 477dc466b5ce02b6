#include "model/change_rules.h"

#include <algorithm>

namespace pp::model {

const char* to_string(ChangeRule r) {
  switch (r) {
    case ChangeRule::Fixed: return "fixed";
    case ChangeRule::Any: return "any";
    case ChangeRule::GrowOnly: return "grow_only";
    case ChangeRule::Subset: return "subset";
    case ChangeRule::Derived: return "derived";
  }
  return "fixed";
}

namespace {

const Fact& fact_of(const Policy& p, int slot) {
  return p.vocab.facts[static_cast<size_t>(p.vocab.slots[static_cast<size_t>(slot)].fact)];
}

// The request's technique, levels and codes facts (the first request fact of
// each type), or -1.
struct RequestFacts {
  int technique = -1, levels = -1, codes = -1;
};
RequestFacts request_facts(const Policy& p) {
  RequestFacts r;
  for (size_t i = 0; i < p.vocab.facts.size(); ++i) {
    const Fact& f = p.vocab.facts[i];
    if (f.kind != FactKind::Request) continue;
    int fi = static_cast<int>(i);
    if (f.type == FactType::Enum && r.technique < 0) r.technique = fi;
    if (f.type == FactType::EnumSet && r.levels < 0) r.levels = fi;
    if (f.type == FactType::CodeList && r.codes < 0) r.codes = fi;
  }
  return r;
}

std::vector<double> values_of(const Policy& p, const Case& c, int fact) {
  std::vector<double> out;
  for (int a : p.vocab.facts[static_cast<size_t>(fact)].atoms) out.push_back(c.value[static_cast<size_t>(a)]);
  return out;
}

bool known_fact(const Case& c, const Fact& f) {
  for (int a : f.atoms)
    if (!c.known[static_cast<size_t>(a)]) return false;
  return true;
}

}  // namespace

ChangeRule change_rule(const Policy& policy, int slot, const std::vector<double>& old) {
  const Slot& s = policy.vocab.slots[static_cast<size_t>(slot)];
  const Fact& f = fact_of(policy, slot);
  if (f.type == FactType::Number && (f.grows_only || f.elapsed)) return ChangeRule::GrowOnly;
  bool is_bool = f.type == FactType::Bool || f.type == FactType::Group;
  switch (s.kind) {
    case FactKind::Request:
      // The fracture is where it is: fewer levels, never another vertebra.
      if (f.type == FactType::EnumSet) return ChangeRule::Subset;
      // Billing codes follow what is requested (the codes table).
      if (f.type == FactType::CodeList) return ChangeRule::Derived;
      return ChangeRule::Any;
    case FactKind::Plan:
    case FactKind::Clinical:
      return ChangeRule::Any;  // hypothetically
    case FactKind::Elapsed:
      return ChangeRule::GrowOnly;
    case FactKind::Care:
    case FactKind::Documentation:
      // Completed: false -> true only; numbers of care accrue.
      if (is_bool) return old[0] != 0 ? ChangeRule::Fixed : ChangeRule::Any;
      return f.type == FactType::Number ? ChangeRule::GrowOnly : ChangeRule::Any;
    case FactKind::Correctable:
      // Treated: true -> false only.
      if (is_bool) return old[0] != 0 ? ChangeRule::Any : ChangeRule::Fixed;
      return ChangeRule::Any;
  }
  return ChangeRule::Fixed;
}

bool change_is_actionable(const Policy& policy, int slot) {
  FactKind k = policy.vocab.slots[static_cast<size_t>(slot)].kind;
  return k != FactKind::Clinical && k != FactKind::Plan;
}

int clock_slot(const Policy& policy) {
  int f = policy.vocab.time.clock;
  return f < 0 ? -1 : policy.vocab.facts[static_cast<size_t>(f)].slots[0];
}

std::vector<int> accruing_slots(const Policy& policy) {
  std::vector<int> out;
  for (int f : policy.vocab.time.accruing) out.push_back(policy.vocab.facts[static_cast<size_t>(f)].slots[0]);
  return out;
}

double clock_after_care(const Policy& policy, const Case& before, const Case& after) {
  int clock = clock_slot(policy);
  if (clock < 0) return 0;
  int clock_atom = policy.vocab.slots[static_cast<size_t>(clock)].atoms[0];
  double grown = 0;
  for (int s : accruing_slots(policy)) {
    int a = policy.vocab.slots[static_cast<size_t>(s)].atoms[0];
    if (!before.known[static_cast<size_t>(a)] || !after.known[static_cast<size_t>(a)]) continue;
    grown = std::max(grown, after.value[static_cast<size_t>(a)] - before.value[static_cast<size_t>(a)]);
  }
  return before.value[static_cast<size_t>(clock_atom)] + grown;
}

std::vector<CptLine> derived_cpt(const Policy& policy, int technique, const std::vector<double>& levels) {
  RequestFacts rf = request_facts(policy);
  std::vector<CptLine> out;
  if (rf.technique < 0 || rf.levels < 0) return out;
  const Fact& tf = policy.vocab.facts[static_cast<size_t>(rf.technique)];
  const Fact& lf = policy.vocab.facts[static_cast<size_t>(rf.levels)];
  const std::string& tech = tf.values[static_cast<size_t>(technique)];
  auto code_for = [&](const std::string& level, bool add_on) -> const Code* {
    for (const auto& c : policy.codes)
      if (c.add_on == add_on && std::find(c.techniques.begin(), c.techniques.end(), tech) != c.techniques.end() &&
          std::find(c.levels.begin(), c.levels.end(), level) != c.levels.end())
        return &c;
    return nullptr;
  };
  auto add = [&](const Code* c) {
    if (!c) return;
    for (auto& line : out)
      if (line.code == c->code) {
        ++line.units;
        return;
      }
    out.push_back({c->code, 1});
  };
  bool first = true;
  for (size_t i = 0; i < levels.size() && i < lf.values.size(); ++i) {
    if (levels[i] == 0) continue;
    const Code* c = first ? nullptr : code_for(lf.values[i], true);
    if (!c) c = code_for(lf.values[i], false);
    add(c);
    first = false;
  }
  return out;
}

void settle_followers(const Policy& policy, const Case& before, Case& after, const std::vector<int>& changed_slots) {
  const auto& v = policy.vocab;
  int clock = clock_slot(policy);
  if (clock >= 0 && std::find(changed_slots.begin(), changed_slots.end(), clock) == changed_slots.end()) {
    int a = v.slots[static_cast<size_t>(clock)].atoms[0];
    if (before.known[static_cast<size_t>(a)]) after.set(a, clock_after_care(policy, before, after));
  }
  RequestFacts rf = request_facts(policy);
  if (rf.codes < 0 || rf.technique < 0 || rf.levels < 0) return;
  const Fact& cf = v.facts[static_cast<size_t>(rf.codes)];
  const Fact& tf = v.facts[static_cast<size_t>(rf.technique)];
  const Fact& lf = v.facts[static_cast<size_t>(rf.levels)];
  if (!known_fact(before, cf)) return;
  bool request_changed = values_of(policy, before, rf.technique) != values_of(policy, after, rf.technique) ||
                         values_of(policy, before, rf.levels) != values_of(policy, after, rf.levels);
  if (!request_changed || !known_fact(after, tf) || !known_fact(after, lf)) {
    for (int a : cf.atoms) after.set(a, before.value[static_cast<size_t>(a)]);
    after.cpt = before.cpt;
    return;
  }
  after.cpt = derived_cpt(policy, static_cast<int>(after.value[static_cast<size_t>(tf.atoms[0])]),
                          values_of(policy, after, rf.levels));
  for (size_t i = 0; i < cf.atoms.size(); ++i) {
    bool on = false;
    for (const auto& line : after.cpt) on = on || line.code == cf.values[i];
    after.set(cf.atoms[i], on ? 1.0 : 0.0);
  }
}

}  // namespace pp::model
