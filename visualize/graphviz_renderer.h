// Drawing DOT text with Graphviz's libraries (gvc/cgraph, the `dot` layout)
// into SVG, PNG or PDF bytes (visualize layer).
#pragma once
#include <optional>
#include <stdexcept>
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

// An SVG that shows the whole drawing in whatever window opens it: the root's
// fixed width and height (points) become 100%, the viewBox (which Graphviz
// sets to the drawing's extent) stays, scaled to fit ("xMidYMid meet").
// Text without an <svg ...> root is returned unchanged.
std::string fit_svg_to_window(const std::string& svg);

// Paper for `render --page`: the drawing scaled to the printable area (the
// page less kPageMargin on each side) so that its smallest text prints at no
// less than kMinPrintedFont points; when it cannot fit one page at that size
// it is split into a grid of pages at that size, after a contents page (the
// whole drawing reduced to one page, the only page whose text may be smaller).
enum class PageSize { Letter, A4, A3 };
std::optional<PageSize> parse_page_size(std::string_view name);  // letter | a4 | a3
constexpr double kMinPrintedFont = 9;   // points
constexpr double kPageMargin = 25;      // points (about 9 mm: more than printers leave blank)
constexpr int kPagePngDpi = 150;

struct PageSetup {
  PageSize size = PageSize::A4;
  bool landscape = false;
};

struct PagedPicture {
  std::string bytes;
  double page_width = 0, page_height = 0;  // points
  int pages = 1;            // PDF pages; 1 when the drawing fits
  int rows = 1, columns = 1;  // the grid of pages after the contents page
  double zoom = 1;          // scale of the drawing on its full-size page(s)
  double smallest_font = 0; // the smallest font size of any text in the DOT, points unscaled
};

// Thrown when a picture cannot be put on pages as asked (PNG is one page; a
// format other than PDF or PNG): the message names what to do instead.
struct PageError : std::invalid_argument {
  using std::invalid_argument::invalid_argument;
};

// Lays `dot` out once and draws it on pages as above, as PDF or PNG (PNG at
// kPagePngDpi). Throws PageError as described, std::runtime_error as render.
PagedPicture render_on_pages(const std::string& dot, Format f, const PageSetup& setup);

}  // namespace pp::visualize
