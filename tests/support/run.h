// Test support: run the built policyproof, read files, golden comparisons.
#pragma once
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <system_error>
#include <vector>
#include <sys/wait.h>
#include <unistd.h>

#include "support/golden.h"
#include "support/scale.h"
#include "support/shared.h"

namespace pp::test {

struct RunResult {
  int exit_code = -1;
  std::string out, err;
};

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

// A fresh path under /tmp. The process id alone is not unique over time:
// test processes are short-lived, pids are reused, and a directory a test
// left behind made a later one (same pid, same counter) fail to create its
// files. So the process's start time (nanoseconds) is part of the name.
// What a test process made there (files or directories) is removed when it
// exits; not by a forked child (it shares the parent's list).
inline std::string temp_path(const std::string& stem) {
  struct Made {
    pid_t owner = getpid();
    std::vector<std::string> paths;
    ~Made() {
      if (getpid() != owner) return;
      for (const auto& p : paths) {
        std::error_code ec;
        std::filesystem::remove_all(p, ec);
      }
    }
  };
  static Made made;
  static int n = 0;
  static const long long start = std::chrono::steady_clock::now().time_since_epoch().count();
  std::string path = "/tmp/pp-test-" + std::to_string(getpid()) + "-" + std::to_string(start) + "-" +
                     std::to_string(n++) + "-" + stem;
  made.paths.push_back(path);
  return path;
}

// Runs `policyproof <args>` (args are shell words, already quoted as needed).
inline RunResult run(const std::string& args, const std::string& stdin_text = "") {
  std::string in = temp_path("in"), out = temp_path("out"), err = temp_path("err");
  spit(in, stdin_text);
  std::string cmd = std::string(PP_BINARY) + " " + args + " <" + in + " >" + out + " 2>" + err;
  int status = std::system(cmd.c_str());
  RunResult r;
  r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  r.out = slurp(out);
  r.err = slurp(err);
  std::remove(in.c_str());
  std::remove(out.c_str());
  std::remove(err.c_str());
  return r;
}

inline int count_lines(const std::string& s) {
  int n = 0;
  for (char c : s) n += c == '\n';
  return n;
}

}  // namespace pp::test
