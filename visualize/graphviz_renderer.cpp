#include "visualize/graphviz_renderer.h"

#include <graphviz/cgraph.h>
#include <graphviz/gvc.h>

#include <algorithm>
#include <cctype>
#include <mutex>
#include <stdexcept>

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
