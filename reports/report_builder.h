// Builds a report's data by running the layers (reports layer; no Z3 here):
// prove (solver::Prover), analyze (solver::analyze_policy), explain each case
// (explain::Explainer), the coverage of a corpus (solver::corpus_coverage),
// and draw the views of the decision graph, each laid out to read at the
// report's width, each case's path, and the whole graph for its own file
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
  // A corpus whose coverage the report shows (`--coverage`): the cases read
  // from `files`, each with its label (case_id, else file:line).
  struct Corpus {
    std::vector<std::string> files;
    std::vector<std::string> labels;
    std::vector<model::Case> cases;
  };
  std::optional<Corpus> corpus;
  solver::Limits limits;
  bool parallel = true;
};

// The narrowest column an inline picture is drawn in (report.css: `body` at
// most 78rem less 1.5rem of padding on each side, 16 px a rem, less a case's
// box, its padding and the figure's border: 1200 - 36) and the smallest label
// a reader is asked to read there. A picture wider than its column is scaled
// down to it, so a view is laid out with fewer leaves side by side, then with
// its label lines broken at kLabelChars, until its smallest text, scaled,
// stays at or above kMinLabelPx.
constexpr double kColumnPx = 1164;
constexpr double kMinLabelPx = 9;
constexpr size_t kLabelChars = 36;

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
