#include "visualize/dot_writer.h"

#include <algorithm>
#include <cctype>

// GCC 12 at -O2 reports a false -Wrestrict inside std::string when short
// literals are assigned or appended after inlining (GCC bug 105651).
#if defined(__GNUC__) && !defined(__clang__) && __GNUC__ == 12
#pragma GCC diagnostic ignored "-Wrestrict"
#endif

namespace pp::visualize {

namespace {

using model::Tri;

// Appends pieces one by one (no temporaries: also keeps GCC 12's -Wrestrict
// false positive on `literal + std::string` away).
template <class... Pieces>
void put(std::string& out, const Pieces&... pieces) {
  (out.append(pieces), ...);
}

// Fill colours of the plain graph, by what a node is.
constexpr const char* kFillCondition = "#ffffff";
constexpr const char* kFillRequestCheck = "#e4effa";
constexpr const char* kFillGroup = "#fff6d5";
constexpr const char* kFillPathway = "#c9dcf2";
constexpr const char* kFillExclusion = "#fde4d2";
constexpr const char* kFillExclusionGroup = "#f8c6a5";
constexpr const char* kFillDecision = "#ffffff";

// A case's path: fill by effect on approval, border by value (so it reads in grey print).
constexpr const char* kFillFavours = "#a9dba0";   // met condition, exclusion that does not apply
constexpr const char* kFillBlocks = "#f2a19c";    // condition not met, exclusion that applies
constexpr const char* kFillUnknown = "#e2e2e2";
constexpr const char* kInkFavours = "#1b5e20";
constexpr const char* kInkBlocks = "#b71c1c";
constexpr const char* kInkUnknown = "#757575";
// The same, faded, for vertices off the case's path, so the path stands out.
constexpr const char* kFillFavoursFaded = "#dcf0d8";
constexpr const char* kFillBlocksFaded = "#f9dcda";
constexpr const char* kInkFavoursFaded = "#6a9a6d";
constexpr const char* kInkBlocksFaded = "#c98a87";

const char* combinator_word(model::Combinator c) {
  switch (c) {
    case model::Combinator::All: return "ALL";
    case model::Combinator::Any: return "ANY";
    case model::Combinator::Leaf: return "";
  }
  return "";
}

std::string upper(std::string s) {
  for (char& c : s) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return s;
}

std::string decision_words(model::Decision d) {
  std::string s = model::to_string(d);
  std::replace(s.begin(), s.end(), '_', ' ');
  return upper(s);
}

// What the value of a vertex means, in words.
std::string status_words(const NodeProps& n, Tri t) {
  if (t == Tri::Unknown) return "[unknown]";
  if (n.exclusion_like) return t == Tri::True ? "[APPLIES]" : "[does not apply]";
  return t == Tri::True ? "[met]" : "[NOT MET]";
}

const char* status_class(Tri t) {
  switch (t) {
    case Tri::True: return "met";
    case Tri::False: return "not_met";
    case Tri::Unknown: return "unknown";
  }
  return "unknown";
}

// True when the value helps the request get approved.
bool favours(const NodeProps& n, Tri t) { return (t == Tri::True) != n.exclusion_like; }

// The plain look of a vertex: its shape says what it is.
Attributes plain_node(const DecisionGraph& dg, Vertex v, const model::Policy& p) {
  const NodeProps& n = dg.graph[v];
  Attributes a;
  a["id"] = n.id;
  std::string cls = std::string(n.criterion >= 0 ? "criterion " : "") + to_string(n.kind);
  if (n.request_check) cls += " request_check";
  a["class"] = cls;
  const model::Criterion* c = n.criterion >= 0 ? &p.criteria[n.criterion] : nullptr;
  if (c) a["tooltip"] = c->id + " (" + c->section + ")\n" + c->text;

  switch (n.kind) {
    case NodeKind::Condition:
    case NodeKind::Exclusion:
      a["label"] = c->id + "\n" + c->title;
      a["shape"] = n.request_check ? "component" : "box";
      a["style"] = n.request_check ? "filled" : "rounded,filled";
      a["fillcolor"] = n.kind == NodeKind::Exclusion ? kFillExclusion
                       : n.request_check            ? kFillRequestCheck
                                                    : kFillCondition;
      break;
    case NodeKind::Group:
      a["label"] = std::string(combinator_word(n.combinator)) + ": " + c->id + "\n" + c->title;
      a["shape"] = n.combinator == model::Combinator::All ? "hexagon" : "ellipse";
      a["style"] = "filled";
      a["fillcolor"] = n.exclusion_like ? kFillExclusion : kFillGroup;
      break;
    case NodeKind::Pathway:
      a["label"] = "PATHWAY (" + std::string(combinator_word(n.combinator)) + "): " + c->id + "\n" + c->title;
      a["shape"] = "box3d";
      a["style"] = "filled,bold";
      a["fillcolor"] = kFillPathway;
      break;
    case NodeKind::ExclusionGroup: {
      const Cluster& cl = dg.clusters[n.cluster];
      a["label"] = "ANY applies:\n" + cl.title;
      a["tooltip"] = cl.text.empty() ? cl.title : cl.text;
      a["shape"] = "ellipse";
      a["style"] = "filled";
      a["fillcolor"] = kFillExclusionGroup;
      break;
    }
    case NodeKind::AnyPathway:
      a["label"] = "ANY pathway met";
      a["tooltip"] = p.decision_text;
      a["shape"] = "ellipse";
      a["style"] = "filled";
      a["fillcolor"] = kFillPathway;
      break;
    case NodeKind::NoExclusion:
      a["label"] = "NO exclusion applies\n" + (p.default_denial_section.empty() ? std::string() : p.default_denial_section);
      a["tooltip"] = "Not medically necessary when ANY exclusion applies (" + p.default_denial_section + ")";
      a["shape"] = "octagon";
      a["style"] = "filled";
      a["fillcolor"] = kFillExclusionGroup;
      break;
    case NodeKind::Decision:
      a["label"] = "DECISION\nmedically necessary when\nANY pathway is met and\nNO exclusion applies";
      a["tooltip"] = p.decision_text;
      a["shape"] = "box";
      a["peripheries"] = "2";
      a["style"] = "rounded,filled,bold";
      a["fillcolor"] = kFillDecision;
      a["fontsize"] = "13";
      break;
  }
  return a;
}

// The look of a vertex on a case's path: border style by value (bold solid =
// met, dashed = not met, dotted = unknown), fill by effect (green helps,
// red with diagonal marks blocks, grey unknown), and the value in words.
void overlay_node(Attributes& a, const NodeProps& n, Vertex v, const CaseOverlay& ov) {
  Tri t = ov.value[v];
  const bool rounded = a["style"].find("rounded") != std::string::npos;
  const bool marks = t != Tri::Unknown && !favours(n, t);  // diagonals do not combine with rounded
  std::string style = rounded && !marks ? "rounded,filled" : "filled";
  style += t == Tri::True ? ",bold" : t == Tri::False ? ",dashed" : ",dotted";
  if (marks) style += ",diagonals";
  a["style"] = style;
  const bool strong = ov.on_path[v] || ov.highlighted[v];
  if (t == Tri::Unknown) {
    a["fillcolor"] = kFillUnknown;
    a["color"] = kInkUnknown;
  } else if (favours(n, t)) {
    a["fillcolor"] = strong ? kFillFavours : kFillFavoursFaded;
    a["color"] = strong ? kInkFavours : kInkFavoursFaded;
  } else {
    a["fillcolor"] = strong ? kFillBlocks : kFillBlocksFaded;
    a["color"] = strong ? kInkBlocks : kInkBlocksFaded;
  }
  a["penwidth"] = t == Tri::True ? "3" : "1.5";
  a["class"] += std::string(" ") + status_class(t);
  if (ov.on_path[v]) a["class"] += " on_path";
  if (ov.highlighted[v]) {
    a["peripheries"] = "2";
    a["penwidth"] = "4";
    a["class"] += " highlighted";
  }
  if (n.kind == NodeKind::Decision) {
    std::string label = "DECISION\n" + decision_words(ov.decision);
    if (!ov.case_id.empty()) label += "\ncase " + ov.case_id;
    if (!ov.decisive_unknowns.empty()) {
      // A few in the picture, all of them in the tooltip.
      constexpr size_t kShown = 5;
      const size_t n = ov.decisive_unknowns.size();
      label += "\nstill to find out:";
      for (size_t i = 0; i < std::min(n, kShown); ++i) label += "\n" + ov.decisive_unknowns[i];
      if (n > kShown) label += "\n... and " + std::to_string(n - kShown) + " more (tooltip)";
      std::string tip = "Decisive unknowns (each could change the decision):";
      for (const auto& f : ov.decisive_unknowns) tip += "\n" + f;
      a["tooltip"] = tip;
    }
    if (!ov.exact) label += "\n(solver limit reached)";
    a["label"] = label;
    return;
  }
  std::string words = status_words(n, t);
  if (ov.highlighted[v]) words += n.kind == NodeKind::Pathway ? " approves" : " excludes";
  a["label"] += "\n" + words;
  a["tooltip"] += "\n" + words;
}

// The cluster of a vertex's look.
Attributes cluster_attributes(const Cluster& cl) {
  Attributes a;
  std::string label = cl.title;
  if (!cl.section.empty()) label += " (" + cl.section + ")";
  a["label"] = label;
  a["tooltip"] = cl.text.empty() ? label : cl.text;
  a["style"] = "rounded,filled";
  a["fontsize"] = "12";
  a["fontname"] = "Helvetica-Bold";
  switch (cl.kind) {
    case ClusterKind::Pathway: a["fillcolor"] = "#f1f6fc"; a["color"] = "#2c6fbb"; break;
    case ClusterKind::Conditions: a["fillcolor"] = "#fcf8e8"; a["color"] = "#b59b2e"; break;
    case ClusterKind::Exclusions: a["fillcolor"] = "#fdf1ea"; a["color"] = "#c0504d"; break;
  }
  return a;
}

void append_attributes(std::string& out, const Attributes& a) {
  out += " [";
  bool first = true;
  for (const auto& [k, v] : a) {
    if (!first) out += ", ";
    first = false;
    put(out, k, "=", dot_quote(v));
  }
  out += "]";
}

// The legend: one sample of each node shape, and with a case the looks of
// its values; edge styles in a table.
void append_legend(std::string& out, const CaseOverlay* ov) {
  struct Sample { const char* id; const char* label; Attributes a; };
  std::vector<Sample> samples = {
      {"legend.condition", "condition (leaf criterion)\nid + a few words",
       {{"shape", "box"}, {"style", "rounded,filled"}, {"fillcolor", kFillCondition}}},
      {"legend.request_check", "technique / level / code check", {{"shape", "component"}, {"style", "filled"}, {"fillcolor", kFillRequestCheck}}},
      {"legend.all", "ALL: every part met", {{"shape", "hexagon"}, {"style", "filled"}, {"fillcolor", kFillGroup}}},
      {"legend.any", "ANY: one part met", {{"shape", "ellipse"}, {"style", "filled"}, {"fillcolor", kFillGroup}}},
      {"legend.pathway", "indication pathway", {{"shape", "box3d"}, {"style", "filled,bold"}, {"fillcolor", kFillPathway}}},
      {"legend.exclusion", "exclusion (non-indication)", {{"shape", "box"}, {"style", "rounded,filled"}, {"fillcolor", kFillExclusion}}},
  };
  if (ov) {
    samples.push_back({"legend.met", "[met] condition holds\n(green, bold border)",
                       {{"shape", "box"}, {"style", "rounded,filled,bold"}, {"fillcolor", kFillFavours}, {"color", kInkFavours}, {"penwidth", "3"}}});
    samples.push_back({"legend.not_met", "[NOT MET]\n(red, dashed, corner marks)",
                       {{"shape", "box"}, {"style", "filled,dashed,diagonals"}, {"fillcolor", kFillBlocks}, {"color", kInkBlocks}, {"penwidth", "1.5"}}});
    samples.push_back({"legend.applies", "exclusion [APPLIES]\n(red, bold, corner marks)",
                       {{"shape", "box"}, {"style", "filled,bold,diagonals"}, {"fillcolor", kFillBlocks}, {"color", kInkBlocks}, {"penwidth", "3"}}});
    samples.push_back({"legend.does_not_apply", "exclusion [does not apply]\n(green, dashed)",
                       {{"shape", "box"}, {"style", "rounded,filled,dashed"}, {"fillcolor", kFillFavours}, {"color", kInkFavours}, {"penwidth", "1.5"}}});
    samples.push_back({"legend.unknown", "[unknown] (grey, dotted)",
                       {{"shape", "box"}, {"style", "rounded,filled,dotted"}, {"fillcolor", kFillUnknown}, {"color", kInkUnknown}, {"penwidth", "1.5"}}});
    samples.push_back({"legend.highlighted", "approving pathway /\napplying exclusion\n(double border)",
                       {{"shape", "box"}, {"style", "filled"}, {"fillcolor", "#ffffff"}, {"peripheries", "2"}, {"penwidth", "4"}}});
  }
  out += "  subgraph \"cluster_legend\" {\n";
  out += "    label=\"Legend\"; style=\"rounded\"; color=\"#888888\"; fontname=\"Helvetica-Bold\"; fontsize=12;\n";
  for (auto& s : samples) {
    s.a["label"] = s.label;
    s.a["class"] = "legend";
    s.a["fontsize"] = "9";
    put(out, "    ", dot_quote(s.id));
    append_attributes(out, s.a);
    out += ";\n";
  }
  std::string edges =
      "<<table border=\"0\" cellspacing=\"2\" cellpadding=\"1\">"
      "<tr><td align=\"left\"><b>arrows</b> point toward the decision</td></tr>"
      "<tr><td align=\"left\">solid: part of an ALL/ANY</td></tr>"
      "<tr><td align=\"left\">dashed, purple: <i>uses</i> (a condition reads @id)</td></tr>"
      "<tr><td align=\"left\">hover a node (SVG): the policy sentence</td></tr>";
  if (ov)
    edges +=
        "<tr><td align=\"left\">thick green/red arrows, strong colours:</td></tr>"
        "<tr><td align=\"left\">   the case's path (what decided it)</td></tr>"
        "<tr><td align=\"left\">grey arrows, faded colours: not decisive</td></tr>";
  edges += "</table>>";
  put(out, "    \"legend.edges\" [shape=\"plaintext\", class=\"legend\", fontsize=\"9\", label=", edges, "];\n");
  // Stack the samples in one column (one rank of the left-to-right layout).
  out += "    { rank=same;";
  for (const auto& s : samples) {
    out += ' ';
    out += dot_quote(s.id);
    out += ';';
  }
  out += " \"legend.edges\"; }\n";
  // Keep them in order from top to bottom.
  // (flat edges of a left-to-right layout run bottom to top).
  put(out, "    \"legend.edges\" -> ", dot_quote(samples.back().id), " [style=\"invis\"];\n");
  for (size_t i = samples.size() - 1; i > 0; --i)
    put(out, "    ", dot_quote(samples[i].id), " -> ", dot_quote(samples[i - 1].id), " [style=\"invis\"];\n");
  out += "  }\n";
}

}  // namespace

std::string dot_quote(const std::string& s) {
  std::string out = "\"";
  for (char c : s) {
    if (c == '"' || c == '\\') { out += '\\'; out += c; }
    else if (c == '\n') out += "\\n";
    else if (c == '\r') continue;
    else if ((static_cast<unsigned char>(c) < 0x20 && c != '\t') || c == 0x7f) out += "\xEF\xBF\xBD";  // U+FFFD: Graphviz refuses a NUL
    else out += c;
  }
  out += '"';
  return out;
}

std::vector<Attributes> node_attributes(const DecisionGraph& dg, const model::Policy& p, const CaseOverlay* ov) {
  std::vector<Attributes> out;
  out.reserve(boost::num_vertices(dg.graph));
  for (Vertex v = 0; v < boost::num_vertices(dg.graph); ++v) {
    out.push_back(plain_node(dg, v, p));
    if (ov) overlay_node(out.back(), dg.graph[v], v, *ov);
  }
  return out;
}

Attributes edge_attributes(const DecisionGraph& dg, const Edge& e, const CaseOverlay* ov) {
  const Graph& g = dg.graph;
  Attributes a;
  a["class"] = to_string(g[e].kind);
  switch (g[e].kind) {
    case EdgeKind::Part: a["color"] = "#555555"; break;
    case EdgeKind::Uses:
      a["style"] = "dashed";
      a["color"] = "#7e57c2";
      a["fontcolor"] = "#7e57c2";
      a["tooltip"] = "uses";  // not a label: Graphviz 2.43 aborts (double free) laying out labelled constraint=false edges
      a["constraint"] = "false";
      break;
    case EdgeKind::Approves: a["color"] = "#2c6fbb"; a["penwidth"] = "1.5"; break;
    case EdgeKind::Excludes: a["color"] = "#c0504d"; break;
    case EdgeKind::Decides: a["penwidth"] = "2"; break;
  }
  if (ov && g[e].kind != EdgeKind::Uses) {
    Vertex s = boost::source(e, g);
    if (is_decisive(dg, *ov, e) && ov->on_path[boost::target(e, g)]) {
      a["color"] = favours(g[s], ov->value[s]) ? kInkFavours : kInkBlocks;
      a["penwidth"] = "3";
      a["class"] += " on_path";
    } else {
      a["color"] = "#bbbbbb";
      a["penwidth"] = "1";
    }
  }
  return a;
}

std::string write_dot(const DecisionGraph& dg, const model::Policy& p, const CaseOverlay* ov) {
  const Graph& g = dg.graph;
  std::vector<Attributes> nodes = node_attributes(dg, p, ov);
  std::string out;
  out.reserve(64 * 1024);
  put(out, "// The decision graph of ", p.id, " ", p.version, ", drawn by policyproof render.\n");
  out += "// Node ids are criterion ids; arrows point from a part toward the decision.\n";
  put(out, "digraph ", dot_quote(p.id), " {\n");
  std::string title = p.id + " " + p.version + ": " + p.title;
  if (ov) title += "\npath of case " + (ov->case_id.empty() ? std::string("(no case_id)") : ov->case_id) + ": " +
                   decision_words(ov->decision);
  Attributes ga = {{"rankdir", "LR"}, {"newrank", "true"}, {"fontname", "Helvetica"}, {"fontsize", "16"},
                   {"labelloc", "t"}, {"label", title}, {"nodesep", "0.12"}, {"ranksep", "0.45"},
                   {"tooltip", p.title}, {"bgcolor", "white"}, {"pad", "0.2"}};
  out += "  graph";
  append_attributes(out, ga);
  out += ";\n";
  out += "  node [fontname=\"Helvetica\", fontsize=\"10\", margin=\"0.08,0.03\"];\n";
  out += "  edge [fontname=\"Helvetica\", fontsize=\"8\", arrowsize=\"0.7\"];\n";

  auto append_node = [&](Vertex v, const char* indent) {
    put(out, indent, dot_quote(g[v].id));
    append_attributes(out, nodes[v]);
    out += ";\n";
  };
  for (size_t k = 0; k < dg.clusters.size(); ++k) {
    put(out, "  subgraph ", dot_quote("cluster_" + dg.clusters[k].id), " {\n    graph");
    append_attributes(out, cluster_attributes(dg.clusters[k]));
    out += ";\n";
    std::vector<Vertex> leaves;  // exclusions that feed the category's group directly
    for (Vertex v = 0; v < boost::num_vertices(g); ++v) {
      if (g[v].cluster != static_cast<int>(k)) continue;
      append_node(v, "    ");
      if (g[v].kind == NodeKind::Exclusion && boost::in_degree(v, g) == 0) leaves.push_back(v);
    }
    // A long list of exclusions goes in columns of at most kRows, so the
    // picture is not one very tall column: invisible edges push each column
    // one rank to the right of the one before.
    constexpr size_t kRows = 7;
    if (dg.clusters[k].kind == ClusterKind::Exclusions && leaves.size() > kRows) {
      const size_t n = leaves.size();
      const size_t cols = (n + kRows - 1) / kRows;
      const size_t rows = (n + cols - 1) / cols;
      for (size_t i = 0; i + rows < n; ++i)
        put(out, "    ", dot_quote(g[leaves[i]].id), " -> ", dot_quote(g[leaves[i + rows]].id), " [style=\"invis\"];\n");
      for (size_t c = 0; c < cols; ++c) {  // pinned, or a lone leaf drifts toward its group
        out += "    { rank=same;";
        for (size_t i = c * rows; i < std::min(n, (c + 1) * rows); ++i) {
          out += ' ';
          out += dot_quote(g[leaves[i]].id);
          out += ';';
        }
        out += " }\n";
      }
    }
    out += "  }\n";
  }
  for (Vertex v = 0; v < boost::num_vertices(g); ++v)
    if (g[v].cluster < 0) append_node(v, "  ");
  append_legend(out, ov);
  // The legend sits to the right of the decision.
  put(out, "  ", dot_quote(g[dg.decision].id), " -> \"legend.condition\" [style=\"invis\", minlen=\"1\"];\n");

  for (Vertex v = 0; v < boost::num_vertices(g); ++v)
    for (auto [e, end] = boost::out_edges(v, g); e != end; ++e) {
      put(out, "  ", dot_quote(g[v].id), " -> ", dot_quote(g[boost::target(*e, g)].id));
      append_attributes(out, edge_attributes(dg, *e, ov));
      out += ";\n";
    }
  out += "}\n";
  return out;
}

}  // namespace pp::visualize
