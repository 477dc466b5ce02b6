// Diagnostics: user errors with a location (model layer).
// A Diagnostic says where (file:line:col, or file: json.path) and what was expected.
#pragma once
#include <stdexcept>
#include <string>

namespace pp::model {

struct Location {
  std::string file;       // file name as the user gave it ("-" for stdin)
  int line = 0;           // 1-based; 0 = none (JSON cases use path instead)
  int column = 0;         // 1-based; 0 = none
  std::string json_path;  // dotted case path with indices, e.g. request.levels[1]
  long batch_line = 0;    // 1-based line of a JSONL batch; 0 = not a batch
};

enum class Severity { Error, Warning, Note };

struct Diagnostic {
  Severity severity = Severity::Error;
  Location location;
  std::string message;  // lowercase start, no final period, user text in backticks

  // "file:line:col: error: message" or "file: path: error: message".
  std::string str() const;
};

// Thrown by loaders and readers for user errors; carries one Diagnostic.
class DiagnosticError : public std::runtime_error {
 public:
  explicit DiagnosticError(Diagnostic d) : std::runtime_error(d.str()), diag_(std::move(d)) {}
  const Diagnostic& diagnostic() const { return diag_; }

 private:
  Diagnostic diag_;
};

}  // namespace pp::model
