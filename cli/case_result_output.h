// How `evaluate` prints a result: one JSON object (a JSONL line in batches)
// or text a reviewer reads (cli layer).
#pragma once
#include <string>

#include <vector>

#include "model/case.h"
#include "model/policy.h"
#include "model/reason_builder.h"
#include "solver/case_engine.h"
#include "solver/reading_checker.h"

namespace pp::cli {

// What a result carries beside the decision (each left out when null).
struct ResultExtras {
  const std::vector<model::WhyItem>* why = nullptr;
  const std::vector<solver::ReadingDependence>* depends_on = nullptr;
  const std::vector<std::string>* warnings = nullptr;
};

// Appends one JSON object (no newline) for the case's result.
void append_result_json(std::string& out, const model::Policy& p, const model::Case& c,
                        const solver::CaseResult& r);
// The same with the extras given (why, depends_on, warnings).
void append_result_json_with(std::string& out, const model::Policy& p, const model::Case& c,
                             const solver::CaseResult& r, const ResultExtras& x);
// `evaluate`'s JSON for one case, the very bytes the CLI prints (the service
// is handed this function): a single case carries why, depends_on and
// warnings; a batch line (`single` false) depends_on only. `readings` is the
// caller's checker for `p` (one per thread).
void append_evaluate_json(std::string& out, const model::Policy& p, const model::Case& c, const solver::CaseResult& r,
                          solver::ReadingChecker& readings, bool single);
// One warning line per dependence and billing warning.
std::string extras_text(const model::Policy& p, const ResultExtras& x);
// Appends the JSON error result of a batch line that could not be read.
void append_error_json(std::string& out, long line, const std::string& message);
// The text a reviewer reads: decision first, then its specific reasons.
std::string result_text(const model::Policy& p, const model::Case& c, const solver::CaseResult& r,
                        const ResultExtras& x = {});

}  // namespace pp::cli
