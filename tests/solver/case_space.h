// Test support for the solver tests: a finite set of representative values per
// slot that is exact for the policy (every decision any completion reaches is
// reached by one built from representatives), seeded random cases built from
// them, and a brute-force oracle for decisions and decisive unknowns.
//
// Why the representatives are exact:
//  - a number is only compared with constants, so its value matters only by
//    which region of those constants it falls in: each constant, a point
//    between consecutive ones, the minimum and one past the largest;
//  - set members (levels, codes) that always occur side by side in the same
//    and/or/count nodes are interchangeable, so a set matters only by how many
//    members of each such class it holds (0 up to one past the largest count
//    bound);
//  - enums take every value, bools both.
#pragma once
#include <algorithm>
#include <functional>
#include <map>
#include <random>
#include <set>
#include <vector>

#include "model/case.h"
#include "model/evaluator.h"
#include "model/policy.h"

namespace pp::test {

class CaseSpace {
 public:
  explicit CaseSpace(const model::Policy& p) : p_(p), ev_(p) {
    const auto& v = p.vocab;
    std::map<int, std::set<double>> constants;  // number atom -> constants
    std::map<int, std::set<std::pair<const void*, bool>>> parents;  // set atom -> (parent node, negated)
    int max_count = 1;
    // `parent`: the and/or/count node `e` sits in (through one `not`), or null.
    std::function<void(const model::Expr&, const void*)> walk = [&](const model::Expr& e, const void* parent) {
      switch (e.op) {
        case model::Op::NumCmp: constants[e.atom].insert(e.number); break;
        case model::Op::Atom: parents[e.atom].insert({parent ? parent : &e, false}); break;
        case model::Op::Not:
          if (e.kids[0].op == model::Op::Atom) parents[e.kids[0].atom].insert({parent ? parent : &e, true});
          else walk(e.kids[0], nullptr);
          break;
        case model::Op::Count:
          max_count = std::max(max_count, static_cast<int>(e.number) + 1);
          [[fallthrough]];
        case model::Op::And:
        case model::Op::Or:
          for (const auto& k : e.kids) walk(k, &e);
          break;
        default: break;
      }
    };
    for (const auto& c : p.criteria) walk(c.expr, nullptr);
    for (const auto& r : p.relations) walk(r.expr, nullptr);

    slot_values_.resize(v.slots.size());
    for (size_t s = 0; s < v.slots.size(); ++s) {
      const auto& slot = v.slots[s];
      const auto& f = v.facts[static_cast<size_t>(slot.fact)];
      auto& out = slot_values_[s];
      switch (f.type) {
        case model::FactType::Bool:
        case model::FactType::Group:
          out = {{0.0}, {1.0}};
          break;
        case model::FactType::Enum:
          for (size_t i = 0; i < f.values.size(); ++i) out.push_back({static_cast<double>(i)});
          break;
        case model::FactType::Number: {
          std::vector<double> cs;
          for (double c : constants[slot.atoms[0]])
            if (c >= f.min && c <= f.max) cs.push_back(c);
          std::vector<double> reps{f.min};
          double prev = f.min;
          for (double c : cs) {
            if (c > prev) reps.push_back((prev + c) / 2);
            if (c != f.min) reps.push_back(c);
            prev = c;
          }
          if (prev + 1 <= f.max) reps.push_back(prev + 1);
          for (double r : reps) out.push_back({r});
          break;
        }
        case model::FactType::EnumSet:
        case model::FactType::CodeList: {
          // Classes of interchangeable members: same parents, same polarity.
          std::map<std::set<std::pair<const void*, bool>>, std::vector<size_t>> classes;
          for (size_t i = 0; i < slot.atoms.size(); ++i) classes[parents[slot.atoms[i]]].push_back(i);
          std::vector<std::vector<size_t>> cls;
          for (auto& [sig, members] : classes) cls.push_back(members);
          std::vector<int> counts(cls.size(), 0);
          while (true) {
            std::vector<double> vals(slot.atoms.size(), 0.0);
            int total = 0;
            for (size_t k = 0; k < cls.size(); ++k)
              for (int j = 0; j < counts[k]; ++j) { vals[cls[k][static_cast<size_t>(j)]] = 1; ++total; }
            if (total > 0 || f.type == model::FactType::CodeList) out.push_back(vals);
            size_t k = 0;
            while (k < cls.size()) {
              int cap = std::min<int>(static_cast<int>(cls[k].size()), max_count);
              if (++counts[k] <= cap) break;
              counts[k] = 0;
              ++k;
            }
            if (k == cls.size()) break;
          }
          break;
        }
      }
    }
  }

  const std::vector<std::vector<double>>& values(int slot) const { return slot_values_[static_cast<size_t>(slot)]; }

  void assign(model::Case& c, int slot, const std::vector<double>& vals) const {
    const auto& atoms = p_.vocab.slots[static_cast<size_t>(slot)].atoms;
    for (size_t i = 0; i < atoms.size(); ++i) c.set(atoms[i], vals[i]);
  }

