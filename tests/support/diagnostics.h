// Test support: the error a user sees. Its first line is the one-line
// diagnostic scripts read; a policy or properties error at file:line:col is
// followed, in text mode, by the source line and a caret under the column.
#pragma once
#include <fstream>
#include <regex>
#include <sstream>
#include <string>

namespace pp::test {

inline std::string first_line(const std::string& err) { return err.substr(0, err.find('\n') + 1); }

// "" when `err` is one diagnostic line followed by the excerpt of the file it
// names (read from the working directory) that its line:col points at: the
// line, then a caret under the column; else what is wrong.
inline std::string excerpt_problem(const std::string& err) {
  std::smatch m;
  std::string first = first_line(err);
  if (!std::regex_search(first, m, std::regex(R"(^([^:]+):(\d+):(\d+): error: )"))) return "no line:col in " + first;
  std::ifstream in(m[1].str(), std::ios::binary);
  std::ostringstream ss;
  ss << in.rdbuf();
  std::string source = ss.str();
  int line = std::stoi(m[2]), column = std::stoi(m[3]);
  size_t start = 0;
  for (int l = 1; l < line && start != std::string::npos; ++l) {
    start = source.find('\n', start);
    if (start != std::string::npos) ++start;
  }
  if (start == std::string::npos) return "line past the end of the file";
  std::string text = source.substr(start, source.find('\n', start) - start);
  for (char& c : text)
    if (static_cast<unsigned char>(c) < 0x20) c = '?';
  std::string number = std::to_string(line);
  std::string expected = first + " " + number + " | " + text + "\n " + std::string(number.size(), ' ') + " | " +
                         std::string(static_cast<size_t>(column - 1), ' ') + "^\n";
  if (text.size() > 160) return "";  // a long line is shown as a window (not checked here)
  return err == expected ? "" : "expected:\n" + expected;
}

}  // namespace pp::test
