#include "cli/block_reader.h"

#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

namespace pp::cli {

BlockReader::BlockReader(std::FILE* f, size_t max_line, size_t capacity)
    : fd_(fileno(f)), max_(max_line), capacity_(std::max(capacity, max_line + (size_t{1} << 16))) {}

size_t BlockReader::read_more(LineBlock& b) {
  ssize_t got;
  do {
    got = ::read(fd_, b.bytes.get() + b.used, capacity_ - b.used);
  } while (got < 0 && errno == EINTR);
  size_t n = got > 0 ? static_cast<size_t>(got) : 0;
  if (got < 0) error_ = errno;  // then n == 0: the caller takes it as the end
  short_read_ = n < capacity_ - b.used;
  b.used += n;
  return n;
}

void BlockReader::add(LineBlock& b, size_t begin, size_t length, bool too_long) {
  b.begin.push_back(begin);
  b.length.push_back(too_long ? 0 : length);
  b.number.push_back(++count_);
  b.too_long.push_back(too_long ? 1 : 0);
}

bool BlockReader::fill(LineBlock& b, size_t max_lines) {
  b.clear();
  max_lines = std::max<size_t>(1, max_lines);
  if (b.capacity != capacity_) {
    b.bytes = std::make_unique_for_overwrite<char[]>(capacity_);
    b.capacity = capacity_;
  }
  std::memcpy(b.bytes.get(), carry_.data(), carry_.size());
  b.used = carry_.size();
  carry_.clear();
  size_t scan = 0;  // where the next line starts in b.bytes
  while (true) {
    while (b.size() < max_lines) {
      const char* s = b.bytes.get() + scan;
      const void* nl = std::memchr(s, '\n', b.used - scan);
      if (!nl) break;
      size_t n = static_cast<size_t>(static_cast<const char*>(nl) - s);
      if (skipping_) {  // the newline that ends a line over the cap
        skipping_ = false;
        add(b, scan, 0, true);
      } else {
        add(b, scan, n, n > max_);
      }
      scan += n + 1;
    }
    if (b.size() == max_lines) break;
    // [scan, size) is the start of a line without its newline yet.
    if (!skipping_ && b.used - scan > max_) skipping_ = true;
    if (skipping_) b.used = scan;  // a line over the cap is not kept
    if (eof_ || b.used == capacity_) break;
    if (b.size() > 0 && short_read_) break;  // answer what has come
    if (read_more(b) == 0) eof_ = true;
  }
  if (scan < b.used) {
    if (eof_ && b.size() < max_lines) {  // the last line, without a newline
      add(b, scan, b.used - scan, false);
    } else {
      carry_.assign(b.bytes.get() + scan, b.used - scan);
      b.used = scan;
    }
  } else if (eof_ && skipping_ && b.size() < max_lines) {
    skipping_ = false;
    add(b, scan, 0, true);
  }
  return b.size() > 0;
}

}  // namespace pp::cli
