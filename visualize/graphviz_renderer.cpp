#include "visualize/graphviz_renderer.h"

#include <graphviz/cgraph.h>
#include <graphviz/gvc.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <mutex>
#include <stdexcept>
#include <vector>

#include "visualize/pdf_pages.h"

namespace pp::visualize {

const char* to_string(Format f) {
  switch (f) {
    case Format::Svg: return "svg";
    case Format::Png: return "png";
    case Format::Pdf: return "pdf";
    case Format::Dot: return "dot";
  }
  return "?";
}

std::optional<Format> parse_format(std::string_view name) {
  if (name == "svg") return Format::Svg;
  if (name == "png") return Format::Png;
  if (name == "pdf") return Format::Pdf;
  if (name == "dot") return Format::Dot;
  return std::nullopt;
}

std::optional<Format> format_from_path(std::string_view path) {
  size_t slash = path.find_last_of('/');
  std::string_view base = slash == std::string_view::npos ? path : path.substr(slash + 1);
  size_t dot = base.find_last_of('.');
  if (dot == std::string_view::npos || dot == 0) return std::nullopt;
  std::string ext(base.substr(dot + 1));
  std::transform(ext.begin(), ext.end(), ext.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  if (ext == "gv") return Format::Dot;
  return parse_format(ext);
}

namespace {

std::mutex graphviz_mutex;
std::string* graphviz_messages = nullptr;  // guarded by graphviz_mutex

// Graphviz reports through a callback; keep its words instead of printing them.
int collect_message(char* msg) {
  if (graphviz_messages && msg) *graphviz_messages += msg;
  return 0;
}

// One Graphviz context for the whole process, never freed: Graphviz's pango
// plugin caches a pointer to the last font name, which lives in the context's
// font dictionary, so freeing a context and laying out in a new one reads
// freed memory (ASan saw it when `report` rendered several graphs). Only
// called under graphviz_mutex.
GVC_t* process_context() {
  static GVC_t* gvc = gvContext();
  return gvc;
}

std::string trimmed(std::string s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.pop_back();
  std::replace(s.begin(), s.end(), '\n', ' ');
  return s;
}

}  // namespace

std::string render(const std::string& dot, Format f) {
  if (f == Format::Dot) return dot;
  std::lock_guard<std::mutex> lock(graphviz_mutex);
  std::string messages;
  graphviz_messages = &messages;
  agseterrf(collect_message);
  agseterr(AGERR);  // warnings (e.g. about fonts) are not failures
  struct Reset {
    ~Reset() { agseterrf(nullptr); graphviz_messages = nullptr; }
  } reset;

  GVC_t* gvc = process_context();
  if (!gvc) throw std::runtime_error("graphviz: cannot create a context");
  Agraph_t* g = agmemread(dot.c_str());
  if (!g) throw std::runtime_error("graphviz: cannot read the DOT text: " + trimmed(messages));
  struct Close {
    GVC_t* gvc; Agraph_t* g; bool laid_out = false;
    ~Close() { if (laid_out) gvFreeLayout(gvc, g); agclose(g); }
  } close{gvc, g};
  if (gvLayout(gvc, g, "dot") != 0) throw std::runtime_error("graphviz: layout failed: " + trimmed(messages));
  close.laid_out = true;
  char* data = nullptr;
  unsigned int length = 0;
  if (gvRenderData(gvc, g, to_string(f), &data, &length) != 0 || !data)
    throw std::runtime_error(std::string("graphviz: cannot render ") + to_string(f) +
                             " (is the Graphviz plugin for it installed?): " + trimmed(messages));
  std::string out(data, length);
  gvFreeRenderData(data);
  return out;
}

std::string fit_svg_to_window(const std::string& svg) {
  size_t open = svg.find("<svg ");
  if (open == std::string::npos) return svg;
  size_t close = svg.find('>', open);
  if (close == std::string::npos) return svg;
  std::string tag = svg.substr(open, close - open);
  if (tag.find("viewBox=") == std::string::npos) return svg;
  auto set = [&](const std::string& name, const std::string& value) {
    size_t at = tag.find(" " + name + "=\"");
    if (at == std::string::npos) {
      tag += " " + name + "=\"" + value + "\"";
      return;
    }
    size_t begin = at + name.size() + 3;
    size_t end = tag.find('"', begin);
    tag.replace(begin, end - begin, value);
  };
  auto set_ws = [&](const std::string& name, const std::string& value) {  // attributes after a newline
    size_t at = tag.find(name + "=\"");
    if (at == std::string::npos) return set(name, value);
    size_t begin = at + name.size() + 2;
    size_t end = tag.find('"', begin);
    tag.replace(begin, end - begin, value);
  };
  set_ws("width", "100%");
  set_ws("height", "100%");
  set("preserveAspectRatio", "xMidYMid meet");
  return svg.substr(0, open) + tag + svg.substr(close);
}

std::optional<PageSize> parse_page_size(std::string_view name) {
  if (name == "letter") return PageSize::Letter;
  if (name == "a4") return PageSize::A4;
  if (name == "a3") return PageSize::A3;
  return std::nullopt;
}

namespace {

// Sets a graph attribute (cgraph takes char*, never writes through it).
void set_graph_attr(Agraph_t* g, const char* name, const std::string& value) {
  std::string n = name, v = value, empty;
  agsafeset(g, n.data(), v.data(), empty.data());
}

double font_of(void* obj, double inherited) {
  char name[] = "fontsize";
  const char* v = agget(obj, name);
  if (!v || !*v) return inherited;
  double d = std::atof(v);
  return d > 0 ? d : inherited;
}

bool has_text(void* obj, const char* attr) {
  std::string name = attr;
  const char* v = agget(obj, name.data());
  return v && *v;
}

// The smallest font size of any text drawn: graph and cluster labels, node
// labels, edge labels. Graphviz's default is 14.
double smallest_font(Agraph_t* root) {
  double least = 1e9;
  std::vector<Agraph_t*> todo{root};
  while (!todo.empty()) {
    Agraph_t* g = todo.back();
    todo.pop_back();
    if (has_text(g, "label")) least = std::min(least, font_of(g, 14));
    for (Agraph_t* sub = agfstsubg(g); sub; sub = agnxtsubg(sub)) todo.push_back(sub);
  }
  for (Agnode_t* n = agfstnode(root); n; n = agnxtnode(root, n)) {
    least = std::min(least, font_of(n, 14));
    for (Agedge_t* e = agfstout(root, n); e; e = agnxtout(root, e))
      if (has_text(e, "label") || has_text(e, "xlabel") || has_text(e, "headlabel") || has_text(e, "taillabel"))
        least = std::min(least, font_of(e, 14));
  }
  return least > 1e8 ? 14 : least;
}

}  // namespace

PagedPicture render_on_pages(const std::string& dot, Format f, const PageSetup& setup) {
  if (f != Format::Pdf && f != Format::Png) throw PageError("pages are for pdf and png pictures");
  PagedPicture out;
  switch (setup.size) {
    case PageSize::Letter: out.page_width = 612; out.page_height = 792; break;
    case PageSize::A4: out.page_width = 595.28; out.page_height = 841.89; break;
    case PageSize::A3: out.page_width = 841.89; out.page_height = 1190.55; break;
  }
  if (setup.landscape) std::swap(out.page_width, out.page_height);
  const double pw = out.page_width - 2 * kPageMargin, ph = out.page_height - 2 * kPageMargin;

  std::lock_guard<std::mutex> lock(graphviz_mutex);
  std::string messages;
  graphviz_messages = &messages;
  agseterrf(collect_message);
  agseterr(AGERR);
  struct Reset {
    ~Reset() { agseterrf(nullptr); graphviz_messages = nullptr; }
  } reset;
  GVC_t* gvc = process_context();
  if (!gvc) throw std::runtime_error("graphviz: cannot create a context");
  Agraph_t* g = agmemread(dot.c_str());
  if (!g) throw std::runtime_error("graphviz: cannot read the DOT text: " + trimmed(messages));
  struct Close {
    GVC_t* gvc; Agraph_t* g; bool laid_out = false;
    ~Close() { if (laid_out) gvFreeLayout(gvc, g); agclose(g); }
  } close{gvc, g};
  set_graph_attr(g, "pad", "0");
  set_graph_attr(g, "margin", "0");  // the PDF device adds half an inch otherwise
  if (f == Format::Png) set_graph_attr(g, "dpi", std::to_string(kPagePngDpi));
  if (gvLayout(gvc, g, "dot") != 0) throw std::runtime_error("graphviz: layout failed: " + trimmed(messages));
  close.laid_out = true;
  out.smallest_font = smallest_font(g);

  const boxf bb = GD_bb(g);
  const double w = std::max(1.0, bb.UR.x - bb.LL.x), h = std::max(1.0, bb.UR.y - bb.LL.y);
  const double fit = std::min({pw / w, ph / h});
  const double needed = kMinPrintedFont / out.smallest_font;
  auto draw = [&](double zoom, double cx, double cy) {
    char viewport[160];
    std::snprintf(viewport, sizeof viewport, "%.2f,%.2f,%.5f,%.2f,%.2f", out.page_width, out.page_height, zoom, cx, cy);
    set_graph_attr(g, "viewport", viewport);
    char* data = nullptr;
    unsigned int length = 0;
    if (gvRenderData(gvc, g, to_string(f), &data, &length) != 0 || !data)
      throw std::runtime_error(std::string("graphviz: cannot render ") + to_string(f) + ": " + trimmed(messages));
    std::string bytes(data, length);
    gvFreeRenderData(data);
    return bytes;
  };
  const double cx = (bb.LL.x + bb.UR.x) / 2, cy = (bb.LL.y + bb.UR.y) / 2;
  if (std::min(fit, 1.0) >= needed) {  // one page; never enlarged beyond its natural size
    out.zoom = std::min(fit, 1.0);
    out.bytes = draw(out.zoom, cx, cy);
    return out;
  }
  out.zoom = std::max(needed, 1e-3);
  out.columns = static_cast<int>(std::ceil(w * out.zoom / pw - 1e-9));
  out.rows = static_cast<int>(std::ceil(h * out.zoom / ph - 1e-9));
  if (out.rows * out.columns == 1) {  // enlarged to reach the smallest size, still one page
    out.bytes = draw(out.zoom, cx, cy);
    return out;
  }
  if (f == Format::Png)
    throw PageError("the drawing needs " + std::to_string(out.rows * out.columns) +
                    " pages for its text to print at 9 pt or more; a png is one page (use --format pdf, or a "
                    "smaller view: --view overview, pathway ID, exclusions or path)");
  // A contents page (the whole drawing reduced), then the grid, left to right,
  // top to bottom; each page's printable area is one cell, its margins show
  // the neighbouring cells' edges.
  std::vector<std::string> pages{draw(fit, cx, cy)};
  for (int r = 0; r < out.rows; ++r)
    for (int c = 0; c < out.columns; ++c)
      pages.push_back(draw(out.zoom, bb.LL.x + (c + 0.5) * pw / out.zoom, bb.UR.y - (r + 0.5) * ph / out.zoom));
  out.pages = static_cast<int>(pages.size());
  out.bytes = join_pdf_pages(pages);
  return out;
}

}  // namespace pp::visualize

// Graphviz 2.42 and the font stack under it (fontconfig, pango, glib) keep
// allocations they never free: plugin configuration, caches, and virtual
// edges of the dot layout with clusters. They are not ours to fix, so under
// LeakSanitizer (the sanitize CI step) leaks allocated inside those libraries
// are suppressed; leaks in our code still fail the run. The sanitizer runtime
// calls this hook when it exists; it is not built without ASan.
#if defined(__SANITIZE_ADDRESS__)
#define PP_WITH_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define PP_WITH_ASAN 1
#endif
#endif
#ifdef PP_WITH_ASAN
extern "C" const char* __lsan_default_suppressions() {
  return "leak:libgvc.so\n"
         "leak:libcgraph.so\n"
         "leak:libgvplugin_\n"
         "leak:libfontconfig.so\n"
         "leak:libpango\n"
         "leak:libglib-2.0.so\n"
         "leak:libgobject-2.0.so\n"
         "leak:libcairo.so\n";
}
// Keep stderr to the one line a command prints (no table of suppressions).
extern "C" const char* __lsan_default_options() { return "print_suppressions=0"; }
#endif
