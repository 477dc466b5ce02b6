// The other readings of a policy's named ambiguities, compiled once, and how
// each would decide a case (model layer, concrete Kleene values).
//
// A reading replaces the conditions of a few criteria (parsed once, at load
// time), and reaches the criteria that depend on them. Most alternatives are
// settled without evaluating anything: one cannot change a denial while an
// exclusion it does not reach applies, nor a denial without a pathway met
// when it reaches no pathway, nor an approval when it reaches no exclusion
// and not the pathway met. The others evaluate their replaced conditions;
// when none changes value the decision is the same, else the criteria that
// depend on them are re-evaluated in topological order and the decision
// rule applied again.
#pragma once
#include <vector>

#include "model/case.h"
#include "model/evaluator.h"
#include "model/policy.h"

namespace pp::model {

struct ReadingAlternative {
  int ambiguity = -1;  // index into Policy::ambiguities
  int reading = -1;    // index into its readings
  std::vector<ReadingExpr> replaced;  // the criteria it replaces, with their conditions under it
  std::vector<int> dependents;        // criteria reading a replaced one, transitively, in topological order
  std::vector<char> reaches;          // per criterion: replaced or a dependent
  bool reaches_pathway = false, reaches_exclusion = false;
};

class ReadingDeltas {
 public:
  // Every reading of every ambiguity except the one in force, in file order.
  explicit ReadingDeltas(const Policy& policy);

  const std::vector<ReadingAlternative>& alternatives() const { return alts_; }

  // The alternatives that might decide a case evaluated as `ev` otherwise;
  // every other one provably decides it as `ev` does, whatever its unknowns.
  const std::vector<int>& candidates(const Evaluation& ev) const;

  // The Kleene decision under alternative `k` of `closed` (a case closed
  // under the relations, evaluated as `ev` under the readings in force).
  // `unchanged` is set when every replaced criterion keeps a known value it
  // had: then the exact decision is the one in force, whatever the unknowns.
  Tri decide(size_t k, const Case& closed, const Evaluation& ev, bool& unchanged);

 private:
  const Policy& policy_;
  Evaluator evaluator_;
  std::vector<ReadingAlternative> alts_;
  std::vector<std::vector<int>> reaching_;           // per criterion: the alternatives reaching it
  std::vector<std::vector<int>> reaching_excl_or_;   // per criterion: ... or reaching any exclusion
  std::vector<int> reaching_pathways_;               // the alternatives reaching some pathway
  std::vector<int> all_;
  std::vector<Tri> vals_;      // scratch: replaced conditions' values
  Evaluation scratch_;  // NOT thread-safe: one ReadingDeltas per thread
};

}  // namespace pp::model
