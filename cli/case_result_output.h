// How `evaluate` prints a result: one JSON object (a JSONL line in batches)
// or text a reviewer reads (cli layer).
#pragma once
#include <string>

#include "model/case.h"
#include "model/policy.h"
#include "solver/case_engine.h"

namespace pp::cli {

// Appends one JSON object (no newline) for the case's result.
void append_result_json(std::string& out, const model::Policy& p, const model::Case& c,
                        const solver::CaseResult& r);
// Appends the JSON error result of a batch line that could not be read.
void append_error_json(std::string& out, long line, const std::string& message);
// The text a reviewer reads: decision first, then its specific reasons.
std::string result_text(const model::Policy& p, const model::Case& c, const solver::CaseResult& r);

}  // namespace pp::cli
