// Diagnostics: user errors with a location (model layer).
// A Diagnostic says where (file:line:col, or file: json.path) and what was
// expected. Make one with `diagnose(file)...` (the one builder), throw it as a
// DiagnosticError; the CLI prints `str()` (one line) and, for people, the
// source line with a caret under the column (`display()`).
#pragma once
#include <stdexcept>
#include <string>
#include <string_view>

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
  std::string message;      // lowercase start, no final period, user text in backticks
  std::string source_line;  // the text of location.line, when known (policy and properties files)

  // "file:line:col: error: message" or "file: path: error: message": one line,
  // always (what scripts and tests read).
  std::string str() const;
  // str(), then, when the source line is known, that line and a caret under
  // the column on the following lines, as Clang prints them (for stderr).
  // Ends with a newline.
  std::string display() const;
};

// Thrown by loaders and readers for user errors; carries one Diagnostic.
class DiagnosticError : public std::runtime_error {
 public:
  explicit DiagnosticError(Diagnostic d) : std::runtime_error(d.str()), diag_(std::move(d)) {}
  const Diagnostic& diagnostic() const { return diag_; }

 private:
  Diagnostic diag_;
};

// The one way to make a diagnostic:
//   throw DiagnosticError(diagnose(file).at(line, column).source(text).error("unknown fact `x`"));
//   diagnose(file).json_path("request.levels[1]").fail("unknown level `T13` (expected ...)");
class DiagnosticBuilder {
 public:
  explicit DiagnosticBuilder(std::string file) { d_.location.file = std::move(file); }
  // 1-based line and column; 0 = none.
  DiagnosticBuilder& at(int line, int column) {
    d_.location.line = line;
    d_.location.column = column;
    return *this;
  }
  DiagnosticBuilder& json_path(std::string path) {
    d_.location.json_path = std::move(path);
    return *this;
  }
  DiagnosticBuilder& batch_line(long n) {
    d_.location.batch_line = n;
    return *this;
  }
  // The whole text of the file: its line `line` is kept for display().
  DiagnosticBuilder& source(std::string_view text);
  Diagnostic error(std::string message) const;
  [[noreturn]] void fail(std::string message) const;

 private:
  Diagnostic d_;
  std::string_view text_;
  bool has_text_ = false;
};

inline DiagnosticBuilder diagnose(std::string file) { return DiagnosticBuilder(std::move(file)); }

}  // namespace pp::model
