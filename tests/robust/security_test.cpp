// Hostile policies and cases (issue 16): nothing read or written outside its
// place, valid input never an internal error, long chains never a crash.
#include <catch2/catch.hpp>
#include <filesystem>
#include <string>

#include "support/run.h"

namespace fs = std::filesystem;

namespace {

const std::string kSrc = PP_SOURCE_DIR;
const std::string kDemoCase = kSrc + "/tests/policies/demo-bvn-ablation.case.json";

// The demo policy copied to a fresh folder, `from` replaced by `to`.
std::string demo_copy(const std::string& from, const std::string& to) {
  std::string dir = pp::test::temp_path("sec");
  fs::create_directories(dir);
  fs::copy_file(kSrc + "/tests/policies/demo-bvn-ablation.facts.yaml", dir + "/demo-bvn-ablation.facts.yaml");
  std::string text = pp::test::slurp(kSrc + "/tests/policies/demo-bvn-ablation.yaml");
  size_t at = text.find(from);
  REQUIRE(at != std::string::npos);
  text.replace(at, from.size(), to);
  fs::copy_file(kSrc + "/tests/policies/demo-bvn-ablation.properties.yaml", dir + "/demo-bvn-ablation.properties.yaml");
  pp::test::spit(dir + "/demo-bvn-ablation.yaml", text);
  return dir + "/demo-bvn-ablation.yaml";
}

}  // namespace

TEST_CASE("a policy's source: is read only inside the policy's folder", "[robust][security]") {
  std::string secret_dir = pp::test::temp_path("secret");
  fs::create_directories(secret_dir);
  pp::test::spit(secret_dir + "/secret.md", "TOP-SECRET-LINE\n");
  std::string policy = demo_copy("  vocabulary: demo-bvn-ablation.facts.yaml",
                                 "  vocabulary: demo-bvn-ablation.facts.yaml\n  source: ../" +
                                     fs::path(secret_dir).filename().string() + "/secret.md");
  std::string out = pp::test::temp_path("site");
  auto r = pp::test::run("report --rlimit 100000 -o " + out + " --policy " + policy);
  INFO(r.err);
  CHECK(r.exit_code == 0);
  CHECK(r.out.find("is outside the policy's folder") != std::string::npos);
  CHECK(pp::test::slurp(out + "/index.html").find("TOP-SECRET-LINE") == std::string::npos);
  // An absolute path is outside too.
  std::string abs = demo_copy("  vocabulary: demo-bvn-ablation.facts.yaml",
                              "  vocabulary: demo-bvn-ablation.facts.yaml\n  source: " + secret_dir + "/secret.md");
  std::string out2 = pp::test::temp_path("site");
  auto r2 = pp::test::run("report --rlimit 100000 -o " + out2 + " --policy " + abs);
  CHECK(pp::test::slurp(out2 + "/index.html").find("TOP-SECRET-LINE") == std::string::npos);
}

TEST_CASE("a case_id holding a NUL is drawn, not an internal error", "[robust][security]") {
  std::string text = pp::test::slurp(kDemoCase);
  size_t at = text.find("demo-standard-L4-L5");
  REQUIRE(at != std::string::npos);
  text.replace(at, 19, "a\\u0000b\\u001b[2J");
  std::string kase = pp::test::temp_path("nul.json"), out = pp::test::temp_path("nul.svg");
  pp::test::spit(kase, text);
  std::string policy = kSrc + "/tests/policies/demo-bvn-ablation.yaml";
  auto r = pp::test::run("render --policy " + policy + " --case " + kase + " -o " + out);
  INFO(r.err);
  CHECK(r.exit_code == 0);
  CHECK(pp::test::slurp(out).find("<svg") != std::string::npos);
  auto rep = pp::test::run("report --rlimit 100000 -q -o " + pp::test::temp_path("site") + " --policy " + policy +
                           " --case " + kase);
  INFO(rep.err);
  CHECK(rep.exit_code == 0);
}

TEST_CASE("100,000 chained criteria are evaluated, not a stack overflow", "[robust][security]") {
  std::string src = pp::test::slurp(kSrc + "/tests/policies/demo-bvn-ablation.yaml");
  std::string head = src.substr(0, src.find("criteria:"));
  head.replace(head.find("sections:\n"), 10, "sections:\n  - {id: S, title: S}\n");
  std::string text = head + "criteria:\n  - {id: C0, section: S, kind: condition, title: t, text: t, when: \"pain.score >= 4\"}\n";
  const int n = 100000;
  for (int i = 1; i < n; ++i)
    text += "  - {id: C" + std::to_string(i) + ", section: S, kind: condition, title: t, text: t, when: \"@C" +
            std::to_string(i - 1) + "\"}\n";
  text += "  - {id: P, section: S, kind: pathway, title: t, text: t, all: [C" + std::to_string(n - 1) + "]}\n";
  std::string dir = pp::test::temp_path("chain");
  fs::create_directories(dir);
  fs::copy_file(kSrc + "/tests/policies/demo-bvn-ablation.facts.yaml", dir + "/demo-bvn-ablation.facts.yaml");
  pp::test::spit(dir + "/chain.yaml", text);
  auto r = pp::test::run("evaluate --format json --policy " + dir + "/chain.yaml " + kDemoCase);
  INFO(r.err);
  CHECK(r.exit_code == 0);
  CHECK(r.out.find("\"decision\":\"medically_necessary\"") != std::string::npos);
  std::string line = pp::test::slurp(kDemoCase);
  line.erase(std::remove(line.begin(), line.end(), '\n'), line.end());
  auto b = pp::test::run("evaluate --batch - --policy " + dir + "/chain.yaml", line + "\n");
  CHECK(b.exit_code == 0);
  CHECK(b.out.find("\"decision\":\"medically_necessary\"") != std::string::npos);
}
