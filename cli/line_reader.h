// A bounded line reader for JSONL batches (cli layer): memory stays flat
// whatever the input; a line longer than the cap is skipped, not buffered.
#pragma once
#include <cstdio>
#include <cstring>
#include <string>
#include <string_view>

namespace pp::cli {

class LineReader {
 public:
  LineReader(std::FILE* f, size_t max_line) : f_(f), max_(max_line), buf_(kChunk, '\0') {}

  // Next line (without the newline). `too_long` is set when the line exceeded
  // the cap; its content is then not returned. False at end of input.
  bool next(std::string_view& line, bool& too_long) {
    too_long = false;
    long_.clear();
    bool overflow = false;
    while (true) {
      if (pos_ == end_) {
        if (eof_) break;
        pos_ = 0;
        end_ = std::fread(buf_.data(), 1, buf_.size(), f_);
        if (end_ == 0) { eof_ = true; break; }
      }
      const char* start = buf_.data() + pos_;
      const char* nl = static_cast<const char*>(std::memchr(start, '\n', end_ - pos_));
      size_t n = nl ? static_cast<size_t>(nl - start) : end_ - pos_;
      if (!overflow) {
        if (long_.size() + n > max_) { overflow = true; long_.clear(); }
        else if (nl && long_.empty()) {  // whole line inside the chunk: no copy
          pos_ += n + 1;
          line = std::string_view(start, n);
          ++count_;
          return true;
        } else {
          long_.append(start, n);
        }
      }
      pos_ += n + (nl ? 1 : 0);
      if (nl) {
        ++count_;
        too_long = overflow;
        line = overflow ? std::string_view() : std::string_view(long_);
        return true;
      }
    }
    if (long_.empty() && !overflow) return false;  // no trailing partial line
    ++count_;
    too_long = overflow;
    long_.swap(tail_);  // keep the view valid until the next call
    line = overflow ? std::string_view() : std::string_view(tail_);
    long_.clear();
    return true;
  }

  long line_number() const { return count_; }

 private:
  static constexpr size_t kChunk = 1 << 16;
  std::FILE* f_;
  size_t max_;
  std::string buf_;
  std::string long_, tail_;
  size_t pos_ = 0, end_ = 0;
  bool eof_ = false;
  long count_ = 0;
};

}  // namespace pp::cli
