// `policyproof report`: a self-contained static HTML report of a policy:
// every criterion traced to its sentence and back, the decision graph, the
// properties proved, the analysis findings, each --case explained, and with
// --coverage what a corpus of cases exercised (cli layer: reads the inputs,
// runs reports::build_report, writes the site).
#include <CLI/CLI.hpp>
#include <chrono>
#include <cmath>
#include <iostream>

#include <fmt/format.h>

#include "cli/common.h"
#include "cli/corpus_reader.h"
#include "reports/report_builder.h"
#include "reports/site_writer.h"
#include "solver/policy_analyzer.h"

namespace pp::cli {

namespace {

struct ReportOptions {
  std::string output;
  std::vector<std::string> cases;
  std::vector<std::string> coverage;
  std::string policy;
  double timeout_s = 5;
  unsigned rlimit = 0;
  bool quiet = false;
};

int run_report(const ReportOptions& o) {
  auto start = std::chrono::steady_clock::now();
  // Every input is checked before anything is computed or written.
  reports::check_output_dir(o.output);
  reports::ReportRequest rq;
  rq.policy = load_policy_option(o.policy);
  rq.policy_source = solver::policy_source(o.policy);
  rq.source_text = reports::find_policy_source(*rq.policy, rq.policy_source.dir, rq.source_note);
  rq.source_name = rq.policy->source_file;
  for (const auto& file : o.cases) rq.cases.emplace_back(file, read_case_file(*rq.policy, file));
  if (!o.coverage.empty()) {
    Corpus corpus = read_corpus(*rq.policy, o.coverage);  // as `policyproof coverage` reads it
    rq.corpus = reports::ReportRequest::Corpus{o.coverage, std::move(corpus.labels), std::move(corpus.cases)};
  }
  rq.limits.timeout_ms = static_cast<unsigned>(std::lround(o.timeout_s * 1000));
  rq.limits.rlimit = o.rlimit;

  reports::ReportData data = reports::build_report(rq);
  auto files = reports::write_site(o.output, data);
  if (!o.quiet) {
    double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    std::string corpus = data.corpus ? fmt::format(", coverage of {} cases", data.corpus->coverage.cases) : "";
    std::cout << fmt::format("wrote {} ({} files: {} criteria, {} properties, {} findings, {} cases{}) in {:.2f} s\n",
                             files.back(), files.size(), data.policy->criteria.size(), data.outcomes.size(),
                             data.analysis.findings.size(), data.cases.size(), corpus, secs);
    if (!data.source) std::cout << "note: the policy text is not in the report: " << data.source_note << "\n";
  }
  return kExitOk;
}

}  // namespace

CommandRunner add_report_command(CLI::App& app) {
  auto o = std::make_shared<ReportOptions>();
  auto* cmd = app.add_subcommand("report", "write a self-contained HTML report: criteria traced to the policy text, the "
                                           "decision graph, properties, findings and cases");
  cmd->add_option("--output,-o", o->output, "directory to write index.html, style.css and the pictures into")->required();
  cmd->add_option("--case", o->cases, "a case JSON file to explain and draw (repeatable; `-` for standard input)");
  cmd->add_option("--coverage", o->coverage, "a corpus of cases (JSONL, as `coverage` reads) whose coverage to show "
                                             "(repeatable)");
  cmd->add_option("--policy", o->policy, "policy file (default: the bundled CMM-607 model); its source text is looked "
                                         "for beside it");
  cmd->add_option("--timeout", o->timeout_s, "seconds per solver query before its answer is `unknown` (default 5; 0 = no limit)")
      ->check(CLI::Range(0.0, 86400.0));
  cmd->add_option("--rlimit", o->rlimit, "Z3 resource limit per query (deterministic; default: none)");
  cmd->add_flag("--quiet,-q", o->quiet, "print nothing on success");
  return [o] { return guarded([&] { return run_report(*o); }); };
}

}  // namespace pp::cli
