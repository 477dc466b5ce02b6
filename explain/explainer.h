// Why a case is decided as it is, and what would change it (explain layer;
// Z3-free: the exact decision comes from solver::CaseEngine, the minimal
// correction sets from solver::McsEnumerator).
//
// For a denied or undetermined case:
//  - reasons: the exclusions that apply, then (when no pathway is met) the
//    criteria that fail on the way to each pathway;
//  - corrections: every minimal set of changes that makes it medically
//    necessary (solver/mcs_enumerator.h says what may change and how). On a
//    partial case a correction changes known facts only and must approve the
//    case whatever the unknown facts turn out to be;
//  - questions (undetermined cases): the decisive unknown facts, each with
//    what learning each of its values would decide.
// Every correction is checked before it is returned: applied, the case is
// medically necessary (CaseEngine, exactly); with any one change undone, not.
#pragma once
#include <memory>
#include <string>
#include <vector>

#include "model/case.h"
#include "model/evaluator.h"
#include "model/policy.h"
#include "solver/case_engine.h"
#include "solver/limits.h"
#include "solver/mcs_enumerator.h"

namespace pp::explain {

// What learning one value of an unknown slot would decide (nothing else learnt).
struct Outcome {
  std::vector<double> value;  // per atom of the slot; for numbers, the representative of its region
  model::Decision decision = model::Decision::Undetermined;
};

struct Question {
  int slot = -1;
  std::string text;   // the question, worded from the vocabulary's descriptions
  std::string topic;  // the fact path's first part (question_topic)
  std::vector<Outcome> outcomes;  // one per representative value, in value order
  int approve = -1;  // index of the first outcome that is medically necessary, or -1
  int deny = -1;     // index of the first outcome that is not, or -1
  // The answer that keeps approval open when none approves alone (the case
  // then still rests on other questions), or -1: the answer to hope for.
  int open = -1;
};

struct Explanation {
  model::Case closed;              // the case, closed under the domain relations
  solver::CaseResult result;       // its exact decision
  std::vector<int> reasons;        // criterion indices: exclusions applying, then unmet criteria
  solver::McsResult mcs;           // corrections sorted: actionable first, smaller first, then by fact paths
  // Decisive unknowns (undetermined cases), in the order to ask them: the
  // first settles the case in the fewest questions on its worst path (then
  // the next on that path, and so on), grouped by topic in that order.
  std::vector<Question> questions;
  int questions_worst_path = 0;    // how many of them the worst path needs (0: none)
  int unknown_slots = 0;           // slots some criterion reads that the case leaves unknown
};

struct ExplainOptions {
  int max = 0;                    // at most this many corrections (0 = all)
  std::vector<int> frozen_slots;  // slots held at their value
};

class Explainer {
 public:
  explicit Explainer(std::shared_ptr<const model::Policy> policy, solver::Limits limits = {});

  // Explains `c`. Throws std::logic_error when a correction fails its check
  // (an internal error: the enumeration and the evaluation disagree).
  Explanation explain(const model::Case& c, const ExplainOptions& options = {});

  // The check every correction passes: "" when it holds, else what failed.
  // `closed` must be closed under the relations. A solver limit during the
  // check sets *inexact (when given) and counts as passed.
  std::string check_correction(const model::Case& closed, const solver::Correction& k, bool* inexact = nullptr);

  const model::Policy& policy() const { return *policy_; }
  solver::CaseEngine& engine() { return engine_; }

 private:
  // Orders e.questions (see Explanation::questions) and sets questions_worst_path.
  void order_questions(Explanation& e) const;

  std::shared_ptr<const model::Policy> policy_;
  solver::CaseEngine engine_;
  solver::McsEnumerator mcs_;
  model::Evaluator evaluator_;
};

// `c` with the changes of `k` applied (all of them, or all but change `skip`).
// The CPT lines of a changed code list keep their units (new codes: 1 unit).
model::Case apply_correction(const model::Policy& policy, const model::Case& c, const solver::Correction& k,
                             int skip = -1);

// Slot `slot` as a question for a person: "<description>?" for a yes/no
// fact, "<group>: <member>?" for a group member, "How many weeks of ...?",
// "What is the ...?" or "Which are the ...?" for the others.
std::string question_text(const model::Policy& policy, int slot);
// The topic of a question: the first part of its fact path ("pain",
// "conservative_care", "contraindications").
std::string question_topic(const model::Policy& policy, int slot);

// The values worth asking about for slot `slot`: both truth values; for a
// number, one per region of the constants the policy compares it with; every
// enum value; each single level (or code, and no code) for an array.
std::vector<std::vector<double>> question_values(const model::Policy& policy, int slot);

}  // namespace pp::explain
