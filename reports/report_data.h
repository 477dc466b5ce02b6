// Everything a report shows, computed (reports layer): the policy, its source
// text traced to the criteria, the decision graph, the properties and their
// status, the analysis findings, and each case explained and drawn. Built by
// report_builder.h, written by html_writer.h.
#pragma once
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "explain/explainer.h"
#include "model/case.h"
#include "model/policy.h"
#include "model/properties.h"
#include "reports/source_document.h"
#include "reports/traceability.h"
#include "solver/policy_analyzer.h"
#include "solver/prover.h"

namespace pp::reports {

struct CaseReport {
  std::string file;       // as named on the command line
  std::string case_id;    // the case's case_id, else its file name
  model::Case input;      // as read
  explain::Explanation explanation;  // its exact decision, reasons, corrections, questions
  std::string svg;        // the decision graph with its path drawn (graphviz SVG)
};

struct ReportData {
  std::shared_ptr<const model::Policy> policy;
  std::optional<SourceDocument> source;  // the policy text, when found
  std::string source_note;               // where it came from, or why it is missing
  Traceability trace;                    // empty blocks when there is no source

  std::string graph_svg;                 // the decision graph (graphviz SVG)

  model::PropertySet properties;
  std::vector<solver::Outcome> outcomes;  // per property
  solver::Analysis analysis;
  std::vector<CaseReport> cases;
  std::string generator = "policyproof 0.1.0";
};

}  // namespace pp::reports
