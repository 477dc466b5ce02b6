// Wrapping text for a terminal (cli layer): words onto lines under a width,
// continuation lines indented.
#pragma once
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

}  // namespace pp::cli
