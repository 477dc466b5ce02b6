// JSON text pieces (model layer): a string escaped per RFC 8259 and a number
// in the shortest form that reads back the same, appended to a std::string.
// The one escaper of the project: case files, results, explanations, reports.
#pragma once
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

namespace pp::model {

inline void json_escape(std::string& out, std::string_view s) {
  out += '"';
  size_t run = 0;  // start of the pending run of characters that need no escape
  for (size_t i = 0; i < s.size(); ++i) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    if (c >= 0x20 && c != '"' && c != '\\') continue;
    out.append(s.data() + run, i - run);
    run = i + 1;
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      default: {
        char buf[8];
        std::snprintf(buf, sizeof buf, "\\u%04x", c);
        out += buf;
      }
    }
  }
  out.append(s.data() + run, s.size() - run);
  out += '"';
}

inline void json_number(std::string& out, double d) {
  char buf[32];
  int n = std::snprintf(buf, sizeof buf, "%.17g", d);
  // shortest form that round-trips, for readability
  for (int prec = 1; prec < 17; ++prec) {
    char t[32];
    int m = std::snprintf(t, sizeof t, "%.*g", prec, d);
    if (std::strtod(t, nullptr) == d) { out.append(t, m); return; }
  }
  out.append(buf, n);
}

}  // namespace pp::model
