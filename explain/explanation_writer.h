// Writes an Explanation for people (text) and for programs (one-line JSON,
// shared/spec/cli.md `explain`) (explain layer). Values are written in the
// case format: booleans, numbers, enum names, level arrays, CPT line arrays.
#pragma once
#include <string>
#include <vector>

#include "explain/explainer.h"
#include "model/case.h"
#include "model/policy.h"

namespace pp::explain {

// One JSON object on one line (no trailing newline):
// {"case_id","decision","policy":{id,version,sha256},"reasons":[ids],
//  "corrections":[{"changes":[{"fact","kind","from","to"}],"actionable"}],
//  "complete","unknown_facts","questions":[{"fact","approve","deny","outcomes"}],
//  "barred_by":{...} when no correction exists, "reason" on a solver limit}.
// `original` is the case as read (for its case_id and CPT units).
std::string explanation_json(const model::Policy& policy, const model::Case& original, const Explanation& e);

// The same for a reviewer: the decision, each reason with its policy
// sentence, the corrections (actionable first), what bars any correction,
// and the questions.
std::string explanation_text(const model::Policy& policy, const model::Case& original, const Explanation& e);

// A slot's value (per atom of the slot) in the case format's JSON form.
std::string slot_value_json(const model::Policy& policy, int slot, const std::vector<double>& value,
                            const std::vector<model::CptLine>& cpt = {});

}  // namespace pp::explain
