// The analyses of a policy, one file per family (solver layer; solver-internal),
// each adding its findings to the shared AnalysisContext. analyze_policy
// (policy_analyzer.cpp) runs them in this order, which is the order of the
// findings.
#pragma once
#include <vector>

#include "solver/analysis/analysis_context.h"

namespace pp::solver::analysis {

// What the structure checks learn about each criterion (indexed like the criteria).
struct CriterionFlags {
  std::vector<char> dead;      // can never be met (or, for a pathway, never approves)
  std::vector<char> constant;  // met by every case
};

// dead_criteria.cpp: criteria that can never be met, or are met by every
// case; pathways an exclusion always overrides.
CriterionFlags find_dead_criteria(AnalysisContext& cx);

// redundancy.cpp: criteria that never change a decision (vacuous) or can be
// dropped from their group (redundant); skips what `flags` already explains.
void find_redundant_criteria(AnalysisContext& cx, const CriterionFlags& flags);

// conflicts.cpp: exclusions that can apply to a case meeting a pathway (per
// category, the notable ones, and the definitions an exclusion cuts through);
// pathways that overlap.
void find_conflicts(AnalysisContext& cx);
void find_overlaps(AnalysisContext& cx);

// gaps.cpp: cases no criterion addresses; lists some pathways require and
// others do not; facts and values no criterion reads.
void find_gaps(AnalysisContext& cx);

// ambiguities.cpp: what each alternative reading of each ambiguity changes.
void find_ambiguity_consequences(AnalysisContext& cx);

// codes.cpp: requests whose codes contradict the code table, and which codes
// can change a decision on their own.
void find_code_issues(AnalysisContext& cx);

}  // namespace pp::solver::analysis
