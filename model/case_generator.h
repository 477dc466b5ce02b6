// Random cases over a policy's vocabulary, seeded and reproducible (model
// layer): for benchmarks, differential tests and boundary exploration.
// Numbers are drawn mostly from the boundaries the policy compares them with
// (each constant, and half a unit either side), so every edge is exercised.
#pragma once
#include <cstdint>
#include <random>
#include <vector>

#include "model/case.h"
#include "model/policy.h"

namespace pp::model {

struct GeneratorOptions {
  std::uint64_t seed = 1;
  double unknown_rate = 0.0;   // chance that a slot is left absent (partial cases)
  double member_rate = 0.12;   // chance that a group member (finding, contraindication) is true
  int max_levels = 3;
  // false: only the facts the policy reads are stated (facts_read.h); the
  // others of a shared vocabulary are left out (drawn all the same, so a seed
  // gives the same values either way).
  bool all_facts = true;
};

class CaseGenerator {
 public:
  CaseGenerator(const Policy& policy, GeneratorOptions options);

  // The next case: consistent with the domain relations (closed under them),
  // every slot known unless left absent by `unknown_rate`.
  Case next();

  // Boundary values of number atom `atom` (sorted, >= its minimum).
  const std::vector<double>& boundaries(int atom) const { return boundaries_[atom]; }

 private:
  const Policy& policy_;
  GeneratorOptions options_;
  std::vector<char> read_;  // facts the policy reads (all_facts false), made on first use
  std::mt19937_64 rng_;
  std::vector<std::vector<double>> boundaries_;  // per atom
  long count_ = 0;
};

}  // namespace pp::model
