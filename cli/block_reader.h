// Whole lines of a JSONL batch, a block at a time (cli layer): the input
// (a file, a pipe, a terminal) is read with read(2) into the block's own
// buffer, and worker threads read the lines where they lie, so nothing is
// copied line by line. A block holds at most `capacity` bytes, and a line
// over the cap is skipped (its bytes are not kept) and marked too long.
//
// Files are not mapped: measured on this machine, mapping a 1.67 GB batch
// made `evaluate --batch --jobs 2` take 1.6 s instead of 0.9 s (the first
// touch of each mapped page is a fault, and the newline scan then reads from
// memory, where read(2) leaves the block in the cache for it).
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
  // Reads from where the descriptor of `f` stands (a shell may have read
  // part of standard input already).
  BlockReader(std::FILE* f, size_t max_line, size_t capacity);

  // Fills `b` with the next lines, at most `max_lines` of them. Returns as
  // soon as it holds at least one line and the input has no more bytes
  // ready (so a pipe fed line by line gets answers line by line). False at
  // the end of the input (then `b` is empty).
  // A read error ends the input like its end would; error() then says
  // which (an errno value, 0 when none).
  // Each block owns its buffer: its lines stay readable until it is filled again.
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
