// Whole lines of a JSONL batch, a block at a time (cli layer): the lines stay
// in the block's own buffer, where worker threads read them in place, so
// nothing is copied line by line. Memory stays flat whatever the input: a
// block holds at most `capacity` bytes, and a line over the cap is skipped
// (its bytes are not kept) and marked too long.
#pragma once
#include <cstdio>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace pp::cli {

// A block of input lines, in input order, and the bytes they point into.
struct LineBlock {
  // The bytes, not a std::string: growing one would zero what read() then
  // overwrites, megabytes a block.
  std::unique_ptr<char[]> bytes;
  size_t used = 0, capacity = 0;
  std::vector<size_t> begin, length;
  std::vector<long> number;     // 1-based line numbers
  std::vector<char> too_long;   // the line was over the cap (its text is empty)

  size_t size() const { return begin.size(); }
  std::string_view line(size_t i) const { return std::string_view(bytes.get() + begin[i], length[i]); }
  void clear() {
    used = 0;
    begin.clear();
    length.clear();
    number.clear();
    too_long.clear();
  }
};

class BlockReader {
 public:
  // `max_line`: the longest line kept; `capacity`: bytes per block (raised
  // to hold at least one line of `max_line` bytes and its newline).
  BlockReader(std::FILE* f, size_t max_line, size_t capacity);

  // Fills `b` with the next lines, at most `max_lines` of them. Returns as
  // soon as it holds at least one line and the input has no more bytes
  // ready (so a pipe fed line by line gets answers line by line). False at
  // the end of the input (then `b` is empty).
  // A read error ends the input like its end would; error() then says
  // which (an errno value, 0 when none).
  bool fill(LineBlock& b, size_t max_lines);
  int error() const { return error_; }

 private:
  // Reads more input into b.bytes (up to capacity); 0 at end of input.
  size_t read_more(LineBlock& b);
  void add(LineBlock& b, size_t begin, size_t length, bool too_long);

  int fd_;
  size_t max_;
  size_t capacity_;
  std::string carry_;   // the start of a line the last block ended in
  bool skipping_ = false;  // inside a line over the cap, until its newline
  bool eof_ = false;
  bool short_read_ = false;  // the last read got less than it asked for
  int error_ = 0;
  long count_ = 0;
};

}  // namespace pp::cli
