// An MC/DC test suite for a whole policy, from its Z3 encoding (solver layer;
// Z3-free header). A condition is one atomic test in a leaf criterion's
// `when` (a bool fact, a number comparison, an enum test, a count); for each,
// an independence pair: two cases that differ only in the facts the condition
// reads, in the condition's value, in its criterion's value and in the
// decision (unique-cause MC/DC: a member of a set differs alone; a count or
// an enum test may change any member of its set; Chilenski and Miller, "Applicability of modified condition/decision
// coverage to software testing", 1994). Where no pair exists, the solver's
// unsat answer is the proof, and the stage at which the query failed says
// why. The same for every use of a criterion (a child of an `all`/`any`, a
// criterion referenced with `@`, a pathway or exclusion in the decision):
// a pair where it flips, the criterion using it flips and the decision
// flips, the cases differing only in the facts it reads, so a child dropped
// from an `all` is seen too. Every number comparison also gets its boundary values on both sides
// (the constant and one unit either side). Every case is fully specified,
// valid under the domain relations, and its expected decision comes from the
// concrete evaluator (checked against Z3's).
#pragma once
#include <memory>
#include <string>
#include <vector>

#include "model/case.h"
#include "model/evaluator.h"
#include "model/policy.h"
#include "solver/limits.h"

namespace pp::solver {

struct McdcCase {
  model::Case c;                      // case_id "mcdc-001", ...
  model::Decision decision = model::Decision::Undetermined;  // by the concrete evaluator
  std::vector<std::string> pathways;   // met pathways
  std::vector<std::string> exclusions; // applying exclusions
  std::vector<std::string> roles;      // "pair IN.NM.acute.duration#1 = true", "boundary ... = 7"
};

enum class PairStatus { Found, None, Unknown };

struct McdcCondition {
  std::string id;         // atomic: criterion id + "#" + its position among the criterion's conditions;
                          // a use: child id + "@" + the using criterion's id (or "decision")
  std::string criterion;  // the leaf criterion (a use: the using criterion, or the child for "decision")
  std::string text;       // "pain.duration_weeks <= 6"
  bool numeric = false;   // a number comparison or a count
  PairStatus status = PairStatus::Unknown;
  int first = -1, second = -1;  // Found: indices into McdcSuite::cases (first: the condition true)
  std::string why;        // None: why no pair exists (proved unsat); Unknown: the solver's reason
  std::vector<int> boundary;  // numeric: cases at the boundary values
};

struct McdcSuite {
  std::vector<McdcCase> cases;
  std::vector<McdcCondition> conditions;
  int pairs_found() const;
  int pairs_none() const;
  int pairs_unknown() const;
  int boundary_cases = 0;  // cases added for boundary values only
};

// Generates the suite for `policy`. A disagreement between Z3 and the
// concrete evaluator is a bug: std::logic_error.
McdcSuite generate_mcdc(std::shared_ptr<const model::Policy> policy, Limits limits = {});

// The atomic conditions of a leaf criterion's condition, in pre-order: the
// nodes MC/DC treats as conditions (Atom, NumCmp, EnumIn, Count).
std::vector<const model::Expr*> leaf_conditions(const model::Expr& e);

// A condition in words ("pain.duration_weeks <= 6", "request.levels.T5").
std::string condition_text(const model::Policy& policy, const model::Expr& e);

}  // namespace pp::solver
