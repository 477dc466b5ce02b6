// Test support: golden files. `matches_golden(path, actual)` compares, and on
// a mismatch attaches a unified diff (golden -> actual) to the failing CHECK.
// Refresh every golden file (then read `git diff`):
//   PP_UPDATE_GOLDEN=1 ctest --test-dir build -L golden
#pragma once
#include <catch2/catch.hpp>

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

namespace pp::test::golden {

inline std::vector<std::string> lines_of(const std::string& s) {
  std::vector<std::string> out;
  size_t start = 0;
  while (start < s.size()) {
    size_t nl = s.find('\n', start);
    if (nl == std::string::npos) {
      out.push_back(s.substr(start) + "\n\\ No newline at end of file");
      break;
    }
    out.push_back(s.substr(start, nl - start));
    start = nl + 1;
  }
  return out;
}

// A unified diff of two texts (3 lines of context), "" when they are equal.
// LCS by dynamic programming: goldens are small; a text too large for it is
// reported by its first differing line.
inline std::string unified_diff(const std::string& expected, const std::string& actual,
                                const std::string& expected_name, const std::string& actual_name) {
  if (expected == actual) return "";
  std::vector<std::string> a = lines_of(expected), b = lines_of(actual);
  size_t n = a.size(), m = b.size();
  std::string out = "--- " + expected_name + "\n+++ " + actual_name + "\n";
  if (n * m > 25'000'000) {
    size_t i = 0;
    while (i < n && i < m && a[i] == b[i]) ++i;
    return out + "first difference at line " + std::to_string(i + 1) + "\n-" + (i < n ? a[i] : "") + "\n+" +
           (i < m ? b[i] : "") + "\n";
  }
  std::vector<std::vector<unsigned>> L(n + 1, std::vector<unsigned>(m + 1, 0));
  for (size_t i = n; i-- > 0;)
    for (size_t j = m; j-- > 0;) L[i][j] = a[i] == b[j] ? L[i + 1][j + 1] + 1 : std::max(L[i + 1][j], L[i][j + 1]);
  struct Op {
    char tag;  // ' ', '-', '+'
    size_t i, j;
  };
  std::vector<Op> ops;
  size_t i = 0, j = 0;
  while (i < n || j < m) {
    if (i < n && j < m && a[i] == b[j]) ops.push_back({' ', i++, j++});
    else if (i < n && (j == m || L[i + 1][j] >= L[i][j + 1])) ops.push_back({'-', i++, j});
    else ops.push_back({'+', i, j++});
  }
  const size_t context = 3;
  for (size_t k = 0; k < ops.size();) {
    if (ops[k].tag == ' ') { ++k; continue; }
    // One hunk: changes less than 2 * context unchanged lines apart, with
    // `context` lines around them.
    size_t begin = k >= context ? k - context : 0, last = k;
    for (size_t t = k; t < ops.size() && t - last <= 2 * context; ++t)
      if (ops[t].tag != ' ') last = t;
    size_t end = std::min(ops.size(), last + context + 1);
    size_t a_len = 0, b_len = 0;
    for (size_t t = begin; t < end; ++t) {
      a_len += ops[t].tag != '+';
      b_len += ops[t].tag != '-';
    }
    out += "@@ -" + std::to_string(ops[begin].i + (a_len ? 1 : 0)) + "," + std::to_string(a_len) + " +" +
           std::to_string(ops[begin].j + (b_len ? 1 : 0)) + "," + std::to_string(b_len) + " @@\n";
    for (size_t t = begin; t < end; ++t)
      out += ops[t].tag + (ops[t].tag == '+' ? b[ops[t].j] : a[ops[t].i]) + "\n";
    k = end;
  }
  return out;
}

inline std::string read(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

}  // namespace pp::test::golden

namespace pp::test {

// Compares `actual` with the golden file; with PP_UPDATE_GOLDEN=1 rewrites it
// instead. A mismatch (or a missing golden) attaches the unified diff to the
// failing check.
inline bool matches_golden(const std::string& golden_path, const std::string& actual) {
  if (std::getenv("PP_UPDATE_GOLDEN")) {
    std::ofstream(golden_path, std::ios::binary) << actual;
    return true;
  }
  std::string expected = golden::read(golden_path);
  std::string diff = golden::unified_diff(expected, actual, golden_path, "actual output");
  if (diff.empty()) return true;
  UNSCOPED_INFO("golden mismatch (refresh: PP_UPDATE_GOLDEN=1 ctest --test-dir build -L golden, then read git diff)\n" + diff);
  return false;
}

}  // namespace pp::test
