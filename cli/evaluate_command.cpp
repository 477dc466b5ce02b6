// `policyproof evaluate`: one case, or a JSONL batch as a streaming filter.
#include <CLI/CLI.hpp>
#include <cstdio>
#include <fstream>
#include <iostream>

#include "cli/case_result_output.h"
#include "cli/common.h"
#include "cli/text_wrap.h"
#include "cli/batch_runner.h"
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
class EvaluateWorker : public LineWorker {
 public:
  EvaluateWorker(std::shared_ptr<const model::Policy> policy, std::string name, bool assume_absent)
      : policy_(policy), name_(std::move(name)), assume_absent_(assume_absent), reader_(*policy),
        engine_(policy), readings_(policy), case_(policy->vocab) {}

  bool process(std::string_view line, long n, bool too_long, std::string& out, std::string& err) override {
    try {
      if (too_long) throw line_too_large(name_, n, model::kMaxCaseBytes);
      reader_.read_into(line, name_, n, case_);
      if (assume_absent_) model::assume_absent(*policy_, case_);
      engine_.evaluate_into(case_, result_);
      append_evaluate_json(out, *policy_, case_, result_, readings_, false);
      out += '\n';
      return true;
    } catch (const model::DiagnosticError& e) {
      std::string msg = e.diagnostic().str();
      err += msg;
      err += '\n';
      append_error_json(out, n, msg);
      out += '\n';
      return false;
    }
  }

 private:
  std::shared_ptr<const model::Policy> policy_;
  std::string name_;
  bool assume_absent_;
  model::CaseReader reader_;
  solver::CaseEngine engine_;
  solver::ReadingChecker readings_;
  model::Case case_;
  solver::CaseResult result_;
};

int run_batch(const EvaluateOptions& o) {
  auto policy = load_policy_option(o.policy);
  BatchInput in(o.batch);
  const std::string& name = in.name();
  BatchOptions bo;
  bo.name = name;
  bo.jobs = o.jobs > 0 ? o.jobs : default_jobs();
  bo.max_line = model::kMaxCaseBytes;
  bool ok = run_batch(in.file(), stdout, stderr, bo, [&] {
    return std::make_unique<EvaluateWorker>(policy, name, o.assume_absent);
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
        model::Diagnostic d;
        d.location.file = "policyproof evaluate";
        d.message = "give either a case file or `--batch FILE`, not both";
        throw model::DiagnosticError(d);
      }
      if (o->batch.empty() && o->case_file.empty()) {
        model::Diagnostic d;
        d.location.file = "policyproof evaluate";
        d.message = "expected a case file (or `-` for standard input, or `--batch FILE.jsonl`)";
        throw model::DiagnosticError(d);
      }
      return o->batch.empty() ? run_single(*o) : run_batch(*o);
    });
  };
}

}  // namespace pp::cli
