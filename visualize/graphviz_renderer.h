// Drawing DOT text with Graphviz's libraries (gvc/cgraph, the `dot` layout)
// into SVG, PNG or PDF bytes (visualize layer).
#pragma once
#include <optional>
#include <string>
#include <string_view>

namespace pp::visualize {

enum class Format { Svg, Png, Pdf, Dot };
const char* to_string(Format f);  // svg | png | pdf | dot

// `svg`, `png`, `pdf` or `dot` (lowercase); nothing for any other name.
std::optional<Format> parse_format(std::string_view name);
// The format a file name asks for by its extension (.svg .png .pdf .dot .gv,
// any case); nothing when the extension is missing or another one.
std::optional<Format> format_from_path(std::string_view path);

// Lays `dot` out with Graphviz's dot engine and renders it as `f` (Dot returns
// the text unchanged). Throws std::runtime_error naming Graphviz's complaint
// when the text does not parse or a renderer plugin is missing: DOT made by
// write_dot always parses, so that is a bug or a broken installation.
// Serialised internally: Graphviz keeps global state.
std::string render(const std::string& dot, Format f);

}  // namespace pp::visualize
