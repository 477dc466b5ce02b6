// `policyproof generate`: seeded random cases as JSONL, for benchmarks,
// batch pipelines and boundary exploration.
#include <CLI/CLI.hpp>
#include <cstdio>

#include "cli/common.h"
#include "cli/generate_mcdc.h"
#include "model/case_generator.h"
#include "model/case_writer.h"

namespace pp::cli {

CommandRunner add_generate_command(CLI::App& app) {
  struct Options {
    long count = 1000;
    model::GeneratorOptions gen;
    std::string policy;
    bool mcdc = false;
    std::string output;
    double timeout_s = 5;
  };
  auto o = std::make_shared<Options>();
  auto* cmd = app.add_subcommand("generate", "print seeded random cases (JSONL), numbers drawn near the policy's boundaries");
  cmd->add_option("--count", o->count, "how many cases")->check(CLI::NonNegativeNumber);
  cmd->add_option("--seed", o->gen.seed, "random seed (same seed, same cases)");
  cmd->add_option("--unknown-rate", o->gen.unknown_rate, "chance that a fact is left absent (partial cases)")
      ->check(CLI::Range(0.0, 1.0));
  cmd->add_option("--policy", o->policy, "policy file (default: the bundled CMM-607 model)");
  cmd->add_flag("--mcdc", o->mcdc, "an MC/DC suite from the policy's encoding instead, written as a test file for `test`");
  cmd->add_option("--output", o->output, "--mcdc: write the test file to FILE (the coverage report goes to stdout)");
  cmd->add_option("--timeout", o->timeout_s, "--mcdc: seconds per solver query (default 5)")->check(CLI::Range(0.0, 86400.0));
  return [o] {
    return guarded([&] {
      auto policy = load_policy_option(o->policy);
      if (o->mcdc) {
        solver::Limits limits;
        limits.timeout_ms = static_cast<unsigned>(o->timeout_s * 1000);
        return run_generate_mcdc(policy, o->output, limits);
      }
      model::CaseGenerator gen(*policy, o->gen);
      std::string out;
      for (long i = 0; i < o->count; ++i) {
        out += model::write_case_json(policy->vocab, gen.next());
        out += '\n';
        if (out.size() > (1 << 16)) {
          std::fwrite(out.data(), 1, out.size(), stdout);
          out.clear();
        }
      }
      std::fwrite(out.data(), 1, out.size(), stdout);
      return kExitOk;
    });
  };
}

}  // namespace pp::cli
