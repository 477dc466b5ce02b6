#include "cli/block_reader.h"

#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

namespace pp::cli {

BlockReader::BlockReader(std::FILE* f, size_t max_line, size_t capacity, size_t in_use, bool map)
    : fd_(fileno(f)), max_(max_line), capacity_(std::max(capacity, max_line + (size_t{1} << 16))) {
  struct stat st;
  if (!map || fstat(fd_, &st) != 0 || !S_ISREG(st.st_mode) || st.st_size <= 0) return;
  off_t at = lseek(fd_, 0, SEEK_CUR);  // standard input may be a file read from partway
  if (at < 0 || at >= st.st_size) return;
  void* m = mmap(nullptr, static_cast<size_t>(st.st_size), PROT_READ, MAP_PRIVATE, fd_, 0);
  if (m == MAP_FAILED) return;  // read(2) will do
  madvise(m, static_cast<size_t>(st.st_size), MADV_SEQUENTIAL);
  map_ = static_cast<const char*>(m);
  map_size_ = static_cast<size_t>(st.st_size);
  pos_ = given_back_ = static_cast<size_t>(at);
  starts_.assign(std::max<size_t>(in_use, 2) - 1, pos_);
}

BlockReader::~BlockReader() {
  if (map_) munmap(const_cast<char*>(map_), map_size_);
}

void BlockReader::give_back(size_t from, size_t to) {
  static const size_t page = static_cast<size_t>(sysconf(_SC_PAGESIZE));
  from = (from + page - 1) / page * page;
  to = to / page * page;
  if (from < to) madvise(const_cast<char*>(map_) + from, to - from, MADV_DONTNEED);
}

bool BlockReader::fill_mapped(LineBlock& b, size_t max_lines) {
  // Blocks before those in use are done with: their pages go back.
  give_back(given_back_, starts_.front());
  given_back_ = std::max(given_back_, starts_.front());
  starts_.erase(starts_.begin());
  starts_.push_back(pos_);
  const size_t start = pos_;
  b.base = map_;
  while (b.size() < max_lines && pos_ < map_size_ && pos_ - start < capacity_) {
    const char* s = map_ + pos_;
    size_t avail = map_size_ - pos_;
    // a newline within max_ + 1 bytes, or the line is over the cap
    const void* nl = std::memchr(s, '\n', std::min(avail, max_ + 1));
    if (nl) {
      size_t n = static_cast<size_t>(static_cast<const char*>(nl) - s);
      add(b, pos_, n, false);
      pos_ += n + 1;
    } else if (avail <= max_) {  // the last line, without a newline
      add(b, pos_, avail, false);
      pos_ = map_size_;
    } else {
      // Over the cap: find its end a piece at a time, giving the pieces
      // back as they are passed (a line of gigabytes stays out of memory).
      size_t q = pos_ + max_ + 1, end = map_size_;
      while (q < map_size_) {
        size_t piece = std::min<size_t>(map_size_ - q, 1 << 20);
        if (const void* e = std::memchr(map_ + q, '\n', piece)) {
          end = static_cast<size_t>(static_cast<const char*>(e) - map_);
          break;
        }
        q += piece;
        give_back(pos_, q);
      }
      give_back(pos_, end);
      add(b, pos_, 0, true);
      pos_ = end == map_size_ ? end : end + 1;
    }
  }
  return b.size() > 0;
}

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
  if (map_) return fill_mapped(b, max_lines);
  if (b.capacity != capacity_) {
    b.bytes = std::make_unique_for_overwrite<char[]>(capacity_);
    b.capacity = capacity_;
  }
  b.base = b.bytes.get();
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
