// Reading a corpus of cases for `coverage` and `report --coverage` (cli
// layer): JSONL files of case lines (as `evaluate --batch` reads them) or
// test-file lines (`test`), whose `case` is taken. A bad line is a Diagnostic
// (`file:line:col: error: ...`, exit 2).
#pragma once
#include <string>
#include <vector>

#include "model/case.h"
#include "model/policy.h"

namespace pp::cli {

struct Corpus {
  std::vector<model::Case> cases;
  std::vector<std::string> labels;  // case_id, else file:line
};

Corpus read_corpus(const model::Policy& policy, const std::vector<std::string>& paths);

}  // namespace pp::cli
