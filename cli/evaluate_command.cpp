// `policyproof evaluate`: one case, or a JSONL batch as a streaming filter.
#include <CLI/CLI.hpp>
#include <cstdio>
#include <fstream>
#include <iostream>

#include "cli/case_result_output.h"
#include "cli/common.h"
#include "cli/text_wrap.h"
#include "cli/batch_runner.h"
#include "cli/case_line_worker.h"
#include "model/billing_check.h"
#include "model/case_reader.h"
#include "model/reason_builder.h"
#include "solver/case_engine.h"

namespace pp::cli {

namespace {

struct EvaluateOptions {
  std::string case_file;
  std::string batch;
  std::string format = "text";
  std::string policy;
  bool assume_absent = false;
  int jobs = 0;  // 0: every core
};

int run_single(const EvaluateOptions& o) {
  auto policy = load_policy_option(o.policy);
  model::Case c = read_case_file(*policy, o.case_file);
  if (o.assume_absent) model::assume_absent(*policy, c);
  solver::CaseEngine engine(policy);
  solver::CaseResult r = engine.evaluate(c);
  solver::ReadingChecker readings(policy);
  if (o.format == "json") {
    std::string out;
    append_evaluate_json(out, *policy, c, r, readings, true);
    std::cout << out << "\n";
    return kExitOk;
  }
  model::Case closed = c;
  model::Evaluator(*policy).close_under_relations(closed);
  std::vector<model::WhyItem> why = model::build_why(*policy, closed, r.evaluation, r.decision);
  std::vector<solver::ReadingDependence> deps;
  readings.depends_on(c, r, deps);
  std::vector<std::string> warnings = model::billing_warnings(*policy, c);
  ResultExtras x{&why, &deps, &warnings};
  {
    std::cout << wrap_lines(result_text(*policy, c, r, x));
  }
  return kExitOk;
}

// One thread's reader and engine for `evaluate --batch`.
class EvaluateWorker : public CaseLineWorker {
 public:
  EvaluateWorker(std::shared_ptr<const model::Policy> policy, std::string name, bool assume_absent)
      : CaseLineWorker(policy, std::move(name), assume_absent), engine_(policy), readings_(policy) {}

 private:
  void answer(const model::Case& c, std::string& out) override {
    engine_.evaluate_into(c, result_);
    append_evaluate_json(out, *policy_, c, result_, readings_, false);
  }
  solver::CaseEngine engine_;
  solver::ReadingChecker readings_;
  solver::CaseResult result_;
};

int run_batch(const EvaluateOptions& o) {
  auto policy = load_policy_option(o.policy);
  BatchInput in(o.batch);
  bool ok = run_batch(in.file(), stdout, stderr, case_batch_options(in, o.jobs), [&] {
    return std::make_unique<EvaluateWorker>(policy, in.name(), o.assume_absent);
  });
  return ok ? kExitOk : kExitBadInput;
}

}  // namespace

CommandRunner add_evaluate_command(CLI::App& app) {
  auto o = std::make_shared<EvaluateOptions>();
  auto* cmd = app.add_subcommand("evaluate", "decide a case: medically necessary or not, and why");
  cmd->add_option("case", o->case_file, "case JSON file (`-` for standard input)");
  cmd->add_option("--batch", o->batch, "JSONL file of cases, one per line (`-` for standard input); prints one JSON result per line");
  add_format_option(*cmd, o->format);
  cmd->add_flag("--assume-absent", o->assume_absent, "treat every absent boolean as false and every absent number as 0");
  cmd->add_option("--policy", o->policy, "policy file (default: the bundled CMM-607 model)");
  cmd->add_option("--jobs,-j", o->jobs, "worker threads for --batch (default: every core); output order is the input's")
      ->check(CLI::PositiveNumber);
  return [o] {
    return guarded([&] {
      if (!o->batch.empty() && !o->case_file.empty()) {
        model::diagnose("policyproof evaluate").fail("give either a case file or `--batch FILE`, not both");
      }
      if (o->batch.empty() && o->case_file.empty()) {
        model::diagnose("policyproof evaluate").fail("expected a case file (or `-` for standard input, or `--batch FILE.jsonl`)");
      }
      return o->batch.empty() ? run_single(*o) : run_batch(*o);
    });
  };
}

}  // namespace pp::cli
