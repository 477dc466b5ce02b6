#include "visualize/views.h"

#include <algorithm>
#include <functional>
#include <map>
#include <set>

#include "model/reason_builder.h"
#include "visualize/change_overlay.h"
#include "visualize/dot_writer.h"

// GCC 12 at -O2 reports a false -Wrestrict inside std::string (GCC bug 105651).
#if defined(__GNUC__) && !defined(__clang__) && __GNUC__ == 12
#pragma GCC diagnostic ignored "-Wrestrict"
#endif

namespace pp::visualize {

namespace {

using model::Tri;

std::string decision_words(model::Decision d) {
  switch (d) {
    case model::Decision::MedicallyNecessary: return "MEDICALLY NECESSARY";
    case model::Decision::NotMedicallyNecessary: return "NOT MEDICALLY NECESSARY";
    case model::Decision::Undetermined: return "UNDETERMINED";
    case model::Decision::OutOfScope: return "OUT OF SCOPE";
  }
  return "UNDETERMINED";
}

// What a vertex's value means, in plain words (no double negatives).
std::string value_words(const NodeProps& n, Tri t) {
  if (t == Tri::Unknown) return "unknown";
  if (n.kind == NodeKind::NoExclusion) return t == Tri::True ? "none applies" : "an exclusion applies";
  if (n.exclusion_like) return t == Tri::True ? "applies" : "does not apply";
  return t == Tri::True ? "met" : "not met";
}

size_t count_in(const Graph& g, Vertex v, EdgeKind k) {
  size_t n = 0;
  for (auto [e, end] = boost::in_edges(v, g); e != end; ++e) n += g[*e].kind == k;
  return n;
}

std::string plural(size_t n, const char* one, const char* many) {
  return std::to_string(n) + " " + (n == 1 ? one : many);
}

ViewNode make_node(const DecisionGraph& dg, const model::Policy& p, Vertex v, ViewKind kind,
                   const CaseOverlay* ov) {
  const Graph& g = dg.graph;
  const NodeProps& n = g[v];
  ViewNode out;
  out.id = n.id;
  out.kind = n.kind;
  out.combinator = n.combinator;
  out.exclusion_like = n.exclusion_like;
  const model::Criterion* c = n.criterion >= 0 ? &p.criteria[static_cast<size_t>(n.criterion)] : nullptr;
  if (c) {
    std::string title = c->title.empty() ? c->id : c->title;
    out.tooltip = c->id + " (" + c->section + ")";
    if (!c->text.empty()) out.tooltip += "\n" + c->text;
    switch (n.kind) {
      case NodeKind::Pathway:
        out.label = kind == ViewKind::Overview ? title : "Pathway: " + title;
        if (kind != ViewKind::Overview)
          out.label += n.combinator == model::Combinator::Any ? "\n(any one of its parts)" : "\n(all of its parts)";
        break;
      case NodeKind::Group:
        out.label = title + (n.combinator == model::Combinator::Any ? "\n(any one of)" : "\n(all of)");
        break;
      default: out.label = title; break;
    }
  } else {
    switch (n.kind) {
      case NodeKind::ExclusionGroup: {
        const Cluster& cl = dg.clusters[static_cast<size_t>(n.cluster)];
        out.label = cl.title;
        if (kind == ViewKind::Overview)
          out.label += "\n" + plural(count_in(g, v, EdgeKind::Excludes), "criterion: it excludes", "criteria: any one excludes");
        else
          out.label += "\n(any one excludes)";
        out.tooltip = n.id + (cl.section.empty() ? "" : " (" + cl.section + ")");
        if (!cl.text.empty()) out.tooltip += "\n" + cl.text;
        break;
      }
      case NodeKind::AnyPathway:
        out.label = "Any pathway met";
        out.tooltip = n.id + "\n" + p.decision_text;
        break;
      case NodeKind::NoExclusion:
        out.label = "No exclusion applies";
        out.tooltip = n.id + (p.default_denial_section.empty() ? "" : " (" + p.default_denial_section + ")") +
                      "\nNot medically necessary when any exclusion applies";
        break;
      case NodeKind::Decision:
        out.label = "Medically necessary when\nany pathway is met and\nno exclusion applies";
        out.tooltip = n.id + "\n" + p.decision_text;
        break;
      default: out.label = n.id; out.tooltip = n.id; break;
    }
  }
  if (ov) {
    Tri t = ov->value[v];
    out.value = t;
    if (n.kind == NodeKind::Decision) {
      out.label = "Decision: " + decision_words(ov->decision);
      if (!ov->case_id.empty()) out.label += "\ncase " + ov->case_id;
    } else {
      out.label += "\n[" + value_words(n, t) + "]";
    }
  }
  return out;
}

std::string view_title(const model::Policy& p, const ViewRequest& r, const CaseOverlay* ov) {
  std::string t = p.id + " " + p.version + ": " + p.title;
  switch (r.kind) {
    case ViewKind::Overview: t += " (overview)"; break;
    case ViewKind::Pathway: t += " (pathway " + r.pathway + ")"; break;
    case ViewKind::Exclusions: t += " (exclusions)"; break;
    case ViewKind::Path: break;  // make_path_view titles itself
    case ViewKind::Full: break;
  }
  if (ov) t += "\ncase " + (ov->case_id.empty() ? std::string("(no case_id)") : ov->case_id) + ": " +
               decision_words(ov->decision);
  return t;
}

void append_attrs(std::string& out, const std::map<std::string, std::string>& a) {
  out += " [";
  bool first = true;
  for (const auto& [k, v] : a) {
    if (!first) out += ", ";
    first = false;
    out += k;
    out += '=';
    if (v.rfind(kHtmlLabel, 0) == 0) out += "<" + v.substr(kHtmlLabel.size()) + ">";  // an HTML-like label (render --diff)
    else out += dot_quote(v);
  }
  out += "]";
}

}  // namespace

const char* to_string(ViewKind k) {
  switch (k) {
    case ViewKind::Full: return "full";
    case ViewKind::Overview: return "overview";
    case ViewKind::Pathway: return "pathway";
    case ViewKind::Exclusions: return "exclusions";
    case ViewKind::Path: return "path";
  }
  return "full";
}

const char* to_string(Tone t) {
  switch (t) {
    case Tone::Plain: return "plain";
    case Tone::Met: return "met";
    case Tone::Short: return "falls_short";
    case Tone::Blocks: return "excludes";
    case Tone::Unknown: return "unknown";
    case Tone::Context: return "did_not_matter";
  }
  return "plain";
}

std::optional<ViewKind> parse_view(std::string_view name) {
  for (ViewKind k : {ViewKind::Full, ViewKind::Overview, ViewKind::Pathway, ViewKind::Exclusions, ViewKind::Path})
    if (name == to_string(k)) return k;
  return std::nullopt;
}

std::vector<std::string> pathway_ids(const DecisionGraph& dg) {
  std::vector<std::string> out;
  for (Vertex v = 0; v < boost::num_vertices(dg.graph); ++v)
    if (dg.graph[v].kind == NodeKind::Pathway) out.push_back(dg.graph[v].id);
  return out;
}

View make_view(const DecisionGraph& dg, const model::Policy& p, const ViewRequest& r, const CaseOverlay* ov) {
  const Graph& g = dg.graph;
  const size_t n = boost::num_vertices(g);
  std::vector<bool> keep(n, false);
  View view;
  view.kind = r.kind;
  view.title = view_title(p, r, ov);

  // Which vertices, and which clusters of the decision graph, the view keeps.
  bool graph_clusters = true;
  switch (r.kind) {
    case ViewKind::Full: std::fill(keep.begin(), keep.end(), true); break;
    case ViewKind::Overview:
      graph_clusters = false;
      for (Vertex v = 0; v < n; ++v) {
        NodeKind k = g[v].kind;
        keep[v] = k == NodeKind::Pathway || k == NodeKind::AnyPathway || k == NodeKind::ExclusionGroup ||
                  k == NodeKind::NoExclusion || k == NodeKind::Decision;
      }
      break;
    case ViewKind::Pathway: {
      auto it = dg.vertex_by_id.find(r.pathway);
      if (it == dg.vertex_by_id.end() || g[it->second].kind != NodeKind::Pathway) {
        std::string names;
        for (const auto& id : pathway_ids(dg)) names += (names.empty() ? "" : ", ") + id;
        throw ViewError("unknown pathway `" + r.pathway + "` (expected one of: " + names + ")");
      }
      keep = reaches(dg, it->second);
      keep[it->second] = true;
      break;
    }
    case ViewKind::Exclusions:
      keep = reaches(dg, dg.no_exclusion);
      keep[dg.no_exclusion] = true;
      break;
    case ViewKind::Path: throw ViewError("the path view needs a case (--case FILE)");
  }

  std::vector<int> cluster_index(dg.clusters.size(), -1);
  std::vector<size_t> node_index(n, SIZE_MAX);
  if (!graph_clusters) {
    view.clusters.push_back({"indications", "Indications: any one pathway", ClusterKind::Pathway});
    view.clusters.push_back({"exclusion_groups", "Exclusions: none may apply", ClusterKind::Exclusions});
  }
  for (Vertex v = 0; v < n; ++v) {
    if (!keep[v]) continue;
    ViewNode node = make_node(dg, p, v, r.kind, ov);
    if (graph_clusters) {
      int c = g[v].cluster;
      if (c >= 0) {
        if (cluster_index[static_cast<size_t>(c)] < 0) {
          const Cluster& cl = dg.clusters[static_cast<size_t>(c)];
          cluster_index[static_cast<size_t>(c)] = static_cast<int>(view.clusters.size());
          view.clusters.push_back({cl.id, cl.title, cl.kind});
        }
        node.cluster = cluster_index[static_cast<size_t>(c)];
      }
    } else {
      NodeKind k = g[v].kind;
      if (k == NodeKind::Pathway || k == NodeKind::AnyPathway) node.cluster = 0;
      if (k == NodeKind::ExclusionGroup || k == NodeKind::NoExclusion) node.cluster = 1;
    }
    node_index[v] = view.nodes.size();
    view.nodes.push_back(std::move(node));
  }
  for (Vertex v = 0; v < n; ++v) {
    if (!keep[v]) continue;
    for (auto [e, end] = boost::out_edges(v, g); e != end; ++e) {
      Vertex t = boost::target(*e, g);
      if (keep[t]) view.edges.push_back({node_index[v], node_index[t], g[*e].kind});
    }
  }
  return view;
}

namespace {

// `s` broken into lines of at most `width` columns at spaces (a longer word
// stays whole), so that a node stays narrow enough for a page.
std::string wrap_words(const std::string& s, size_t width) {
  std::string out, line;
  size_t i = 0;
  while (i <= s.size()) {
    size_t j = s.find(' ', i);
    if (j == std::string::npos) j = s.size();
    std::string word = s.substr(i, j - i);
    if (!line.empty() && line.size() + 1 + word.size() > width) {
      out += line + "\n";
      line.clear();
    }
    if (!word.empty()) line += (line.empty() ? "" : " ") + word;
    i = j + 1;
  }
  return out + line;
}

constexpr size_t kLabelWidth = 30;

// The case's values against what the criterion needs, one fact a line
// (wrapped), the alternatives of a group under "any one of:".
std::string facts_text(const std::vector<model::FactReason>& facts) {
  std::string out;
  int group = 0;
  for (const auto& f : facts) {
    if (f.alternatives != group) {
      group = f.alternatives;
      if (group > 0) out += "\nany one of:";
    }
    std::string line = f.fact + ": " + f.value_text + "; needs " + f.needs;  // the view is of one case
    out += "\n" + wrap_words(line, kLabelWidth);
  }
  return out;
}

std::string count_words(int n) { return std::to_string(n) + (n == 1 ? " criterion" : " criteria") + " not met"; }

}  // namespace

View make_path_view(const DecisionGraph& dg, const model::Policy& p, const model::Case& c,
                    const solver::CaseResult& r, const std::string& case_id) {
  const Graph& g = dg.graph;
  const size_t n = boost::num_vertices(g);
  model::Case closed = c;
  model::Evaluator(p).close_under_relations(closed);
  const model::Evaluation& ev = r.evaluation;
  const CaseOverlay ov = overlay_case(dg, p, r, case_id);
  const std::vector<model::WhyItem> why = model::build_why(p, closed, ev, r.decision);
  auto value = [&](int i) { return ev.criteria[static_cast<size_t>(i)]; };
  auto tone_of_value = [](Tri t) { return t == Tri::True ? Tone::Met : t == Tri::False ? Tone::Short : Tone::Unknown; };

  // The pathway: approved by, or else met but excluded, or else the closest.
  int pathway = -1, unmet_leaves = 0;
  std::set<int> decisive, waivers;  // the unmet criteria on the closest way; waivers used
  for (const auto& w : why) {
    if ((w.role == model::WhyRole::ApprovedBy || w.role == model::WhyRole::ClosestPathway) && pathway < 0) {
      pathway = w.criterion;
      unmet_leaves = w.unmet_leaves;
    }
    if (w.role == model::WhyRole::Unmet) decisive.insert(w.criterion);
    if (w.role == model::WhyRole::Waiver) waivers.insert(w.criterion);
  }
  if (pathway < 0)
    for (int i : p.pathways)
      if (value(i) == Tri::True) { pathway = i; break; }

  std::map<int, Tone> chosen;  // criterion -> how it is drawn
  std::function<void(int)> walk_met = [&](int i) {
    chosen[i] = Tone::Met;
    const model::Criterion& cr = p.criteria[static_cast<size_t>(i)];
    for (int ch : cr.children) {
      if (cr.combinator == model::Combinator::Any && value(ch) != Tri::True) continue;
      walk_met(ch);
      if (cr.combinator == model::Combinator::Any) break;  // the branch taken
    }
  };
  std::function<bool(int)> leads_to_decisive = [&](int i) {
    if (decisive.count(i)) return true;
    for (int ch : p.criteria[static_cast<size_t>(i)].children)
      if (leads_to_decisive(ch)) return true;
    return false;
  };
  std::function<void(int)> walk_short = [&](int i) {
    chosen[i] = value(i) == Tri::True ? Tone::Context : tone_of_value(value(i));
    if (decisive.count(i)) return;  // its facts say the rest
    const model::Criterion& cr = p.criteria[static_cast<size_t>(i)];
    for (int ch : cr.children) {
      if (leads_to_decisive(ch)) walk_short(ch);
      else if (cr.combinator == model::Combinator::All)  // held: drawn grey, not opened
        chosen[ch] = value(ch) == Tri::True ? Tone::Context : tone_of_value(value(ch));
    }
  };
  if (pathway >= 0) {
    if (value(pathway) == Tri::True) walk_met(pathway);
    else walk_short(pathway);
  }
  for (int w : waivers) walk_met(w);
  // Undetermined: the exclusions that may apply and read a fact that can
  // still change the decision (all that may apply when none is named).
  const std::set<int> open_slots(r.decisive_unknowns.begin(), r.decisive_unknowns.end());
  std::function<bool(int)> reads_open = [&](int i) {
    const model::Criterion& cr = p.criteria[static_cast<size_t>(i)];
    std::vector<int> atoms;
    model::collect_atoms(cr.expr, atoms);
    for (int a : atoms)
      if (open_slots.count(p.vocab.atoms[static_cast<size_t>(a)].slot)) return true;
    for (int ch : cr.children)
      if (reads_open(ch)) return true;
    return open_slots.empty();
  };
  std::set<int> exclusions;
  for (int x : p.exclusions) {
    Tri t = value(x);
    if (t == Tri::True || (t == Tri::Unknown && r.decision == model::Decision::Undetermined && reads_open(x))) {
      chosen[x] = t == Tri::True ? Tone::Blocks : Tone::Unknown;
      exclusions.insert(x);
    }
  }

  std::vector<bool> keep(n, false);
  for (const auto& [i, tone] : chosen) keep[dg.criterion_vertex[static_cast<size_t>(i)]] = true;
  for (int x : exclusions) {
    Vertex v = dg.criterion_vertex[static_cast<size_t>(x)];
    for (auto [e, end] = boost::out_edges(v, g); e != end; ++e)
      if (g[*e].kind == EdgeKind::Excludes) keep[boost::target(*e, g)] = true;
  }
  keep[dg.any_pathway] = keep[dg.no_exclusion] = keep[dg.decision] = true;

  View view;
  view.kind = ViewKind::Path;
  // A short title: the page is for the case, not the policy's full name.
  view.title = p.id + " " + p.version + ": what decided case " + case_id + "\n" + decision_words(r.decision);
  std::vector<int> cluster_index(dg.clusters.size(), -1);
  std::vector<size_t> node_index(n, SIZE_MAX);
  for (Vertex v = 0; v < n; ++v) {
    if (!keep[v]) continue;
    const NodeProps& np = g[v];
    ViewNode node = make_node(dg, p, v, ViewKind::Path, nullptr);  // id, tooltip, kind
    Tri t = ov.value[v];
    node.value = t;
    if (np.criterion >= 0) {
      const model::Criterion& cr = p.criteria[static_cast<size_t>(np.criterion)];
      Tone tone = chosen.at(np.criterion);
      std::string title = cr.title.empty() ? cr.id : cr.title;
      node.label = wrap_words((np.kind == NodeKind::Pathway ? "Pathway: " : "") + title, kLabelWidth);
      std::string status = tone == Tone::Blocks ? "applies"
                           : tone == Tone::Unknown ? (np.exclusion_like ? "may apply" : "not known")
                           : t == Tri::True ? "met" : "not met";
      if (np.kind == NodeKind::Pathway && t != Tri::True && unmet_leaves > 0) status = count_words(unmet_leaves);
      if (tone == Tone::Context) status += " (did not decide)";
      node.label += "\n" + status;
      bool leaf_like = cr.combinator == model::Combinator::Leaf || decisive.count(np.criterion) > 0;
      if (tone != Tone::Context && leaf_like)
        node.label += facts_text(model::criterion_facts(p, closed, ev, np.criterion, np.exclusion_like));
      node.tone = tone;
    } else {
      switch (np.kind) {
        case NodeKind::AnyPathway:
          node.label = t == Tri::True ? "A pathway is met" : t == Tri::False ? "No pathway is met" : "A pathway may be met";
          node.tone = tone_of_value(t);
          break;
        case NodeKind::NoExclusion:
          node.label = t == Tri::True ? "No exclusion applies" : t == Tri::False ? "An exclusion applies" : "An exclusion may apply";
          node.tone = t == Tri::True ? Tone::Met : t == Tri::False ? Tone::Blocks : Tone::Unknown;
          break;
        case NodeKind::ExclusionGroup:
          node.label = dg.clusters[static_cast<size_t>(np.cluster)].title + (t == Tri::True ? "\napplies" : "\nmay apply");
          node.tone = t == Tri::True ? Tone::Blocks : Tone::Unknown;
          break;
        case NodeKind::Decision:
          node.label = "Decision: " + decision_words(r.decision) + "\ncase " + case_id;
          node.tone = r.decision == model::Decision::MedicallyNecessary ? Tone::Met
                      : r.decision == model::Decision::Undetermined ? Tone::Unknown
                      : !exclusions.empty() ? Tone::Blocks : Tone::Short;
          break;
        default: node.tone = tone_of_value(t); break;
      }
    }
    int cl = np.cluster;
    if (cl >= 0) {
      if (cluster_index[static_cast<size_t>(cl)] < 0) {
        const Cluster& k = dg.clusters[static_cast<size_t>(cl)];
        cluster_index[static_cast<size_t>(cl)] = static_cast<int>(view.clusters.size());
        view.clusters.push_back({k.id, k.title, k.kind});
      }
      node.cluster = cluster_index[static_cast<size_t>(cl)];
    }
    node_index[v] = view.nodes.size();
    view.nodes.push_back(std::move(node));
  }
  for (Vertex v = 0; v < n; ++v) {
    if (!keep[v]) continue;
    for (auto [e, end] = boost::out_edges(v, g); e != end; ++e) {
      Vertex t = boost::target(*e, g);
      if (keep[t]) view.edges.push_back({node_index[v], node_index[t], g[*e].kind});
    }
  }
  return view;
}

std::string write_view_dot(const View& v, size_t leaves_per_row) {
  std::string out;
  out += "// ";
  out += to_string(v.kind);
  out += " view of the decision graph, drawn by policyproof render.\n";
  out += "// Labels are the criteria's titles; ids are in the tooltips; arrows point toward the decision.\n";
  out += "digraph \"view\" {\n  graph";
  // The exclusions read left to right: categories stacked, each a few columns.
  append_attrs(out, {{"rankdir", v.kind == ViewKind::Exclusions ? "LR" : "TB"}, {"newrank", "true"}, {"fontname", "Helvetica"}, {"fontsize", "14"},
                     {"labelloc", "t"}, {"label", v.title}, {"nodesep", "0.2"}, {"ranksep", "0.4"},
                     {"bgcolor", "white"}, {"pad", "0.2"}});
  out += ";\n";
  out += "  node [fontname=\"Helvetica\", fontsize=\"11\", margin=\"0.1,0.05\"];\n";
  out += "  edge [fontname=\"Helvetica\", fontsize=\"9\", arrowsize=\"0.7\"];\n";
  auto node_line = [&](const ViewNode& n, const char* indent) {
    std::map<std::string, std::string> a;
    a["id"] = n.id;
    a["label"] = n.label;
    a["tooltip"] = n.tooltip;
    std::string cls = to_string(n.kind);
    std::string fill = n.exclusion_like ? "#fde4d2" : n.kind == NodeKind::Pathway ? "#c9dcf2" : "#ffffff";
    std::string style = "filled";
    switch (n.kind) {
      case NodeKind::Decision: a["shape"] = "box"; a["peripheries"] = "2"; style = "rounded,filled,bold"; break;
      case NodeKind::Pathway: a["shape"] = "box"; style = "filled,bold"; break;
      case NodeKind::Group:
      case NodeKind::ExclusionGroup:
      case NodeKind::AnyPathway:
      case NodeKind::NoExclusion: a["shape"] = "ellipse"; break;
      default: a["shape"] = "box"; style = "rounded,filled"; break;
    }
    if (n.tone != Tone::Plain) {
      // The path view: green approves, amber falls short, red blocks; what
      // did not decide the case is grey, never red.
      cls += std::string(" ") + to_string(n.tone);
      const char* bold = style.find("bold") == std::string::npos ? ",bold" : "";
      switch (n.tone) {
        case Tone::Met: fill = "#a9dba0"; style += bold; break;
        case Tone::Short: fill = "#ffd98a"; style += bold; break;
        case Tone::Blocks: fill = "#f2a19c"; style += bold; break;
        case Tone::Unknown: fill = "#e2e2e2"; style += ",dotted"; break;
        case Tone::Context: fill = "#f4f4f4"; a["fontcolor"] = "#555555"; a["color"] = "#9e9e9e"; break;
        case Tone::Plain: break;
      }
    } else if (n.value) {
      model::Tri t = *n.value;
      const char* word = t == model::Tri::True ? "met" : t == model::Tri::False ? "not_met" : "unknown";
      cls += std::string(" ") + word;
      // Only what applies against approval is red; what did not hold is grey, never red.
      bool blocks = t == model::Tri::True && n.exclusion_like;
      if (t == model::Tri::Unknown) { fill = "#e2e2e2"; style += ",dotted"; }
      else if (blocks) { fill = "#f2a19c"; style += ",bold"; }
      else if (t == model::Tri::True) { fill = "#a9dba0"; style += ",bold"; }
      else { fill = "#f4f4f4"; style += ",dashed"; }
    }
    a["class"] = cls;
    a["fillcolor"] = fill;
    a["style"] = style;
    change_node_attributes(n, a);
    out += indent;
    out += dot_quote(n.id);
    append_attrs(out, a);
    out += ";\n";
  };
  for (size_t k = 0; k < v.clusters.size(); ++k) {
    const ViewCluster& cl = v.clusters[k];
    out += "  subgraph ";
    out += dot_quote("cluster_" + cl.id);
    out += " {\n    graph";
    const char* color = cl.kind == ClusterKind::Pathway ? "#2c6fbb" : cl.kind == ClusterKind::Exclusions ? "#c0504d" : "#b59b2e";
    append_attrs(out, {{"label", cl.title}, {"style", "rounded"}, {"color", color}, {"fontname", "Helvetica-Bold"},
                       {"fontsize", "12"}, {"labeljust", "l"}});
    out += ";\n";
    for (const auto& n : v.nodes)
      if (n.cluster == static_cast<int>(k)) node_line(n, "    ");
    out += "  }\n";
  }
  for (const auto& n : v.nodes)
    if (n.cluster < 0) node_line(n, "  ");
  out += change_legend_dot(v);
  // Many leaves side by side make a picture too wide for a page: the leaves
  // of one cluster go in rows of at most kPerRow, each row pushed one rank
  // down by invisible edges.
  // The path view's labels carry values, so its rows are shorter: it fits an
  // A4 page turned sideways at 9 pt.
  // Its exclusions stand beside the pathway: one leaf fewer a row then.
  bool exclusion_beside = false;
  for (const auto& n : v.nodes) exclusion_beside |= v.kind == ViewKind::Path && n.kind == NodeKind::Exclusion;
  const size_t kPerRow = leaves_per_row ? leaves_per_row : v.kind != ViewKind::Path ? 5 : exclusion_beside ? 3 : 4;
  std::vector<size_t> in_degree(v.nodes.size(), 0);
  for (const auto& e : v.edges)
    if (e.kind != EdgeKind::Uses) ++in_degree[e.to];
  for (size_t k = 0; k < v.clusters.size(); ++k) {
    std::vector<size_t> leaves;
    for (size_t i = 0; i < v.nodes.size(); ++i)
      if (v.nodes[i].cluster == static_cast<int>(k) && in_degree[i] == 0) leaves.push_back(i);
    for (size_t i = 0; i + kPerRow < leaves.size(); ++i) {
      out += "  ";
      out += dot_quote(v.nodes[leaves[i]].id);
      out += " -> ";
      out += dot_quote(v.nodes[leaves[i + kPerRow]].id);
      out += " [style=\"invis\"];\n";
    }
  }
  for (const auto& e : v.edges) {
    out += "  ";
    out += dot_quote(v.nodes[e.from].id);
    out += " -> ";
    out += dot_quote(v.nodes[e.to].id);
    std::map<std::string, std::string> a{{"class", to_string(e.kind)}};
    if (e.kind == EdgeKind::Uses) { a["style"] = "dashed"; a["color"] = "#7e57c2"; a["constraint"] = "false"; }
    change_edge_attributes(v.nodes[e.from], v.nodes[e.to], a);
    append_attrs(out, a);
    out += ";\n";
  }
  out += "}\n";
  return out;
}

}  // namespace pp::visualize
