// The batch line splitter: every line in order with its number, whatever
// the block size and the line-count cap; a line over the byte cap marked
// and not kept; the last line without a newline; a pipe answered as it
// comes; a file read from where its descriptor stands.
#include <catch2/catch.hpp>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "cli/block_reader.h"

namespace {

using pp::cli::BlockReader;
using pp::cli::LineBlock;

struct Line {
  std::string text;
  long number;
  bool too_long;
  bool operator==(const Line& o) const { return text == o.text && number == o.number && too_long == o.too_long; }
};

// What the reader gives for `input`, read through a temporary file.
std::vector<Line> read_all(const std::string& input, size_t max_line, size_t capacity, size_t max_lines,
                           size_t* most_bytes = nullptr) {
  std::FILE* f = std::tmpfile();
  std::fwrite(input.data(), 1, input.size(), f);
  std::rewind(f);
  BlockReader r(f, max_line, capacity);
  LineBlock b;
  std::vector<Line> out;
  size_t most = 0;
  while (r.fill(b, max_lines)) {
    most = std::max(most, b.capacity);
    REQUIRE(b.size() <= max_lines);
    for (size_t i = 0; i < b.size(); ++i) out.push_back({std::string(b.line(i)), b.number[i], b.too_long[i] != 0});
  }
  CHECK(r.error() == 0);
  std::fclose(f);
  if (most_bytes) *most_bytes = most;
  return out;
}

// The same, split by hand.
std::vector<Line> expected(const std::string& input, size_t max_line) {
  std::vector<Line> out;
  size_t start = 0;
  long n = 0;
  while (start < input.size()) {
    size_t nl = input.find('\n', start);
    size_t end = nl == std::string::npos ? input.size() : nl;
    std::string text = input.substr(start, end - start);
    bool too_long = text.size() > max_line;
    out.push_back({too_long ? "" : text, ++n, too_long});
    start = end + 1;
  }
  return out;
}

}  // namespace

TEST_CASE("block reader: lines in order, numbered, across block boundaries", "[batch]") {
  std::mt19937 rng(3);
  for (int trial = 0; trial < 200; ++trial) {
    std::string input;
    int lines = static_cast<int>(rng() % 60);
    for (int i = 0; i < lines; ++i) {
      size_t len = rng() % 5 == 0 ? rng() % 400 : rng() % 40;  // some over the cap of 100
      for (size_t k = 0; k < len; ++k) input += static_cast<char>('a' + rng() % 26);
      if (i + 1 < lines || rng() % 2) input += '\n';
    }
    size_t max_lines = 1 + rng() % 8;
    INFO("trial " << trial << " max_lines " << max_lines);
    // capacity is raised to the cap and 64 KiB; a larger block changes nothing
    CHECK(read_all(input, 100, 0, max_lines) == expected(input, 100));
  }
}

TEST_CASE("block reader: a line longer than the block is skipped, not kept", "[batch]") {
  std::string huge(300000, 'x');
  std::string input = "a\n" + huge + "\nb\n" + huge;  // the last one ends the input without a newline
  size_t most_bytes = 0;
  auto got = read_all(input, 1000, 0, 100, &most_bytes);
  REQUIRE(got.size() == 4);
  CHECK(got[0] == Line{"a", 1, false});
  CHECK(got[1] == Line{"", 2, true});
  CHECK(got[2] == Line{"b", 3, false});
  CHECK(got[3] == Line{"", 4, true});
  // the block's buffer stays at its capacity (the cap and 64 KiB), the
  // 300 KB lines were dropped as they came
  CHECK(most_bytes < 100000);
}

TEST_CASE("block reader: empty lines are lines, an empty input has none", "[batch]") {
  CHECK(read_all("", 100, 0, 10).empty());
  auto got = read_all("\n\nx", 100, 0, 10);
  REQUIRE(got.size() == 3);
  CHECK(got[0] == Line{"", 1, false});
  CHECK(got[2] == Line{"x", 3, false});
}

TEST_CASE("block reader: a pipe is answered line by line, not when the block fills", "[batch]") {
  int fds[2];
  REQUIRE(pipe(fds) == 0);
  std::FILE* in = fdopen(fds[0], "rb");
  BlockReader r(in, 1000, 1 << 20);
  LineBlock b;
  // The writer sends one line and waits; fill must return with it.
  REQUIRE(write(fds[1], "first\n", 6) == 6);
  REQUIRE(r.fill(b, 4096));
  REQUIRE(b.size() == 1);
  CHECK(b.line(0) == "first");
  REQUIRE(write(fds[1], "second\nthird", 12) == 12);
  close(fds[1]);
  REQUIRE(r.fill(b, 4096));
  std::vector<std::string> rest;
  do {
    for (size_t i = 0; i < b.size(); ++i) rest.push_back(std::string(b.line(i)));
  } while (r.fill(b, 4096));
  CHECK(rest == std::vector<std::string>{"second", "third"});
  std::fclose(in);
}

TEST_CASE("block reader: a file is read from where its descriptor stands", "[batch]") {
  // `--batch -` may be given a file that a shell has already read partway
  std::FILE* f = std::tmpfile();
  std::fputs("skipped\nfirst\nsecond", f);
  std::fflush(f);
  std::fseek(f, 8, SEEK_SET);
  BlockReader r(f, 100, 0);
  LineBlock b;
  std::vector<Line> got;
  while (r.fill(b, 10))
    for (size_t i = 0; i < b.size(); ++i) got.push_back({std::string(b.line(i)), b.number[i], b.too_long[i] != 0});
  CHECK(got == std::vector<Line>{{"first", 1, false}, {"second", 2, false}});
  CHECK(r.error() == 0);
  std::fclose(f);
}
