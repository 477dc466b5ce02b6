// Test support: the policy's "verbatim modulo whitespace and markup" as one
// normal form, shared by the traceability tests of the model and the report.
#pragma once
#include <cctype>
#include <string>

namespace pp::test {

// Lowercase; tags (<b>, <sup>, ...) and the markup `**`, `*`, `®`, `` ` ``
// dropped; blanks collapsed, none before , . ; : ). A loop, not std::regex:
// libstdc++'s regex recurses per character and overflows the stack on a page.
inline std::string normalize_text(const std::string& s) {
  std::string t;
  t.reserve(s.size());
  for (size_t i = 0; i < s.size(); ++i) {
    char c = s[i];
    if (c == '<') {
      size_t close = s.find('>', i + 1);
      if (close != std::string::npos) { i = close; continue; }
    }
    if (c == '*' || c == '`') continue;
    if (c == '\xC2' && i + 1 < s.size() && s[i + 1] == '\xAE') { ++i; continue; }  // ®
    t += c;
  }
  std::string out;
  bool space = false;
  for (unsigned char c : t) {
    if (std::isspace(c)) { space = true; continue; }
    if (space && !out.empty() && std::string(",.;:)").find(static_cast<char>(c)) == std::string::npos) out += ' ';
    space = false;
    out += static_cast<char>(std::tolower(c));
  }
  return out;
}

}  // namespace pp::test
