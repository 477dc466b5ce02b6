#include "model/case_generator.h"

#include <algorithm>
#include <functional>
#include <string>

#include "model/evaluator.h"
#include "model/facts_read.h"

namespace pp::model {

namespace {

void collect_constants(const Expr& e, std::vector<std::vector<double>>& out) {
  if (e.op == Op::NumCmp) out[e.atom].push_back(e.number);
  for (const auto& k : e.kids) collect_constants(k, out);
}

}  // namespace

CaseGenerator::CaseGenerator(const Policy& policy, GeneratorOptions options)
    : policy_(policy), options_(options), rng_(options.seed), boundaries_(policy.vocab.atoms.size()) {
  for (const auto& c : policy.criteria) collect_constants(c.expr, boundaries_);
  for (size_t a = 0; a < boundaries_.size(); ++a) {
    if (policy.vocab.atoms[a].type != AtomType::Number) continue;
    const Fact& f = policy.vocab.facts[policy.vocab.atoms[a].fact];
    std::vector<double> b{f.min};
    for (double c : boundaries_[a])
      for (double d : {c - 0.5, c, c + 0.5})
        if (d >= f.min && d <= f.max) b.push_back(d);
    std::sort(b.begin(), b.end());
    b.erase(std::unique(b.begin(), b.end()), b.end());
    boundaries_[a] = b;
  }
}

Case CaseGenerator::next() {
  const Vocabulary& v = policy_.vocab;
  Case c(v);
  c.has_case_id = true;
  c.case_id = "gen-" + std::to_string(options_.seed) + "-" + std::to_string(count_++);
  std::uniform_real_distribution<double> u(0.0, 1.0);
  auto chance = [&](double p) { return u(rng_) < p; };
  auto pick = [&](size_t n) { return static_cast<size_t>(rng_() % n); };
  for (const Fact& f : v.facts) {
    switch (f.type) {
      case FactType::Bool:
        c.set(f.atoms[0], chance(0.7) ? 1.0 : 0.0);  // most documented criteria hold
        break;
      case FactType::Number: {
        const auto& b = boundaries_[f.atoms[0]];
        double x = chance(0.75) && !b.empty() ? b[pick(b.size())]
                                              : f.min + std::floor(u(rng_) * 80.0) / 2.0;
        c.set(f.atoms[0], std::min(x, f.max));
        break;
      }
      case FactType::Enum:
        c.set(f.atoms[0], static_cast<double>(pick(f.values.size())));
        break;
      case FactType::EnumSet: {
        for (int a : f.atoms) c.set(a, 0.0);
        int n = 1 + static_cast<int>(pick(static_cast<size_t>(std::max(1, options_.max_levels))));
        // adjacent values, as real requests are (T12, L1)
        size_t start = pick(f.values.size());
        for (int k = 0; k < n && start + k < f.atoms.size(); ++k) c.set(f.atoms[start + k], 1.0);
        break;
      }
      case FactType::CodeList:
        for (int a : f.atoms) c.set(a, chance(0.15) ? 1.0 : 0.0);
        c.cpt.clear();
        for (size_t i = 0; i < f.atoms.size(); ++i)
          if (c.value[f.atoms[i]] != 0) c.cpt.push_back(CptLine{f.values[i], 1});
        break;
      case FactType::Group:
        for (int a : f.atoms) c.set(a, chance(options_.member_rate) ? 1.0 : 0.0);
        break;
    }
  }
  // Consistent with the domain relations: make implied facts hold.
  Evaluator(policy_).close_under_relations(c);
  for (const auto& r : policy_.relations) {
    // clauses a -> b: when a holds, b must; the closure above fixed unknowns,
    // so repair known violations by setting the consequent.
    Evaluation ev;
    if (Evaluator(policy_).eval(r.expr, c, ev) == Tri::False) {
      std::vector<int> atoms;
      collect_atoms(r.expr, atoms);
      if (!atoms.empty()) c.set(atoms.back(), 1.0);
    }
  }
  if (!options_.all_facts) {
    if (read_.empty()) read_ = facts_read(policy_);
    for (const Slot& s : v.slots) {
      if (read_[static_cast<size_t>(s.fact)]) continue;
      for (int a : s.atoms) c.unset(a);
      if (v.facts[s.fact].type == FactType::CodeList) c.cpt.clear();
    }
  }
  if (options_.unknown_rate > 0) {
    for (const Slot& s : v.slots) {
      if (!chance(options_.unknown_rate)) continue;
      for (int a : s.atoms) c.unset(a);
      if (v.facts[s.fact].type == FactType::CodeList) c.cpt.clear();
    }
  }
  return c;
}

}  // namespace pp::model
