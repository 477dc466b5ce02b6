// Builds a report's data by running the layers (reports layer; no Z3 here):
// prove (solver::Prover), analyze (solver::analyze_policy), explain each case
// (explain::Explainer), and draw the graph and each case's path
// (visualize). The independent parts run concurrently, each with its own
// solver session.
#pragma once
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "model/case.h"
#include "model/policy.h"
#include "reports/report_data.h"
#include "solver/limits.h"

namespace pp::reports {

struct ReportRequest {
  std::shared_ptr<const model::Policy> policy;
  model::PolicySource policy_source;        // to reload the policy under each ambiguity reading
  std::optional<std::string> source_text;   // the policy text (Markdown), if found
  std::string source_name;                  // as the report names it
  std::string source_note;                  // where the text came from, or why it is missing
  std::vector<std::pair<std::string, model::Case>> cases;  // (file as given, case as read)
  solver::Limits limits;
  bool parallel = true;
};

// Runs everything the report shows. Throws what the layers throw (internal
// errors only: user input is checked before).
ReportData build_report(const ReportRequest& request);

// Where a policy's source text is: beside the policy file (`dir`/`source_file`)
// when it was loaded from disk, else the bundled file of that name. Returns
// the text and a note on where it came from; nothing (and why, in `note`)
// when neither exists.
std::optional<std::string> find_policy_source(const model::Policy& policy, const std::string& policy_dir,
                                              std::string& note);

}  // namespace pp::reports
