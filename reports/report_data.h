// Everything a report shows, computed (reports layer): the policy, its source
// text traced to the criteria, the views of the decision graph, the properties
// and their status, the analysis findings, each case explained and drawn, and
// what a corpus of cases exercised. Built by
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
#include "solver/corpus_coverage.h"
#include "solver/policy_analyzer.h"
#include "solver/prover.h"

namespace pp::reports {

struct CaseReport {
  std::string file;       // as named on the command line
  std::string case_id;    // the case's case_id, else its file name
  model::Case input;      // as read
  explain::Explanation explanation;  // its exact decision, reasons, corrections, questions
  std::string path_svg;   // the path view: only what decided it, with its values (graphviz SVG, inline)
  std::string svg;        // the whole decision graph with its path drawn (graphviz SVG, its own file)
};

// A picture the report shows inline: one view of the decision graph, laid out
// to read at the report's width (report_builder.h).
struct Picture {
  std::string id;       // anchor and id prefix, e.g. "view-overview"
  std::string title;    // a heading, e.g. "Pathway: Non-Malignant Conditions"
  std::string label;    // the accessible name
  std::string svg;      // graphviz SVG
};

// What a corpus of cases exercised (`report --coverage`): solver::corpus_coverage
// of the cases read from `files`, labelled as `policyproof coverage` labels them.
struct CorpusReport {
  std::vector<std::string> files;   // as named on the command line
  std::vector<std::string> labels;  // per case: its case_id, else file:line
  solver::CorpusCoverage coverage;
};

struct ReportData {
  std::shared_ptr<const model::Policy> policy;
  std::optional<SourceDocument> source;  // the policy text, when found
  std::string source_note;               // where it came from, or why it is missing
  Traceability trace;                    // empty blocks when there is no source

  std::string graph_svg;                 // the whole decision graph (graphviz SVG, its own file)
  std::vector<Picture> views;            // overview, each pathway, exclusions (inline)

  model::PropertySet properties;
  std::vector<solver::Outcome> outcomes;  // per property
  solver::Analysis analysis;
  std::vector<CaseReport> cases;
  std::optional<CorpusReport> corpus;     // with --coverage
  std::string generator = "policyproof 0.1.0";
};

}  // namespace pp::reports
