// Checks a policy as a whole (solver layer; Z3-free header): dead, vacuous and
// redundant criteria, conflicts between indications and exclusions, pathway
// overlaps, gaps, the consequences of each named ambiguity, and the
// consistency of the code table. Every finding names its criteria; every
// witness case was replayed through the concrete evaluator (under the policy
// or the reading it is about) and shows what the finding's claims say.
#pragma once
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "model/case.h"
#include "model/evaluator.h"
#include "model/expr.h"
#include "model/policy.h"
#include "solver/limits.h"

namespace pp::solver {

enum class Severity { Error, Warning, Info };
const char* to_string(Severity s);  // error | warning | info

// A condition over the policy's atoms and criteria, with what it says in words.
struct Condition {
  model::Expr expr;
  std::string text;  // e.g. "request.cpt includes 22514 and no level of L1..L5"
};

// What a witness shows when evaluated: under `reading` ("" = the policy as
// encoded; "AMB.id/reading-id" = under that reading of that ambiguity), the
// decision, the values of the named criteria, and conditions that hold.
struct Claim {
  std::string reading;
  std::optional<model::Decision> decision;
  std::vector<std::pair<std::string, bool>> criteria;  // criterion id -> value
  std::vector<Condition> holds;                        // each true
};

struct Finding {
  // dead | always_met | vacuous | redundant | conflict | overlap | gap |
  // ambiguity | cpt | incomplete (a solver limit was reached)
  std::string kind;
  Severity severity = Severity::Info;
  std::vector<std::string> criteria;  // the criterion ids involved
  std::string subject;                // what else it is about: an ambiguity reading, a code, a definition, a fact
  std::string message;
  std::optional<model::Case> witness;
  std::vector<Claim> claims;           // what the witness shows
  std::optional<model::Case> contrast;  // a second case, where the finding contrasts two
  std::vector<Claim> contrast_claims;
};

struct Analysis {
  std::vector<Finding> findings;
  int count(Severity s) const;
};

// Where a policy came from, so that it can be reloaded under each reading of
// its ambiguities: the bundled CMM-607 model when `path` is empty.
model::PolicySource policy_source(const std::string& path);

// The policy of `source` under one reading (its overrides applied).
std::shared_ptr<const model::Policy> load_reading(const model::PolicySource& source, const model::Reading& reading);

// Analyzes `policy`, loaded from `source`. Findings come in a fixed order
// (structure, conflicts, overlaps, gaps, ambiguities, codes). A witness that
// does not replay is a bug: std::logic_error.
Analysis analyze_policy(std::shared_ptr<const model::Policy> policy, const model::PolicySource& source,
                        Limits limits = {});

// Replays one finding's witness (and contrast) against its claims; returns ""
// when every claim holds, else what failed. `reading_policy` maps a claim's
// reading to its policy ("" = `policy`). Tests use this on every finding.
std::string replay_finding(const Finding& f, const model::Policy& policy,
                           const std::function<const model::Policy&(const std::string&)>& reading_policy);

}  // namespace pp::solver
