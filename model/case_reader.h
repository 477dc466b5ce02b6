// The strict case reader for the case format (shared/spec/case-format.md),
// driven by the vocabulary (model layer). Absent facts are unknown.
#pragma once
#include <memory>
#include <string>
#include <string_view>

#include "model/case.h"
#include "model/diagnostic.h"
#include "model/policy.h"

namespace pp::model {

// A case is a few hundred bytes; a larger input is refused unread.
constexpr size_t kMaxCaseBytes = 1 << 20;

class CaseReader {
 public:
  // `fast_path` false reads every case with the strict DOM walk alone (for
  // differential tests of the fast path; the answers are the same).
  explicit CaseReader(const Policy& policy, bool fast_path = true);
  ~CaseReader();
  CaseReader(const CaseReader&) = delete;
  CaseReader& operator=(const CaseReader&) = delete;

  // Reads one case from JSON text. On a user error, throws DiagnosticError
  // whose location names `file` (and `batch_line` when > 0) and the JSON path.
  // The case is checked against the vocabulary's domain relations.
  Case read(std::string_view json, const std::string& file, long batch_line = 0);

  // Same, reusing `out`'s storage (hot path of batch evaluation).
  void read_into(std::string_view json, const std::string& file, long batch_line, Case& out);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace pp::model
