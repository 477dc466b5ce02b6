// `policyproof generate --mcdc` (cli layer): the MC/DC suite of a policy
// written as a test file for `policyproof test`, and its coverage report.
#pragma once
#include <memory>
#include <string>

#include "model/policy.h"
#include "solver/limits.h"
#include "solver/mcdc_generator.h"

namespace pp::cli {

// The suite as a test file (JSONL, docs/workbench.md): a comment header with
// the coverage, then one test a line.
std::string mcdc_test_file(const model::Policy& policy, const solver::McdcSuite& suite);

// The coverage report a person reads (lines under 100 columns).
std::string mcdc_report(const model::Policy& policy, const solver::McdcSuite& suite);

// Generates the suite; writes the test file to `output` (stdout when empty;
// the report then goes to stderr) and the report to stdout. Returns the exit code.
int run_generate_mcdc(std::shared_ptr<const model::Policy> policy, const std::string& output, solver::Limits limits);

}  // namespace pp::cli
