#include "reports/svg_inline.h"

#include <cmath>
#include <cstdlib>
#include <fmt/format.h>

#include "reports/html.h"

namespace pp::reports {

namespace {

// The value of attribute `name` in tag text `tag` ("" when absent).
std::string_view attribute(std::string_view tag, std::string_view name, size_t* begin = nullptr, size_t* end = nullptr) {
  size_t at = 0;
  while ((at = tag.find(name, at)) != std::string_view::npos) {
    bool starts = at > 0 && (tag[at - 1] == ' ' || tag[at - 1] == '\n' || tag[at - 1] == '\t');
    size_t eq = at + name.size();
    if (starts && eq + 1 < tag.size() && tag[eq] == '=' && tag[eq + 1] == '"') {
      size_t close = tag.find('"', eq + 2);
      if (close == std::string_view::npos) return {};
      if (begin) *begin = at;
      if (end) *end = close + 1;
      return tag.substr(eq + 2, close - eq - 2);
    }
    at = eq;
  }
  return {};
}

// "1933pt" -> "1933": one CSS pixel per point, three quarters of the printed
// size, so that more of the graph fits the page (10 pt labels stay readable).
std::string to_pixels(std::string_view v) {
  double x = std::strtod(std::string(v).c_str(), nullptr);
  return fmt::format("{}", static_cast<long>(std::lround(x)));
}

}  // namespace

std::string inline_svg(std::string_view svg, const InlineSvgOptions& o) {
  std::string out;
  out.reserve(svg.size() + svg.size() / 8);
  size_t start = svg.find("<svg");
  if (start == std::string_view::npos) return out;
  size_t i = start;
  std::string node;          // id of the node group we are in
  bool open_link = false;    // the last <a> became a link (else a <g>)
  while (i < svg.size()) {
    size_t lt = svg.find('<', i);
    if (lt == std::string_view::npos) {
      out.append(svg.substr(i));
      break;
    }
    out.append(svg.substr(i, lt - i));
    if (svg.substr(lt, 4) == "<!--") {
      size_t close = svg.find("-->", lt);
      i = close == std::string_view::npos ? svg.size() : close + 3;
      continue;
    }
    size_t gt = svg.find('>', lt);
    if (gt == std::string_view::npos) break;
    std::string_view tag = svg.substr(lt, gt - lt + 1);
    i = gt + 1;

    if (tag.substr(0, 4) == "<svg") {
      std::string t = "<svg";
      for (std::string_view name : {"width", "height"})
        if (auto v = attribute(tag, name); !v.empty()) t += fmt::format(" {}=\"{}\"", name, to_pixels(v));
      if (auto v = attribute(tag, "viewBox"); !v.empty()) t += fmt::format(" viewBox=\"{}\"", v);
      t += " xmlns=\"http://www.w3.org/2000/svg\" role=\"img\" class=\"graph\" aria-label=\"";
      t += escape(o.label);
      t += "\">";
      out += t;
      continue;
    }
    if (tag.substr(0, 3) == "<a ") {
      std::string title(attribute(tag, "xlink:title"));
      std::string link = node.empty() || !o.node_link ? std::string() : o.node_link(node);
      open_link = !link.empty();
      out += open_link ? "<a href=\"#" + escape(link) + "\">" : std::string("<g>");
      if (!title.empty()) out += "<title>" + title + "</title>";
      continue;
    }
    if (tag == "</a>") {
      out += open_link ? "</a>" : "</g>";
      open_link = false;
      continue;
    }
    // Every id gets the picture's prefix.
    size_t b = 0, e = 0;
    std::string_view id = attribute(tag, "id", &b, &e);
    if (!id.empty()) {
      if (tag.substr(0, 3) == "<g ")
        node = attribute(tag, "class").substr(0, 4) == "node" ? std::string(id) : std::string();
      out.append(tag.substr(0, b));
      out += "id=\"" + o.id_prefix + std::string(id) + "\"";
      out.append(tag.substr(e));
      continue;
    }
    out.append(tag);
  }
  return out;
}

}  // namespace pp::reports
