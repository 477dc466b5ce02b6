#include "model/diagnostic.h"

namespace pp::model {

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
  // One line, always: user text may carry control characters.
  std::string clean;
  clean.reserve(out.size());
  for (unsigned char c : out) {
    if (c == '\n') clean += "\\n";
    else if (c == '\r') clean += "\\r";
    else if (c < 0x20 || c == 0x7f) clean += '?';
    else clean += static_cast<char>(c);
  }
  return clean;
}

}  // namespace pp::model
