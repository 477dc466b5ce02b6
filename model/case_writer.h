// Writes a case in the case format (shared/spec/case-format.md) so that the
// case reader reads back the same facts (model layer). Used for counterexamples,
// witnesses and corrected cases.
#pragma once
#include <string>

#include "model/case.h"
#include "model/vocabulary.h"

namespace pp::model {

struct CaseWriteOptions {
  bool pretty = false;   // two-space indentation, one field per line
  int indent = 0;        // pretty: columns to indent every line after the first
};

// The case as a JSON object: `case_id` first when the case has one, then the
// known facts in vocabulary order. Unknown facts are left out (absent means
// unknown); groups are objects of name: bool over their known members; enum
// sets are arrays of names, code lists arrays of {"code", "units"} (units from
// `c.cpt`, else 1), both written only when every value is known. Numbers use
// the shortest form that reads back as the same double.
std::string write_case_json(const Vocabulary& v, const Case& c, const CaseWriteOptions& options = {});

}  // namespace pp::model
