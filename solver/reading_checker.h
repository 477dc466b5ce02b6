// Whether a case rests on an open reading (solver layer): for every named
// ambiguity and each of its readings other than the one in force, the exact
// decision of the case under that reading, reported where it differs.
//
// The concrete deltas (model/reading_deltas.h) settle every fully specified
// case and most partial ones; a partial case whose decision under a reading
// three-valued logic leaves open is decided by a CaseEngine for that
// reading's policy, made on first need.
#pragma once
#include <memory>
#include <string>
#include <vector>

#include "model/case.h"
#include "model/policy.h"
#include "model/reading_deltas.h"
#include "solver/case_engine.h"

namespace pp::solver {

struct ReadingDependence {
  int ambiguity = -1;  // index into Policy::ambiguities
  int reading = -1;    // index into its readings
  model::Decision decision = model::Decision::Undetermined;
};

class ReadingChecker {
 public:
  explicit ReadingChecker(std::shared_ptr<const model::Policy> policy, Limits limits = {});
  ~ReadingChecker();

  // The readings under which `c` (as read, not closed) would be decided
  // otherwise than `in_force` says, in file order. `in_force` is the case's
  // result under the readings in force (CaseEngine::evaluate).
  void depends_on(const model::Case& c, const CaseResult& in_force, std::vector<ReadingDependence>& out);

  const model::Policy& policy() const { return *policy_; }
  // The policy's concrete evaluator, made once (closing a case under the
  // relations for its reasons needs no evaluator of its own per request).
  const model::Evaluator& evaluator() const { return evaluator_; }

 private:
  std::shared_ptr<const model::Policy> policy_;
  Limits limits_;
  model::Evaluator evaluator_;
  model::ReadingDeltas deltas_;
  model::Case scratch_;
  std::vector<std::unique_ptr<CaseEngine>> engines_;  // per alternative, on first need
};

// "AMB.six_months", "calendar", the reading's text: for outputs.
struct ReadingLabel {
  const std::string& ambiguity;
  const std::string& reading;
  const std::string& text;
};
ReadingLabel label_of(const model::Policy& p, const ReadingDependence& d);
// "under reading `calendar` of AMB.six_months (...) this case would be medically necessary"
std::string dependence_text(const model::Policy& p, const ReadingDependence& d);
// `[{"ambiguity","reading","decision"}]`.
void append_depends_on_json(std::string& out, const model::Policy& p, const std::vector<ReadingDependence>& deps);

}  // namespace pp::solver
