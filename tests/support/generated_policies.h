// Generated policies for scaling tests and benchmarks (header-only; used by
// tests/robust and bench/bench_analyze.cpp): the made-up DEMO-100 policy's
// header (tests/policies/demo-bvn-ablation.yaml, whose vocabulary sits beside
// it) with generated criteria.
#pragma once
#include <fstream>
#include <sstream>
#include <string>

namespace pp::test {

// The directory holding the DEMO-100 policy and its vocabulary.
inline std::string demo_policy_dir(const std::string& source_dir) { return source_dir + "/tests/policies"; }

// DEMO-100's text up to its criteria, with a section `S` for generated ones.
inline std::string demo_policy_header(const std::string& source_dir) {
  std::ifstream in(demo_policy_dir(source_dir) + "/demo-bvn-ablation.yaml", std::ios::binary);
  std::ostringstream ss;
  ss << in.rdbuf();
  std::string src = ss.str();
  std::string head = src.substr(0, src.find("criteria:"));
  auto at = head.find("sections:\n");
  if (at != std::string::npos) head.replace(at, 10, "sections:\n  - {id: S, title: S}\n");
  return head + "criteria:\n";
}

// A wide policy: one pathway P = all of `n` conditions
// C<i>: `pain.score >= i % 10 or disability.odi >= i % 100`. Every tenth is
// met by every case (pain.score >= 0), every other one is implied by a
// sibling (redundant); P can be met, so nothing is dead.
inline std::string wide_policy(const std::string& source_dir, int n) {
  std::string text = demo_policy_header(source_dir);
  std::string all;
  for (int i = 0; i < n; ++i) {
    std::string id = "C" + std::to_string(i);
    text += "  - {id: " + id + ", section: S, kind: condition, title: t" + std::to_string(i) + ", text: t" +
            std::to_string(i) + ", when: \"pain.score >= " + std::to_string(i % 10) + " or disability.odi >= " +
            std::to_string(i % 100) + "\"}\n";
    all += (i ? ", " : "") + id;
  }
  text += "  - {id: P, section: S, kind: pathway, title: t, text: t, all: [" + all + "]}\n";
  return text;
}

// A deep policy: C0 `pain.score >= 4`, each C<i> `@C<i-1>`, and a pathway
// P = all of [C<n-1>] (a chain of `n` criteria).
inline std::string deep_policy(const std::string& source_dir, int n) {
  std::string text = demo_policy_header(source_dir);
  text += "  - {id: C0, section: S, kind: condition, title: t, text: t, when: \"pain.score >= 4\"}\n";
  for (int i = 1; i < n; ++i)
    text += "  - {id: C" + std::to_string(i) + ", section: S, kind: condition, title: t, text: t, when: \"@C" +
            std::to_string(i - 1) + "\"}\n";
  text += "  - {id: P, section: S, kind: pathway, title: t, text: t, all: [C" + std::to_string(n - 1) + "]}\n";
  return text;
}

}  // namespace pp::test
