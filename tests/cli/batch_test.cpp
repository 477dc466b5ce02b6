// Batch evaluation as a streaming filter: --jobs N prints exactly what
// --jobs 1 does, and GNU parallel can split the stream across processes.
#include <catch2/catch.hpp>

#include "support/run.h"

namespace {
std::string generated(int count, int seed, double unknown_rate = 0.0) {
  std::string path = pp::test::temp_path("cases.jsonl");
  auto r = pp::test::run("generate --count " + std::to_string(count) + " --seed " + std::to_string(seed) +
                         " --unknown-rate " + std::to_string(unknown_rate) + " > " + path + " && true");
  REQUIRE(r.exit_code == 0);
  return path;
}
}  // namespace

TEST_CASE("evaluate --batch --jobs 2 equals --jobs 1, in input order") {
  std::string cases = generated(6000, 11, 0.1);
  // a bad line in the middle, and one past the block size
  std::string text = pp::test::slurp(cases);
  text.insert(text.find('\n', text.size() / 2) + 1, "{\"case_id\": \"bad\", \"request\": {\"levels\": []}}\n");
  text += "not json\n";
  pp::test::spit(cases, text);
  auto one = pp::test::run("evaluate --batch " + cases + " --jobs 1");
  auto two = pp::test::run("evaluate --batch " + cases + " --jobs 2");
  auto stdin_one = pp::test::run("evaluate --batch - --jobs 1", text);
  auto stdin_four = pp::test::run("evaluate --batch - --jobs 4", text);
  CHECK(one.exit_code == 2);
  CHECK(two.exit_code == 2);
  CHECK(pp::test::count_lines(one.out) == 6002);
  CHECK(one.out == two.out);
  CHECK(stdin_one.out == stdin_four.out);
  CHECK(stdin_one.err == stdin_four.err);
  CHECK(one.err == two.err);
  CHECK(pp::test::count_lines(one.err) == 2);
  std::remove(cases.c_str());
}

TEST_CASE("GNU parallel --pipe --keep-order gives the single-process output") {
  std::string cases = generated(5000, 12);
  auto single = pp::test::run("evaluate --batch " + cases + " --jobs 1");
  REQUIRE(single.exit_code == 0);
  std::string out = pp::test::temp_path("par.out");
  std::string cmd = "parallel --pipe --keep-order --block 500k " + std::string(PP_BINARY) +
                    " evaluate --batch - --jobs 1 < " + cases + " > " + out;
  REQUIRE(std::system(cmd.c_str()) == 0);
  CHECK(pp::test::slurp(out) == single.out);
  std::remove(cases.c_str());
  std::remove(out.c_str());
}

TEST_CASE("a directory given as a batch is refused with one line, exit 2") {
  std::string dir = std::string(PP_SOURCE_DIR) + "/tests";
  for (const char* jobs : {"1", "2"}) {
    auto r = pp::test::run("evaluate --batch " + dir + " --jobs " + jobs);
    CHECK(r.exit_code == 2);
    CHECK(r.out.empty());
    CHECK(pp::test::count_lines(r.err) == 1);
    CHECK(r.err.find(dir + ": error: is a directory (expected a JSONL file of cases, one per line)") != std::string::npos);
  }
}
