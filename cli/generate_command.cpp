// `policyproof generate`: seeded random cases as JSONL, for benchmarks,
// batch pipelines and boundary exploration.
#include <CLI/CLI.hpp>
#include <cstdint>
#include <cstdio>

#include "cli/common.h"
#include "cli/generate_mcdc.h"
#include "model/case_generator.h"
#include "model/case_writer.h"

namespace pp::cli {

namespace {

// The seed as written: digits only, at most 2^64-1 (no sign that would wrap
// around, no silent clamping).
std::uint64_t parse_seed(const std::string& text) {
  std::uint64_t v = 0;
  bool ok = !text.empty() && text.size() <= 20;
  for (char c : text) {
    if (!ok || c < '0' || c > '9') { ok = false; break; }
    auto digit = static_cast<std::uint64_t>(c - '0');
    if (v > (UINT64_MAX - digit) / 10) { ok = false; break; }
    v = v * 10 + digit;
  }
  if (!ok) {
    model::diagnose("policyproof generate").fail("`--seed " + text + "` is not a seed (expected a whole number from 0 to 18446744073709551615)");
  }
  return v;
}

}  // namespace

CommandRunner add_generate_command(CLI::App& app) {
  struct Options {
    long count = 1000;
    model::GeneratorOptions gen;
    std::string policy;
    bool mcdc = false;
    bool all_facts = false;
    std::string output;
    double timeout_s = 5;
    std::string seed;
  };
  auto o = std::make_shared<Options>();
  auto* cmd = app.add_subcommand("generate", "print seeded random cases (JSONL), numbers drawn near the policy's boundaries");
  cmd->add_option("--count", o->count, "how many cases")->check(CLI::NonNegativeNumber);
  cmd->add_option("--seed", o->seed, "random seed, a whole number from 0 to 2^64-1 (same seed, same cases)");
  cmd->add_option("--unknown-rate", o->gen.unknown_rate, "chance that a fact is left absent (partial cases)")
      ->check(CLI::Range(0.0, 1.0));
  cmd->add_option("--policy", o->policy, "policy file (default: the bundled CMM-607 model)");
  cmd->add_flag("--all-facts", o->all_facts,
                "state every fact of the vocabulary, also those the policy never reads (default: only those it reads)");
  cmd->add_flag("--mcdc", o->mcdc, "an MC/DC suite from the policy's encoding instead, written as a test file for `test`");
  cmd->add_option("--output", o->output, "--mcdc: write the test file to FILE (the coverage report goes to stdout)");
  cmd->add_option("--timeout", o->timeout_s, "--mcdc: seconds per solver query (default 5)")->check(CLI::Range(0.0, 86400.0));
  return [o] {
    return guarded([&] {
      if (!o->seed.empty()) o->gen.seed = parse_seed(o->seed);
      auto policy = load_policy_option(o->policy);
      if (o->mcdc) {
        solver::Limits limits;
        limits.timeout_ms = static_cast<unsigned>(o->timeout_s * 1000);
        return run_generate_mcdc(policy, o->output, limits);
      }
      o->gen.all_facts = o->all_facts;
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
