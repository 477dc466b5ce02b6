// The fast case reader against the strict DOM walk: on every input, the same
// case (bit for bit) or the same one-line error. Inputs: generated cases
// (full and partial, bundled and demo policies), seeded mutations of them
// (byte flips, deletions, insertions of tricky tokens, truncations), every
// bad case of tests/read/bad and every file of the JSONTestSuite corpus.
#include <catch2/catch.hpp>
#include <dirent.h>
#include <cstring>
#include <optional>
#include <random>

#include "model/case_fast_reader.h"
#include "model/case_generator.h"
#include "model/case_reader.h"
#include "model/case_writer.h"
#include "support/run.h"

namespace {

using pp::model::Case;
using pp::model::CaseReader;
using pp::model::DiagnosticError;

struct Outcome {
  std::optional<Case> c;
  std::string error;
};

Outcome read_with(CaseReader& r, std::string_view text, long line) {
  Outcome o;
  try {
    o.c = r.read(text, "in.jsonl", line);
  } catch (const DiagnosticError& e) {
    o.error = e.diagnostic().str();
  }
  return o;
}

bool same_case(const Case& a, const Case& b) {
  if (a.case_id != b.case_id || a.has_case_id != b.has_case_id || a.known != b.known) return false;
  if (a.value.size() != b.value.size() || a.cpt.size() != b.cpt.size()) return false;
  if (std::memcmp(a.value.data(), b.value.data(), a.value.size() * sizeof(double)) != 0) return false;
  for (size_t i = 0; i < a.cpt.size(); ++i)
    if (a.cpt[i].code != b.cpt[i].code || a.cpt[i].units != b.cpt[i].units) return false;
  return true;
}

// Checks one input; returns false (and reports) on a difference.
bool agree(CaseReader& fast, CaseReader& strict, std::string_view text, long line = 7) {
  Outcome f = read_with(fast, text, line);
  Outcome s = read_with(strict, text, line);
  bool ok = f.error == s.error && f.c.has_value() == s.c.has_value() && (!f.c || same_case(*f.c, *s.c));
  if (!ok) {
    UNSCOPED_INFO("input: " << std::string(text.substr(0, 400)));
    UNSCOPED_INFO("fast: " << (f.c ? "a case" : f.error) << "\nstrict: " << (s.c ? "a case" : s.error));
  }
  return ok;
}

const char* const kTokens[] = {"\\u0041", "\\\"", "é", "\xff", "\xc3", "-0", "-0.0", "1e2", "0.1e1", "01", "1.",
                               "1e400", "-1", "null", "true", "false", "[]", "{}", ",", ":", "\"", "[", "]", "{", "}",
                               "\"T5\"", "\"L1\"", "\"a\":1,", "  ", "\t", "\n", "\\", "4.0000000000000001",
                               "9007199254740993", "\"osteoporotic_vcf\"", "\"case_id\":\"x\","};

std::string mutate(std::string s, std::mt19937_64& rng) {
  if (s.empty()) return s;
  auto pos = [&] { return static_cast<size_t>(rng() % s.size()); };
  switch (rng() % 5) {
    case 0: s[pos()] = static_cast<char>(rng() % 256); break;
    case 1: s.erase(pos(), 1 + rng() % 4); break;
    case 2: s.insert(pos(), kTokens[rng() % (sizeof kTokens / sizeof *kTokens)]); break;
    case 3: s.resize(pos()); break;
    default: {  // swap a byte with its neighbour
      size_t p = pos();
      if (p + 1 < s.size()) std::swap(s[p], s[p + 1]);
    }
  }
  return s;
}

std::vector<std::string> files_in(const std::string& dir) {
  std::vector<std::string> out;
  if (DIR* d = opendir(dir.c_str())) {
    while (dirent* e = readdir(d))
      if (e->d_name[0] != '.') out.push_back(dir + "/" + e->d_name);
    closedir(d);
  }
  return out;
}

void differential(const std::string& policy_file, double unknown_rate) {
  auto policy = policy_file.empty() ? pp::model::load_bundled_policy() : pp::model::load_policy_file(policy_file);
  CaseReader fast(*policy), strict(*policy, false);
  pp::model::GeneratorOptions go;
  go.seed = 42;
  go.unknown_rate = unknown_rate;
  pp::model::CaseGenerator gen(*policy, go);
  std::mt19937_64 rng(7);
  int differences = 0, refused = 0;
  for (int i = 0; i < pp::test::scaled(1500); ++i) {
    std::string text = pp::model::write_case_json(policy->vocab, gen.next());
    if (!agree(fast, strict, text)) ++differences;
    for (int m = 0; m < 8; ++m) {
      std::string bad = text;
      for (int k = 1 + static_cast<int>(rng() % 3); k > 0; --k) bad = mutate(bad, rng);
      if (!agree(fast, strict, bad)) ++differences;
      refused += read_with(strict, bad, 7).c ? 0 : 1;
    }
  }
  CHECK(differences == 0);
  CHECK(refused > (pp::test::kSanitized ? 100 : 1000));  // the mutations do reach the error paths
}

}  // namespace