  void unset(model::Case& c, int slot) const {
    for (int a : p_.vocab.slots[static_cast<size_t>(slot)].atoms) c.unset(a);
  }

  // Every domain relation holds (the case must be fully known on their atoms).
  bool consistent(const model::Case& c) const {
    model::Evaluation none;
    for (const auto& r : p_.relations)
      if (ev_.eval(r.expr, c, none) != model::Tri::True) return false;
    return true;
  }

  // A random fully specified case consistent with the relations. Numbers are
  // representatives or, half the time, a random value in [0, 40).
  model::Case random_case(std::mt19937_64& rng, double p_true = 0.5) const {
    model::Case c(p_.vocab);
    do {
      for (size_t s = 0; s < slot_values_.size(); ++s) randomize(c, static_cast<int>(s), rng, p_true);
    } while (!consistent(c));
    return c;
  }

  // `c` with every unknown slot given its first representative (false, the
  // minimum, the first value): the bundled example states only what CMM-607
  // reads, and the shared vocabulary has facts it leaves out.
  model::Case completed(model::Case c) const {
    for (size_t s = 0; s < slot_values_.size(); ++s)
      if (!c.slot_known(p_.vocab.slots[s])) assign(c, static_cast<int>(s), slot_values_[s][0]);
    return c;
  }

  // Changes `k` random slots of a full case, keeping it consistent.
  model::Case mutate(const model::Case& base, int k, std::mt19937_64& rng) const {
    while (true) {
      model::Case c = base;
      for (int i = 0; i < k; ++i)
        randomize(c, static_cast<int>(rng() % slot_values_.size()), rng, 0.5);
      if (consistent(c)) return c;
    }
  }

  void randomize(model::Case& c, int slot, std::mt19937_64& rng, double p_true) const {
    const auto& vals = slot_values_[static_cast<size_t>(slot)];
    const auto& f = p_.vocab.facts[static_cast<size_t>(p_.vocab.slots[static_cast<size_t>(slot)].fact)];
    std::uniform_real_distribution<double> u(0, 1);
    if (f.type == model::FactType::Bool || f.type == model::FactType::Group) {
      assign(c, slot, {u(rng) < p_true ? 1.0 : 0.0});
    } else if (f.type == model::FactType::Number && u(rng) < 0.5) {
      // quarter units in [0, 40), within the fact's domain
      assign(c, slot, {std::clamp(f.min + std::floor(u(rng) * 160) / 4, f.min, f.max)});
    } else {
      assign(c, slot, vals[rng() % vals.size()]);
    }
  }

  struct Oracle {
    bool can_approve = false, can_deny = false;
    std::vector<int> decisive;  // slot indices, ascending
    model::Decision decision() const {
      if (can_approve && !can_deny) return model::Decision::MedicallyNecessary;
      if (can_deny && !can_approve) return model::Decision::NotMedicallyNecessary;
      return model::Decision::Undetermined;
    }
  };

  // Brute force over the representatives of the unknown slots of `c` (whole
  // slots unknown, the rest known): the decisions completions reach, and the
  // slots that flip the decision with every other slot held fixed.
  Oracle brute_force(const model::Case& c) const {
    std::vector<int> unknown;
    for (size_t s = 0; s < slot_values_.size(); ++s)
      if (!c.slot_known(p_.vocab.slots[s])) unknown.push_back(static_cast<int>(s));
    std::vector<size_t> idx(unknown.size(), 0);
    // decision per completion, keyed by the representative index of each unknown slot
    std::map<std::vector<size_t>, int> decided;  // 1 approve, 0 deny
    model::Case full = c;
    Oracle o;
    while (true) {
      for (size_t k = 0; k < unknown.size(); ++k) assign(full, unknown[k], slot_values_[static_cast<size_t>(unknown[k])][idx[k]]);
      if (consistent(full)) {
        model::Evaluation e;
        ev_.evaluate_into(full, e);
        bool yes = e.decision == model::Tri::True;
        (yes ? o.can_approve : o.can_deny) = true;
        decided[idx] = yes;
      }
      size_t k = 0;
      while (k < unknown.size() && ++idx[k] == slot_values_[static_cast<size_t>(unknown[k])].size()) idx[k++] = 0;
      if (k == unknown.size()) break;
    }
    if (!(o.can_approve && o.can_deny)) return o;
    for (size_t k = 0; k < unknown.size(); ++k) {
      // Group completions by every other slot's value; decisive if a group has both decisions.
      std::map<std::vector<size_t>, int> seen;  // bit 1: approve seen, bit 2: deny seen
      bool decisive = false;
      for (const auto& [key, yes] : decided) {
        std::vector<size_t> rest = key;
        rest[k] = 0;
        int& bits = seen[rest];
        bits |= yes ? 1 : 2;
        if (bits == 3) { decisive = true; break; }
      }
      if (decisive) o.decisive.push_back(unknown[k]);
    }
    return o;
  }

 private:
  const model::Policy& p_;
  model::Evaluator ev_;
  std::vector<std::vector<std::vector<double>>> slot_values_;
};

}  // namespace pp::test
