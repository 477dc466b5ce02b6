#include "model/diagnostic.h"

namespace pp::model {

namespace {

// One line, always: user text may carry control characters.
std::string one_line(const std::string& s) {
  std::string clean;
  clean.reserve(s.size());
  for (unsigned char c : s) {
    if (c == '\n') clean += "\\n";
    else if (c == '\r') clean += "\\r";
    else if (c < 0x20 || c == 0x7f) clean += '?';
    else clean += static_cast<char>(c);
  }
  return clean;
}

// Line `line` (1-based) of `text`, without its line break; "" past the end.
std::string line_of(std::string_view text, int line) {
  size_t start = 0;
  for (int l = 1; l < line; ++l) {
    size_t nl = text.find('\n', start);
    if (nl == std::string_view::npos) return "";
    start = nl + 1;
  }
  size_t end = text.find('\n', start);
  std::string_view s = text.substr(start, end == std::string_view::npos ? std::string_view::npos : end - start);
  if (!s.empty() && s.back() == '\r') s.remove_suffix(1);
  return std::string(s);
}

}  // namespace

std::string Diagnostic::str() const {
  std::string out = location.file.empty() ? std::string("<input>") : location.file;
  if (location.batch_line > 0) out += ":" + std::to_string(location.batch_line);
  if (location.line > 0) {
    out += ":" + std::to_string(location.line);
    if (location.column > 0) out += ":" + std::to_string(location.column);
  }
  out += ":";
  if (!location.json_path.empty()) out += " " + location.json_path + ":";
  switch (severity) {
    case Severity::Error: out += " error: "; break;
    case Severity::Warning: out += " warning: "; break;
    case Severity::Note: out += " note: "; break;
  }
  out += message;
  return one_line(out);
}

std::string Diagnostic::display() const {
  std::string out = str() + "\n";
  if (location.line <= 0 || location.column <= 0 || source_line.empty()) return out;
  // A long line is shown as a window around the column.
  constexpr size_t kWidth = 160;
  std::string line = source_line;
  size_t col = static_cast<size_t>(location.column) - 1;
  if (col > line.size()) col = line.size();
  std::string lead;
  if (line.size() > kWidth) {
    size_t from = col > kWidth / 2 ? col - kWidth / 2 : 0;
    lead = from > 0 ? "..." : "";
    line = lead + line.substr(from, kWidth);
    col = col - from + lead.size();
  }
  line = one_line(line);
  std::string number = std::to_string(location.line);
  std::string gutter(number.size(), ' ');
  // One byte of the shown line per column (one_line turns a tab into `?`),
  // so the caret lines up under the column with spaces.
  std::string pad(col, ' ');
  out += " " + number + " | " + line + "\n";
  out += " " + gutter + " | " + pad + "^\n";
  return out;
}

DiagnosticBuilder& DiagnosticBuilder::source(std::string_view text) {
  text_ = text;
  has_text_ = true;
  return *this;
}

Diagnostic DiagnosticBuilder::error(std::string message) const {
  Diagnostic d = d_;
  d.message = std::move(message);
  if (has_text_ && d.location.line > 0) d.source_line = line_of(text_, d.location.line);
  return d;
}

void DiagnosticBuilder::fail(std::string message) const { throw DiagnosticError(error(std::move(message))); }

}  // namespace pp::model
