// Graphviz SVG made fit to sit inside an HTML page (reports layer): the XML
// prologue dropped, every id prefixed (a page holds several pictures, and the
// criterion ids are the page's own anchors), tooltips as SVG <title>s, the
// criterion nodes linked to their entries, and an accessible name.
#pragma once
#include <functional>
#include <string>
#include <string_view>

namespace pp::reports {

struct InlineSvgOptions {
  std::string id_prefix;   // prepended to every id in the picture, e.g. "graph-"
  std::string label;       // the accessible name (aria-label)
  // The page anchor a node id links to ("" = no link), e.g. "IN.NM.levels" -> "IN.NM.levels".
  std::function<std::string(std::string_view node_id)> node_link;
};

// Rewrites `svg` (as graphviz's svg renderer writes it) for inline use. The
// <svg> element gets role="img", aria-label and class "graph"; width and
// height become CSS pixels (one per point). `<a xlink:title=T>` wrappers become `<g>`s (or
// links, for nodes `node_link` maps) whose first child is `<title>T</title>`,
// which browsers show as the tooltip.
std::string inline_svg(std::string_view svg, const InlineSvgOptions& options);

}  // namespace pp::reports
