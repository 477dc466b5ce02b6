// `policyproof prove`: checks every property of a properties file (the bundled
// CMM-607 properties by default) over all cases, and optionally writes each
// proof obligation as SMT-LIB 2 for another solver.
#include <CLI/CLI.hpp>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <iostream>

#include <fmt/format.h>

#include "cli/common.h"
#include "cli/text_wrap.h"
#include "visualize/atomic_file.h"
#include "model/json_text.h"
#include "model/case_writer.h"
#include "model/properties.h"
#include "solver/prover.h"

namespace pp::cli {

namespace {

struct ProveOptions {
  std::string properties_file;
  std::string format = "text";
  std::string policy;
  double timeout_s = 5;
  unsigned rlimit = 0;
  std::string emit_smt2;
};

void write_smt2(const std::string& dir, const model::PropertySet& set, solver::Prover& prover) {
  auto fail = [&](const std::string& msg) {
    model::diagnose(dir).fail(msg);
  };
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (!std::filesystem::is_directory(dir, ec)) fail("cannot create the directory (expected a writable directory for `--emit-smt2`)");
  std::set<std::string> taken;  // a file name is made from the property id: sanitised, never outside `dir`
  for (const auto& p : set.properties) {
    std::string path = (std::filesystem::path(dir) / safe_file_name(p.id, ".smt2", taken)).string();
    visualize::write_file_atomically(path, prover.smt2(p));
  }
}

void append_case(std::string& out, const model::Policy& policy, const char* key, const model::Case& c) {
  out += ",\"";
  out += key;
  out += "\":";
  out += model::write_case_json(policy.vocab, c);
}

std::string json_report(const model::Policy& policy, const model::PropertySet& set,
                        const std::vector<solver::Outcome>& outcomes) {
  std::string out = "{\"policy\":{\"id\":";
  model::json_escape(out, policy.id);
  out += ",\"version\":";
  model::json_escape(out, policy.version);
  out += ",\"sha256\":";
  model::json_escape(out, policy.sha256);
  out += "},\"properties_file\":";
  model::json_escape(out, set.file);
  out += ",\"properties\":[";
  int counts[3] = {0, 0, 0};
  for (size_t i = 0; i < outcomes.size(); ++i) {
    const auto& p = set.properties[i];
    const auto& o = outcomes[i];
    counts[static_cast<int>(o.status)]++;
    if (i) out += ',';
    out += "{\"id\":";
    model::json_escape(out, p.id);
    out += ",\"text\":";
    model::json_escape(out, p.text);
    out += ",\"kind\":\"";
    out += model::to_string(p.kind);
    out += "\",\"status\":\"";
    out += solver::to_string(o.status);
    out += '"';
    if (o.counterexample) append_case(out, policy, "counterexample", *o.counterexample);
    if (o.counterexample_after) append_case(out, policy, "counterexample_after", *o.counterexample_after);
    if (o.witness) append_case(out, policy, "witness", *o.witness);
    if (o.status == solver::Status::Unknown) {
      out += ",\"reason\":";
      model::json_escape(out, o.reason);
    }
    out += '}';
  }
  out += fmt::format("],\"summary\":{{\"proved\":{},\"violated\":{},\"unknown\":{}}}}}\n", counts[0], counts[1], counts[2]);
  return out;
}

std::string text_report(const model::Policy& policy, const model::PropertySet& set,
                        const std::vector<solver::Outcome>& outcomes) {
  std::string out = fmt::format("{} {}: {} properties ({})\n\n", policy.id, policy.version,
                                set.properties.size(), set.file);
  int counts[3] = {0, 0, 0};
  model::CaseWriteOptions pretty;
  pretty.pretty = true;
  pretty.indent = 10;
  for (size_t i = 0; i < outcomes.size(); ++i) {
    const auto& p = set.properties[i];
    const auto& o = outcomes[i];
    counts[static_cast<int>(o.status)]++;
    out += fmt::format("{:<9} {}: {}\n", solver::to_string(o.status), p.id, p.text);
    if (o.status == solver::Status::Unknown) out += fmt::format("          reason: {}\n", o.reason);
    if (o.status == solver::Status::Violated && p.kind == model::PropertyKind::Exists)
      out += "          no case satisfies it\n";
    if (o.counterexample) {
      out += p.kind == model::PropertyKind::Monotone
                 ? "          counterexample, before the change (`policyproof evaluate` reproduces it):\n"
                 : "          counterexample (`policyproof evaluate` reproduces it):\n";
      out += "          " + model::write_case_json(policy.vocab, *o.counterexample, pretty) + "\n";
    }
    if (o.counterexample_after) {
      out += "          after the change:\n";
      out += "          " + model::write_case_json(policy.vocab, *o.counterexample_after, pretty) + "\n";
    }
  }
  out += fmt::format("\n{} proved, {} violated, {} unknown\n", counts[0], counts[1], counts[2]);
  return out;
}

int run_prove(const ProveOptions& o) {
  auto policy = load_policy_option(o.policy);
  model::PropertySet set =
      o.properties_file.empty()
          ? model::load_default_properties(*policy)
          : model::load_properties(*policy, read_input(o.properties_file),
                                   o.properties_file == "-" ? "<stdin>" : o.properties_file);
  solver::Limits limits;
  limits.timeout_ms = static_cast<unsigned>(std::lround(o.timeout_s * 1000));
  limits.rlimit = o.rlimit;
  solver::Prover prover(policy, limits);
  if (!o.emit_smt2.empty()) write_smt2(o.emit_smt2, set, prover);
  std::vector<solver::Outcome> outcomes;
  bool violated = false;
  for (const auto& p : set.properties) {
    outcomes.push_back(prover.prove(p));
    violated |= outcomes.back().status == solver::Status::Violated;
  }
  std::cout << (o.format == "json" ? json_report(*policy, set, outcomes) : wrap_lines(text_report(*policy, set, outcomes)));
  return violated ? kExitCheckFailed : kExitOk;
}

}  // namespace

CommandRunner add_prove_command(CLI::App& app) {
  auto o = std::make_shared<ProveOptions>();
  auto* cmd = app.add_subcommand("prove", "check the policy's properties over all cases: proved, violated (with a counterexample) or unknown");
  cmd->add_option("properties", o->properties_file, "properties file (default: the bundled properties of the policy; `-` for standard input)");
  add_format_option(*cmd, o->format);
  cmd->add_option("--policy", o->policy, "policy file (default: the bundled CMM-607 model)");
  cmd->add_option("--timeout", o->timeout_s, "seconds per property before the answer is `unknown` (default 5; 0 = no limit)")
      ->check(CLI::Range(0.0, 86400.0));
  cmd->add_option("--rlimit", o->rlimit, "Z3 resource limit per property (deterministic; default: none)");
  cmd->add_option("--emit-smt2", o->emit_smt2, "write each proof obligation to DIR/<property id>.smt2 (sat = violated, except for `exists` properties)");
  return [o] { return guarded([&] { return run_prove(*o); }); };
}

}  // namespace pp::cli
