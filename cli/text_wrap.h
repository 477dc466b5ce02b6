// Wrapping text for a terminal (cli layer): words onto lines under a width,
// continuation lines indented.
#pragma once
#include <sys/ioctl.h>
#include <unistd.h>

#include <string>
#include <string_view>

namespace pp::cli {

// `text` (one paragraph) broken at spaces into lines of at most `width`
// columns, the first prefixed by `first`, the others by `rest`; a word longer
// than a line is broken where it must be. Every line ends with '\n'.
inline std::string wrap_text(std::string_view text, const std::string& first, const std::string& rest,
                             size_t width = 99) {
  std::string out, line = first;
  size_t fresh = line.size();  // the line holds no word yet while it is this long
  auto flush = [&] {
    while (!line.empty() && line.back() == ' ') line.pop_back();
    out += line + "\n";
    line = rest;
    fresh = line.size();
  };
  size_t i = 0;
  while (i < text.size()) {
    while (i < text.size() && text[i] == ' ') ++i;
    size_t j = text.find(' ', i);
    if (j == std::string_view::npos) j = text.size();
    std::string_view word = text.substr(i, j - i);
    i = j;
    if (word.empty()) break;
    size_t need = (line.size() > fresh ? 1 : 0) + word.size();
    if (line.size() + need > width && line.size() > fresh) flush();
    while (line.size() + word.size() > width && width > line.size() + 1) {  // a word wider than a line
      size_t take = width - line.size();
      line += word.substr(0, take);
      word.remove_prefix(take);
      flush();
    }
    if (line.size() > fresh) line += ' ';
    line += word;
  }
  if (line.size() > fresh || out.empty()) flush();
  return out;
}

// The width text output wraps at: one less than the terminal's columns when
// standard output is a terminal (at least 40), else 99 (every line under 100
// columns, for pipes, files and logs).
inline size_t output_width() {
  struct winsize ws {};
  if (isatty(STDOUT_FILENO) && ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0)
    return ws.ws_col > 41 ? static_cast<size_t>(ws.ws_col) - 1 : 40;
  return 99;
}

// Every line of `text` wider than `width` broken at spaces; its continuation
// lines indented two past the line's own indentation. Lines that fit are kept
// as they are (tables, the JSON of `--format json` is never passed here).
inline std::string wrap_lines(std::string_view text, size_t width = output_width()) {
  std::string out;
  size_t at = 0;
  while (at < text.size()) {
    size_t nl = text.find('\n', at);
    size_t end = nl == std::string_view::npos ? text.size() : nl;
    std::string_view line = text.substr(at, end - at);
    if (line.size() <= width) {
      out += line;
      if (nl != std::string_view::npos) out += '\n';
    } else {
      size_t indent = line.find_first_not_of(' ');
      if (indent == std::string_view::npos) indent = 0;
      std::string lead(indent, ' ');
      std::string wrapped = wrap_text(line.substr(indent), lead, lead + "  ", width);
      if (nl == std::string_view::npos && !wrapped.empty()) wrapped.pop_back();
      out += wrapped;
    }
    at = nl == std::string_view::npos ? text.size() : nl + 1;
  }
  return out;
}

}  // namespace pp::cli
