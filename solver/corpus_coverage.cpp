#include "solver/corpus_coverage.h"

#include <algorithm>
#include <cstring>
#include <unordered_map>

#include "model/evaluator.h"
#include "solver/case_engine.h"
#include "solver/mcdc_generator.h"

namespace pp::solver {

int CorpusCoverage::pairs() const {
  return static_cast<int>(std::count_if(conditions.begin(), conditions.end(), [](const ConditionCoverage& c) { return c.first >= 0; }));
}

namespace {

model::Tri tri_not(model::Tri t) {
  return t == model::Tri::True ? model::Tri::False : t == model::Tri::False ? model::Tri::True : model::Tri::Unknown;
}

// The decision of `ev` with criterion `k` forced to `v` (its ancestors
// recomputed; criteria are in topological order).
model::Tri decision_with(const model::Policy& p, const model::Evaluator& e, const model::Case& c, model::Evaluation ev,
                         int k, model::Tri v) {
  ev.criteria[k] = v;
  for (size_t j = static_cast<size_t>(k) + 1; j < p.criteria.size(); ++j) ev.criteria[j] = e.eval(p.criteria[j].expr, c, ev);
  model::Tri any = model::Tri::False, excl = model::Tri::False;
  for (int x : p.pathways) {
    if (ev.criteria[x] == model::Tri::True) any = model::Tri::True;
    else if (ev.criteria[x] == model::Tri::Unknown && any == model::Tri::False) any = model::Tri::Unknown;
  }
  for (int x : p.exclusions) {
    if (ev.criteria[x] == model::Tri::True) excl = model::Tri::True;
    else if (ev.criteria[x] == model::Tri::Unknown && excl == model::Tri::False) excl = model::Tri::Unknown;
  }
  model::Tri no_excl = tri_not(excl);
  if (any == model::Tri::False || no_excl == model::Tri::False) return model::Tri::False;
  if (any == model::Tri::True && no_excl == model::Tri::True) return model::Tri::True;
  return model::Tri::Unknown;
}

std::uint64_t mix(std::uint64_t x) {  // splitmix64's finalizer
  x += 0x9e3779b97f4a7c15ULL;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}

std::uint64_t atom_hash(const model::Case& c, size_t a) {
  std::uint64_t bits = 0;
  double v = c.value[a];
  static_assert(sizeof(bits) == sizeof(v));
  std::memcpy(&bits, &v, sizeof bits);
  return mix(bits ^ mix(a * 2 + (c.known[a] ? 1 : 0)));
}

}  // namespace

CorpusCoverage corpus_coverage(std::shared_ptr<const model::Policy> policy, const std::vector<model::Case>& cases,
                               Limits limits) {
  const model::Policy& p = *policy;
  model::Evaluator e(p);
  CaseEngine engine(policy, limits);
  CorpusCoverage out;
  out.cases = static_cast<int>(cases.size());
  out.criteria.resize(p.criteria.size());
  std::vector<model::Evaluation> evs;
  std::vector<model::Tri> decisions;
  std::vector<model::Case> closed;
  std::vector<std::uint64_t> total;
  for (const auto& c0 : cases) {
    model::Case scratch;
    closed.push_back(e.closure(c0, scratch));
    const model::Case& c = closed.back();
    CaseResult r = engine.evaluate(c);
    ++out.decisions[static_cast<size_t>(r.decision)];
    const model::Evaluation& ev = r.evaluation;
    model::Tri d = r.decision == model::Decision::MedicallyNecessary      ? model::Tri::True
                   : r.decision == model::Decision::NotMedicallyNecessary ? model::Tri::False
                                                                          : model::Tri::Unknown;
    for (size_t k = 0; k < p.criteria.size(); ++k) {
      auto& cc = out.criteria[k];
      model::Tri v = ev.criteria[k];
      (v == model::Tri::True ? cc.met : v == model::Tri::False ? cc.not_met : cc.unknown)++;
      if (v != model::Tri::Unknown && d != model::Tri::Unknown) {
        model::Tri flipped = decision_with(p, e, c, ev, static_cast<int>(k), tri_not(v));
        if (flipped != model::Tri::Unknown && flipped != d) ++cc.decisive;
      }
    }
    evs.push_back(ev);
    decisions.push_back(d);
    std::uint64_t h = 0;
    for (size_t a = 0; a < c.value.size(); ++a) h += atom_hash(c, a);
    total.push_back(h);
  }
  // MC/DC conditions and their pairs.
  for (size_t k = 0; k < p.criteria.size(); ++k) {
    const auto& cr = p.criteria[k];
    if (cr.combinator != model::Combinator::Leaf) continue;
    int n = 0;
    for (const model::Expr* node : leaf_conditions(cr.expr)) {
      ConditionCoverage cc;
      cc.id = cr.id + "#" + std::to_string(++n);
      cc.criterion = cr.id;
      cc.text = condition_text(p, *node);
      std::vector<int> atoms;
      model::collect_atoms(*node, atoms);
      std::vector<int> slot_atoms;
      for (int a : atoms)
        for (int x : p.vocab.slots[p.vocab.atoms[a].slot].atoms)
          if (std::find(slot_atoms.begin(), slot_atoms.end(), x) == slot_atoms.end()) slot_atoms.push_back(x);
      // a member of a set differs alone in its pair, as in generate_mcdc
      if (node->op == model::Op::Atom && p.vocab.slots[p.vocab.atoms[node->atom].slot].atoms.size() > 1)
        slot_atoms = {node->atom};
      std::vector<char> in_slots(p.vocab.atoms.size(), 0);
      for (int x : slot_atoms) in_slots[x] = 1;
      // per key (the facts outside the condition's): the cases seen, by condition value
      std::unordered_map<std::uint64_t, std::vector<int>> groups;
      for (size_t i = 0; i < closed.size(); ++i) {
        model::Tri v = e.eval(*node, closed[i], evs[i]);
        if (v == model::Tri::Unknown) continue;
        (v == model::Tri::True ? cc.when_true : cc.when_false)++;
        if (cc.first >= 0 || decisions[i] == model::Tri::Unknown || evs[i].criteria[k] == model::Tri::Unknown) continue;
        std::uint64_t key = total[i];
        for (int x : slot_atoms) key -= atom_hash(closed[i], static_cast<size_t>(x));
        auto& g = groups[key];
        for (int j : g) {
          const auto& a = closed[j];
          const auto& b = closed[i];
          bool same = true;
          for (size_t x = 0; x < a.value.size() && same; ++x)
            if (!in_slots[x] && (a.known[x] != b.known[x] || a.value[x] != b.value[x])) same = false;
          if (!same || e.eval(*node, a, evs[j]) == v || evs[j].criteria[k] == evs[i].criteria[k] ||
              decisions[j] == decisions[i])
            continue;
          cc.first = v == model::Tri::True ? static_cast<int>(i) : j;
          cc.second = v == model::Tri::True ? j : static_cast<int>(i);
          break;
        }
        if (g.size() < 64) g.push_back(static_cast<int>(i));
      }
      out.conditions.push_back(std::move(cc));
    }
  }
  return out;
}

}  // namespace pp::solver
