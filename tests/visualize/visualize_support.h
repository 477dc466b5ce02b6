// Test support for the visualize tests: files, temporary directories, running
// the built policyproof, golden files, and a reader for the node statements
// of the DOT that write_dot produces.
#pragma once
#include <dirent.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <map>
#include <regex>
#include <set>
#include <sstream>
#include <string>

#include "support/golden.h"

namespace pp::vtest {

inline std::string slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

inline void spit(const std::string& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary);
  out << text;
}

inline bool exists(const std::string& path) { return ::access(path.c_str(), F_OK) == 0; }

// A fresh empty directory under /tmp.
inline std::string temp_dir() {
  std::string tmpl = "/tmp/pp-visualize-XXXXXX";
  char* made = ::mkdtemp(tmpl.data());
  return made ? std::string(made) : std::string();
}

// The names in a directory (without . and ..).
inline std::set<std::string> list_dir(const std::string& dir) {
  std::set<std::string> out;
  if (DIR* d = ::opendir(dir.c_str())) {
    while (dirent* e = ::readdir(d)) {
      std::string n = e->d_name;
      if (n != "." && n != "..") out.insert(n);
    }
    ::closedir(d);
  }
  return out;
}

inline void remove_tree(const std::string& dir) {
  if (dir.rfind("/tmp/pp-visualize-", 0) != 0) return;  // never anything else
  std::string cmd = "rm -rf '" + dir + "'";
  (void)std::system(cmd.c_str());
}

struct RunResult {
  int exit_code = -1;
  std::string out, err;
};

// Runs `policyproof <args>` (args are shell words, already quoted).
inline RunResult run(const std::string& args, const std::string& scratch_dir) {
  std::string out = scratch_dir + "/.stdout", err = scratch_dir + "/.stderr";
  std::string cmd = std::string(PP_BINARY) + " " + args + " </dev/null >" + out + " 2>" + err;
  int status = std::system(cmd.c_str());
  RunResult r;
  r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  r.out = slurp(out);
  r.err = slurp(err);
  ::unlink(out.c_str());
  ::unlink(err.c_str());
  return r;
}

inline int count_lines(const std::string& s) {
  int n = 0;
  for (char c : s) n += c == '\n';
  return n;
}

// Golden files: one comparison for every test (tests/support/golden.h).
using pp::test::matches_golden;

// The node statements of a DOT text: id -> attributes. Reads the form
// write_dot produces: one statement per line, `"id" [key="value", ...];`.
using DotAttributes = std::map<std::string, std::string>;
inline std::map<std::string, DotAttributes> dot_nodes(const std::string& dot) {
  static const std::regex node_line(R"re(^\s*"((?:[^"\\]|\\.)*)" \[(.*)\];$)re");
  static const std::regex attr(R"re(([A-Za-z_]+)="((?:[^"\\]|\\.)*)")re");
  std::map<std::string, DotAttributes> out;
  std::istringstream in(dot);
  std::string line;
  std::smatch m;
  while (std::getline(in, line)) {
    if (!std::regex_match(line, m, node_line)) continue;
    std::string body = m[2];
    DotAttributes a;
    for (std::sregex_iterator it(body.begin(), body.end(), attr), end; it != end; ++it) a[(*it)[1]] = (*it)[2];
    out[m[1]] = a;
  }
  return out;
}

}  // namespace pp::vtest