TEST_CASE("fast and strict readers agree on generated and mutated cases", "[reader]") {
  differential("", 0.0);
  differential("", 0.3);
}

TEST_CASE("fast and strict readers agree on the demo policy's cases", "[reader]") {
  differential(std::string(PP_SOURCE_DIR) + "/tests/policies/demo-bvn-ablation.yaml", 0.2);
}

TEST_CASE("fast and strict readers agree on every bad case and the JSONTestSuite corpus", "[reader]") {
  auto policy = pp::model::load_bundled_policy();
  CaseReader fast(*policy), strict(*policy, false);
  auto files = files_in(std::string(PP_SOURCE_DIR) + "/tests/read/bad");
  std::string dir = pp::test::shared_path("corpora/JSONTestSuite/test_parsing", "CI has the corpus");
  if (dir.empty()) return;
  auto corpus = files_in(dir);
  files.insert(files.end(), corpus.begin(), corpus.end());
  REQUIRE(files.size() > 300);
  int differences = 0;
  for (const auto& f : files) {
    std::string text = pp::test::slurp(f);
    if (text.size() > (1 << 20)) continue;  // the 100 MB line is the line reader's business
    if (!agree(fast, strict, text)) ++differences;
  }
  CHECK(differences == 0);
}

TEST_CASE("fast reader: the next line of a batch is read against the last one's shape", "[reader]") {
  // The replay is what makes batches fast; the differential tests above
  // check it gives what the strict reader gives, this that it is taken.
  auto policy = pp::model::load_bundled_policy();
  pp::model::FastCaseReader fast(policy->vocab);
  pp::model::GeneratorOptions go;
  go.seed = 3;
  pp::model::CaseGenerator gen(*policy, go);
  Case c(policy->vocab);
  std::string a = pp::model::write_case_json(policy->vocab, gen.next());
  std::string b = pp::model::write_case_json(policy->vocab, gen.next());
  REQUIRE(a != b);
  REQUIRE(fast.read(a, c));
  CHECK(fast.shape_hits() == 0);  // the first case is read in full
  REQUIRE(fast.read(b, c));
  CHECK(fast.shape_hits() == 1);  // same keys and spacing, other values
  std::string spaced = b;
  spaced.insert(1, " ");  // one more space: another shape, read in full
  REQUIRE(fast.read(spaced, c));
  CHECK(fast.shape_hits() == 1);
  REQUIRE(fast.read(spaced, c));
  CHECK(fast.shape_hits() == 2);
  CHECK_FALSE(fast.read(spaced.substr(0, spaced.size() - 1), c));  // cut short: declined
  CHECK(fast.shape_hits() == 2);
}

TEST_CASE("fast reader: a change at any byte of a line of the last line's shape reads as the strict reader reads it",
          "[reader]") {
  // Every byte of the shape's line, changed or deleted in turn, read just
  // after the line itself: each literal is compared in blocks of up to 16
  // bytes, and the last 16 bytes of a line take another path, so a change
  // at any place must still be seen. Both policies: the demo's keys are
  // short enough for literals of 16 bytes and less.
  for (std::string file : {std::string(), std::string(PP_SOURCE_DIR) + "/tests/policies/demo-bvn-ablation.yaml"}) {
    auto policy = file.empty() ? pp::model::load_bundled_policy() : pp::model::load_policy_file(file);
    CaseReader fast(*policy), strict(*policy, false);
    pp::model::GeneratorOptions go;
    go.seed = 11;
    pp::model::CaseGenerator gen(*policy, go);
    for (int k = 0; k < 3; ++k) {
      std::string a = pp::model::write_case_json(policy->vocab, gen.next());
      INFO("policy " << (file.empty() ? "bundled" : file) << ", line " << a);
      int differences = 0;
      for (size_t i = 0; i < a.size(); ++i) {
        for (int variant = 0; variant < 3; ++variant) {
          std::string b = a;
          if (variant == 0) b[i] = b[i] == 'x' ? 'y' : 'x';
          else if (variant == 1) b.erase(i, 1);
          else b.insert(i, " ");
          REQUIRE(read_with(fast, a, 7).c);  // the shape is a's again
          if (!agree(fast, strict, b)) ++differences;
        }
      }
      CHECK(differences == 0);
    }
  }
}
