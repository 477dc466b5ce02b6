// What a corpus of cases exercises in a policy (solver layer; Z3-free
// header): per criterion, in how many cases it was met, not met, unknown and
// decisive (flipping its value alone would change the decision); per MC/DC
// condition (mcdc_generator.h), whether the corpus holds it true and false
// and an independence pair. Used by `policyproof coverage`.
#pragma once
#include <array>
#include <memory>
#include <string>
#include <vector>

#include "model/case.h"
#include "model/policy.h"
#include "solver/limits.h"

namespace pp::solver {

struct CriterionCoverage {
  int met = 0, not_met = 0, unknown = 0, decisive = 0;
};

struct ConditionCoverage {
  std::string id, criterion, text;
  int when_true = 0, when_false = 0;
  int first = -1, second = -1;  // an independence pair (case indices; first: the condition true), or -1
};

struct CorpusCoverage {
  int cases = 0;
  std::array<int, 3> decisions{};  // by model::Decision
  std::vector<CriterionCoverage> criteria;  // per criterion index
  std::vector<ConditionCoverage> conditions;
  int pairs() const;
};

// Evaluates every case exactly (CaseEngine) and gathers the coverage.
// Pairs are found by hashing each case's facts outside the condition's, so a
// corpus of n cases costs O(n) per condition.
CorpusCoverage corpus_coverage(std::shared_ptr<const model::Policy> policy, const std::vector<model::Case>& cases,
                               Limits limits = {});

}  // namespace pp::solver
