#include "visualize/mermaid_writer.h"

#include <set>

#include "visualize/change_overlay.h"

// GCC 12 at -O2 reports a false -Wrestrict inside std::string (GCC bug 105651).
#if defined(__GNUC__) && !defined(__clang__) && __GNUC__ == 12
#pragma GCC diagnostic ignored "-Wrestrict"
#endif

namespace pp::visualize {

std::string mermaid_id(const std::string& id) {
  std::string out;
  for (char c : id) {
    bool ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
    out += ok ? c : '_';
  }
  if (out.empty()) out = "_";
  static const std::set<std::string> keywords = {"end", "graph", "subgraph", "flowchart", "click", "class",
                                                 "classDef", "style", "linkStyle", "direction", "call", "href"};
  if (keywords.count(out)) out += '_';
  return out;
}

std::string mermaid_label(const std::string& s) {
  std::string out;
  for (char c : s) {
    switch (c) {
      case '"': out += "#quot;"; break;
      case '#': out += "#35;"; break;
      case '<': out += "#lt;"; break;
      case '>': out += "#gt;"; break;
      case '&': out += "#amp;"; break;
      case '\n': out += "<br/>"; break;
      case '\r': break;
      default: out += c;
    }
  }
  return out;
}

std::string write_mermaid(const View& v) {
  // Node ids: sanitised, made unique in node order (deterministic).
  std::set<std::string> used;
  auto unique = [&](std::string id) {
    std::string base = id;
    for (int k = 2; used.count(id); ++k) id = base + "_" + std::to_string(k);
    used.insert(id);
    return id;
  };
  std::vector<std::string> ids;
  for (const auto& n : v.nodes) ids.push_back(unique(mermaid_id(n.id)));
  std::vector<std::string> cluster_ids;
  for (const auto& c : v.clusters) cluster_ids.push_back(unique("cluster_" + mermaid_id(c.id)));

  std::string out = "---\ntitle: \"" + mermaid_label(v.title.substr(0, v.title.find('\n'))) + "\"\n---\n";
  out += "flowchart TD\n";
  auto node_line = [&](size_t i, const char* indent) {
    const ViewNode& n = v.nodes[i];
    const char* open = "[\"";
    const char* close = "\"]";
    switch (n.kind) {
      case NodeKind::Decision: open = "[[\""; close = "\"]]"; break;
      case NodeKind::Group:
      case NodeKind::ExclusionGroup:
      case NodeKind::AnyPathway:
      case NodeKind::NoExclusion: open = "([\""; close = "\"])"; break;
      case NodeKind::Condition:
      case NodeKind::Exclusion: open = "(\""; close = "\")"; break;
      case NodeKind::Pathway: break;
    }
    out += indent;
    out += ids[i];
    out += open;
    out += mermaid_label(n.label);
    out += close;
    out += '\n';
  };
  for (size_t k = 0; k < v.clusters.size(); ++k) {
    out += "  subgraph " + cluster_ids[k] + "[\"" + mermaid_label(v.clusters[k].title) + "\"]\n";
    for (size_t i = 0; i < v.nodes.size(); ++i)
      if (v.nodes[i].cluster == static_cast<int>(k)) node_line(i, "    ");
    out += "  end\n";
  }
  for (size_t i = 0; i < v.nodes.size(); ++i)
    if (v.nodes[i].cluster < 0) node_line(i, "  ");
  for (const auto& e : v.edges) {
    bool gone = v.nodes[e.from].change == ChangeMark::Removed || v.nodes[e.to].change == ChangeMark::Removed;
    out += "  " + ids[e.from] + (e.kind == EdgeKind::Uses ? " -. uses .-> " : gone ? " -.-> " : " --> ") + ids[e.to] + "\n";
  }
  out += change_mermaid(v, ids);  // with render --diff
  // The path view: how each node is drawn (views.h Tone) as its class.
  bool toned = false;
  for (const auto& n : v.nodes) toned |= n.tone != Tone::Plain;
  if (toned) {
    static const std::pair<Tone, const char*> defs[] = {
        {Tone::Met, "fill:#a9dba0,stroke:#1b5e20,stroke-width:2px"},
        {Tone::Short, "fill:#ffd98a,stroke:#8a5a00,stroke-width:2px"},
        {Tone::Blocks, "fill:#f2a19c,stroke:#b71c1c,stroke-width:2px"},
        {Tone::Unknown, "fill:#e2e2e2,stroke:#757575,stroke-dasharray:2 2"},
        {Tone::Context, "fill:#f4f4f4,stroke:#9e9e9e,color:#555555"}};
    for (const auto& [tone, style] : defs) {
      std::string names;
      for (size_t i = 0; i < v.nodes.size(); ++i)
        if (v.nodes[i].tone == tone) names += (names.empty() ? "" : ",") + ids[i];
      if (names.empty()) continue;
      out += std::string("  classDef ") + to_string(tone) + " " + style + "\n";
      out += "  class " + names + " " + to_string(tone) + "\n";
    }
    return out;
  }
  // With a case: the value of each node as a class.
  std::vector<std::string> met, not_met, unknown, excludes;
  for (size_t i = 0; i < v.nodes.size(); ++i) {
    const auto& n = v.nodes[i];
    if (!n.value) continue;
    (*n.value == model::Tri::True ? met : *n.value == model::Tri::False ? not_met : unknown).push_back(ids[i]);
    if (*n.value == model::Tri::True && n.exclusion_like) excludes.push_back(ids[i]);
  }
  bool any_case = !met.empty() || !not_met.empty() || !unknown.empty();
  if (any_case) {
    out += "  classDef met fill:#a9dba0,stroke:#1b5e20,stroke-width:2px\n";
    out += "  classDef not_met fill:#f4f4f4,stroke:#9e9e9e,stroke-dasharray:4 3\n";
    out += "  classDef unknown fill:#e2e2e2,stroke:#757575,stroke-dasharray:2 2\n";
    out += "  classDef excludes fill:#f2a19c,stroke:#b71c1c,stroke-width:2px\n";
    auto class_line = [&](const std::vector<std::string>& names, const char* cls) {
      if (names.empty()) return;
      out += "  class ";
      for (size_t i = 0; i < names.size(); ++i) out += (i ? "," : "") + names[i];
      out += std::string(" ") + cls + "\n";
    };
    class_line(met, "met");
    class_line(not_met, "not_met");
    class_line(unknown, "unknown");
    class_line(excludes, "excludes");
  }
  return out;
}

}  // namespace pp::visualize
