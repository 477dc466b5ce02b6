// `policyproof explain`: why a case is decided as it is, every minimal set of
// changes that would make it medically necessary, and, for an undetermined
// case, what is still to find out. One case, or a JSONL batch.
#include <CLI/CLI.hpp>
#include <cmath>
#include <cstdio>
#include <iostream>

#include "cli/batch_runner.h"
#include "cli/case_line_worker.h"
#include "cli/case_result_output.h"
#include "cli/common.h"
#include "cli/huge_page_heap.h"
#include "cli/text_wrap.h"
#include "explain/explainer.h"
#include "explain/explanation_writer.h"
#include "model/case_reader.h"
#include "solver/prewarm.h"

namespace pp::cli {

namespace {

struct ExplainOptions {
  std::string case_file;
  std::string batch;
  std::string format = "text";
  std::string policy;
  int max = 0;
  double timeout_s = 5;
  std::vector<std::string> keep;
  bool assume_absent = false;
  int jobs = 0;  // 0: every core
};

[[noreturn]] void usage_error(const std::string& message) { model::diagnose("policyproof explain").fail(message); }

solver::Limits limits_of(const ExplainOptions& o) {
  solver::Limits l;
  l.timeout_ms = static_cast<unsigned>(std::lround(o.timeout_s * 1000));
  return l;
}

explain::ExplainOptions explain_options(const model::Policy& policy, const ExplainOptions& o) {
  explain::ExplainOptions eo;
  eo.max = o.max;
  for (const auto& path : o.keep) {
    int s = policy.vocab.find_slot(path);
    if (s < 0) usage_error("`--keep " + path + "`: unknown fact path (expected a fact path of the case format, e.g. `request.levels`)");
    eo.frozen_slots.push_back(s);
  }
  return eo;
}

int run_single(const ExplainOptions& o) {
  use_huge_page_heap();  // the context below is made in huge pages: fewer page faults
  solver::prewarm_context();  // made on the other core while the policy and the case load
  auto policy = load_policy_option(o.policy);
  explain::ExplainOptions eo = explain_options(*policy, o);
  model::Case c = read_case_file(*policy, o.case_file);
  if (o.assume_absent) model::assume_absent(*policy, c);
  // One answer, then the process ends: the explainer (its Z3 context) is
  // left to the operating system, as clang's -disable-free leaves its ASTs;
  // tearing the context down costs a fifth of the whole run. Reachable from
  // a static, so leak checkers do not count it.
  static explain::Explainer* kept = nullptr;
  kept = new explain::Explainer(policy, limits_of(o));
  explain::Explanation e = kept->explain(c, eo);
  if (o.format == "json") std::cout << explain::explanation_json(*policy, c, e) << "\n";
  else std::cout << wrap_lines(explain::explanation_text(*policy, c, e));
  return kExitOk;
}

// One thread's reader and explainer (its own Z3 context) for `explain --batch`.
class ExplainWorker : public CaseLineWorker {
 public:
  ExplainWorker(std::shared_ptr<const model::Policy> policy, const ExplainOptions& o, explain::ExplainOptions eo,
                std::string name)
      : CaseLineWorker(policy, std::move(name), o.assume_absent), eo_(std::move(eo)),
        explainer_(policy, limits_of(o)) {}

 private:
  void answer(const model::Case& c, std::string& out) override {
    out += explain::explanation_json(*policy_, c, explainer_.explain(c, eo_));
  }
  explain::ExplainOptions eo_;
  explain::Explainer explainer_;
};

int run_batch(const ExplainOptions& o) {
  auto policy = load_policy_option(o.policy);
  explain::ExplainOptions eo = explain_options(*policy, o);
  BatchInput in(o.batch);
  BatchOptions bo = case_batch_options(in, o.jobs);
  // Explaining takes milliseconds a line: small blocks, one line a take, and
  // every block flushed, so a consumer of a pipe sees results as they come.
  bo.block_lines = 4 * static_cast<size_t>(bo.jobs);
  bo.chunk_lines = 1;
  bo.flush_each = true;
  bool ok = cli::run_batch(in.file(), stdout, stderr, bo,
                           [&] { return std::make_unique<ExplainWorker>(policy, o, eo, in.name()); });
  return ok ? kExitOk : kExitBadInput;
}

}  // namespace

CommandRunner add_explain_command(CLI::App& app) {
  auto o = std::make_shared<ExplainOptions>();
  auto* cmd = app.add_subcommand("explain", "why the decision, and every minimal set of changes that would make a case medically necessary");
  cmd->add_option("case", o->case_file, "case JSON file (`-` for standard input)");
  cmd->add_option("--batch", o->batch, "JSONL file of cases, one per line (`-` for standard input); prints one JSON result per line");
  add_format_option(*cmd, o->format);
  cmd->add_option("--max", o->max, "at most N corrections, actionable first (default: all)")->check(CLI::NonNegativeNumber);
  // One path per --keep, so a case file after it is not taken for a second path.
  cmd->add_option("--keep", o->keep, "hold this fact at its value (a fact path; repeatable)")->allow_extra_args(false);
  cmd->add_option("--timeout", o->timeout_s, "solver time limit per query, in seconds (default 5; 0 = none)")
      ->check(CLI::Range(0.0, 86400.0));
  cmd->add_flag("--assume-absent", o->assume_absent, "treat every absent boolean as false and every absent number as 0");
  cmd->add_option("--policy", o->policy, "policy file (default: the bundled CMM-607 model)");
  cmd->add_option("--jobs,-j", o->jobs, "worker threads for --batch (default: every core); output order is the input's")
      ->check(CLI::PositiveNumber);
  return [o] {
    return guarded([&] {
      if (!o->batch.empty() && !o->case_file.empty()) usage_error("give either a case file or `--batch FILE`, not both");
      if (o->batch.empty() && o->case_file.empty())
        usage_error("expected a case file (or `-` for standard input, or `--batch FILE.jsonl`)");
      return o->batch.empty() ? run_single(*o) : run_batch(*o);
    });
  };
}

}  // namespace pp::cli
