// `policyproof analyze`: checks the policy itself (dead, vacuous and redundant
// criteria, conflicts, overlaps, gaps, ambiguities, the code table) and
// prints the findings, each with its criteria and a witness case where one
// exists. Exit 1 when any finding is an error.
#include <CLI/CLI.hpp>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>

#include <fmt/format.h>

#include "cli/analyze_output.h"
#include "cli/common.h"
#include "visualize/atomic_file.h"
#include "model/json_text.h"
#include "model/case_writer.h"
#include "solver/policy_analyzer.h"
#include "solver/policy_differ.h"
#include "solver/finding_calibration.h"
#include "solver/finding_facts.h"
#include "cli/text_wrap.h"

namespace pp::cli {

namespace {

struct AnalyzeOptions {
  std::string policy;
  std::string format = "text";
  double timeout_s = 5;
  unsigned rlimit = 0;
  std::string witness_dir;
};

void write_witnesses(const std::string& dir, const model::Policy& policy, const solver::Analysis& a) {
  auto fail = [&](const std::string& msg) {
    model::diagnose(dir).fail(msg);
  };
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (!std::filesystem::is_directory(dir, ec)) fail("cannot create the directory (expected a writable directory for `--witness-dir`)");
  model::CaseWriteOptions pretty;
  pretty.pretty = true;
  std::set<std::string> taken;  // a file name is made from the case id: sanitised, never outside `dir`
  for (const auto& f : a.findings)
    for (const auto* c : {f.witness ? &*f.witness : nullptr, f.contrast ? &*f.contrast : nullptr}) {
      if (!c) continue;
      std::string path = (std::filesystem::path(dir) / safe_file_name(c->case_id, ".json", taken)).string();
      visualize::write_file_atomically(path, model::write_case_json(policy.vocab, *c, pretty) + "\n");
    }
}

int run_analyze(const AnalyzeOptions& o) {
  model::PolicySource source = solver::policy_source(o.policy);
  auto policy = load_policy_option(o.policy);
  solver::Limits limits;
  limits.timeout_ms = static_cast<unsigned>(std::lround(o.timeout_s * 1000));
  limits.rlimit = o.rlimit;
  solver::Analysis a = solver::analyze_policy(policy, source, limits);
  solver::calibrate_severities(a);
  if (!o.witness_dir.empty()) write_witnesses(o.witness_dir, *policy, a);
  std::cout << (o.format == "json" ? analyze_json(*policy, a) : analyze_text(*policy, source, a));
  return a.count(solver::Severity::Error) > 0 ? kExitCheckFailed : kExitOk;
}

}  // namespace

CommandRunner add_analyze_command(CLI::App& app) {
  auto o = std::make_shared<AnalyzeOptions>();
  auto* cmd = app.add_subcommand("analyze", "check the policy itself: dead, vacuous and redundant criteria, conflicts, overlaps, gaps, ambiguities, codes");
  add_format_option(*cmd, o->format);
  cmd->add_option("--policy", o->policy, "policy file (default: the bundled CMM-607 model)");
  cmd->add_option("--timeout", o->timeout_s, "seconds per solver query before it is left undecided (default 5; 0 = no limit)")
      ->check(CLI::Range(0.0, 86400.0));
  cmd->add_option("--rlimit", o->rlimit, "Z3 resource limit per query (deterministic; default: none)");
  cmd->add_option("--witness-dir", o->witness_dir, "also write every witness case to DIR/<case_id>.json (for `evaluate`)");
  return [o] { return guarded([&] { return run_analyze(*o); }); };
}

}  // namespace pp::cli
