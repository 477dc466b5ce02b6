// `policyproof evaluate`: one case, or a JSONL batch as a streaming filter.
#include <CLI/CLI.hpp>
#include <cstdio>
#include <fstream>
#include <iostream>

#include "cli/case_result_output.h"
#include "cli/common.h"
#include "cli/line_reader.h"
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
  std::string name = o.batch == "-" ? "<stdin>" : o.batch;
  std::FILE* f = o.batch == "-" ? stdin : std::fopen(o.batch.c_str(), "rb");
  if (!f) {
    model::Diagnostic d;
    d.location.file = o.batch;
    d.message = "cannot read the file (no such file, or not readable)";
    throw model::DiagnosticError(d);
  }
  LineReader lines(f, model::kMaxCaseBytes);
  model::CaseReader reader(*policy);
  solver::CaseEngine engine(policy);
  model::Case c(policy->vocab);
  solver::CaseResult r;
  std::string out;
  out.reserve(1 << 16);
  bool bad = false;
  std::string_view line;
  bool too_long = false;
  while (lines.next(line, too_long)) {
    long n = lines.line_number();
    try {
      if (too_long) {
        model::Diagnostic d;
        d.location.file = name;
        d.location.batch_line = n;
        d.message = "case too large (expected at most " + std::to_string(model::kMaxCaseBytes) + " bytes)";
        throw model::DiagnosticError(d);
      }
      reader.read_into(line, name, n, c);
      if (o.assume_absent) model::assume_absent(policy->vocab, c);
      engine.evaluate_into(c, r);
      append_result_json(out, *policy, c, r);
    } catch (const model::DiagnosticError& e) {
      bad = true;
      std::string msg = e.diagnostic().str();
      std::fprintf(stderr, "%s\n", msg.c_str());
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
  if (f != stdin) std::fclose(f);
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
