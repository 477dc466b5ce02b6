// Whole lines of a JSONL batch, a block at a time (cli layer): worker
// threads read the lines in place, so nothing is copied line by line.
//
// A regular file is mapped into memory (no copy from the page cache at
// all); the pages of blocks done with are given back, so the resident
// memory stays at about the blocks in use whatever the file's size. The
// file is taken at the size it has when opened; one truncated while it is
// read ends the process with SIGBUS, as with any reader that maps files.
// Anything else (a pipe, a terminal) is read with read(2) into the block's
// own buffer. Either way a block holds at most `capacity` bytes, and a line
// over the cap is skipped (its bytes are not kept) and marked too long.
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
  const char* base = nullptr;  // what begin[] counts from: bytes, or the mapped file
  std::vector<size_t> begin, length;
  std::vector<long> number;     // 1-based line numbers
  std::vector<char> too_long;   // the line was over the cap (its text is empty)

  size_t size() const { return begin.size(); }
  std::string_view line(size_t i) const { return std::string_view(base + begin[i], length[i]); }
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
  // `in_use`: how many blocks filled last are still being read (the one
  // being filled included); `map` false reads a regular file with read(2)
  // too (for tests).
  BlockReader(std::FILE* f, size_t max_line, size_t capacity, size_t in_use = 2, bool map = true);
  ~BlockReader();
  BlockReader(const BlockReader&) = delete;
  BlockReader& operator=(const BlockReader&) = delete;

  // Fills `b` with the next lines, at most `max_lines` of them. Returns as
  // soon as it holds at least one line and the input has no more bytes
  // ready (so a pipe fed line by line gets answers line by line). False at
  // the end of the input (then `b` is empty).
  // A read error ends the input like its end would; error() then says
  // which (an errno value, 0 when none).
  // INVARIANT: the lines of a block stay readable until `in_use` more
  // blocks have been filled (each block owns its buffer; a mapped file
  // gives back only the pages before the blocks in use).
  bool fill(LineBlock& b, size_t max_lines);
  int error() const { return error_; }
  bool mapped() const { return map_ != nullptr; }

 private:
  // Reads more input into b.bytes (up to capacity); 0 at end of input.
  size_t read_more(LineBlock& b);
  bool fill_mapped(LineBlock& b, size_t max_lines);
  void give_back(size_t from, size_t to);  // the mapped pages inside [from, to)
  void add(LineBlock& b, size_t begin, size_t length, bool too_long);

  int fd_;
  size_t max_;
  size_t capacity_;
  std::string carry_;   // the start of a line the last block ended in
  bool skipping_ = false;  // inside a line over the cap, until its newline
  bool eof_ = false;
  bool short_read_ = false;  // the last read got less than it asked for
  int error_ = 0;
  // A mapped file: its bytes, where the next line starts, where the block
  // filled last starts, and what has been given back.
  const char* map_ = nullptr;
  size_t map_size_ = 0, pos_ = 0, given_back_ = 0;
  std::vector<size_t> starts_;  // where the last in_use - 1 blocks start, oldest first
  long count_ = 0;
};

}  // namespace pp::cli
