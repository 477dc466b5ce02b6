// `policyproof evaluate`: one case, or a JSONL batch as a streaming filter.
#include <CLI/CLI.hpp>
#include <cstdio>
#include <fstream>
#include <iostream>

#include "cli/case_result_output.h"
#include "cli/common.h"
#include "model/case_reader.h"
#include "solver/case_engine.h"

namespace pp::cli {

namespace {

struct EvaluateOptions {
  std::string case_file;
  std::string batch;
  std::string format = "text";
  std::string policy;
  bool assume_absent = false;
};

int run_single(const EvaluateOptions& o) {
  auto policy = load_policy_option(o.policy);
  model::Case c = read_case_file(*policy, o.case_file);
  if (o.assume_absent) model::assume_absent(policy->vocab, c);
  solver::CaseEngine engine(policy);
  solver::CaseResult r = engine.evaluate(c);
  if (o.format == "json") {
    std::string out;
    append_result_json(out, *policy, c, r);
    std::cout << out << "\n";
  } else {
    std::cout << result_text(*policy, c, r);
  }
  return kExitOk;
}

int run_batch(const EvaluateOptions& o) {
  auto policy = load_policy_option(o.policy);
  std::ifstream file;
  std::istream* in = &std::cin;
  std::string name = o.batch == "-" ? "<stdin>" : o.batch;
  if (o.batch != "-") {
    file.open(o.batch, std::ios::binary);
    if (!file) {
      model::Diagnostic d;
      d.location.file = o.batch;
      d.message = "cannot read the file (no such file, or not readable)";
      throw model::DiagnosticError(d);
    }
    in = &file;
  }
  model::CaseReader reader(*policy);
  solver::CaseEngine engine(policy);
  model::Case c(policy->vocab);
  solver::CaseResult r;
  std::string line, out;
  out.reserve(1 << 16);
  long n = 0;
  bool bad = false;
  while (std::getline(*in, line)) {
    ++n;
    try {
      reader.read_into(line, name, n, c);
      if (o.assume_absent) model::assume_absent(policy->vocab, c);
      engine.evaluate_into(c, r);
      append_result_json(out, *policy, c, r);
    } catch (const model::DiagnosticError& e) {
      bad = true;
      std::string msg = e.diagnostic().str();
      std::cerr << msg << "\n";
      append_error_json(out, n, msg);
    }
    out += '\n';
    if (out.size() > (1 << 15)) {
      std::fwrite(out.data(), 1, out.size(), stdout);
      out.clear();
    }
  }
  std::fwrite(out.data(), 1, out.size(), stdout);
  std::fflush(stdout);
  return bad ? kExitBadInput : kExitOk;
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
