#include "visualize/change_overlay.h"

#include <algorithm>
#include <functional>
#include <set>

#include "model/diagnostic.h"

// GCC 12 at -O2 reports a false -Wrestrict inside std::string (GCC bug 105651).
#if defined(__GNUC__) && !defined(__clang__) && __GNUC__ == 12
#pragma GCC diagnostic ignored "-Wrestrict"
#endif

namespace pp::visualize {

namespace {

constexpr const char* kMinus = "\xE2\x88\x92";     // U+2212 MINUS SIGN
constexpr const char* kEllipsis = "\xE2\x80\xA6";  // U+2026
constexpr size_t kShortCondition = 36;  // longest condition shown whole in a label

// Colours: fill, border.
constexpr const char* kFillAdded = "#c8f0c0";
constexpr const char* kInkAdded = "#1b7a1b";
constexpr const char* kFillRemoved = "#fbd5d2";
constexpr const char* kInkRemoved = "#b71c1c";
constexpr const char* kFillChanged = "#ffe3a1";
constexpr const char* kInkChanged = "#b26a00";
constexpr const char* kFillInside = "#fff3d6";
constexpr const char* kFillUnchanged = "#ffffff";
constexpr const char* kInkUnchanged = "#9e9e9e";

std::string squeeze(const std::string& s) {
  std::string out;
  bool space = false;
  for (char c : s) {
    if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
      space = !out.empty();
      continue;
    }
    if (space) out += ' ';
    space = false;
    out += c;
  }
  return out;
}

// The two conditions, short enough for a label: whole when both are short,
// else the part that differs, with an ellipsis for the common words cut.
std::pair<std::string, std::string> short_pair(const std::string& a, const std::string& b) {
  if (a.size() <= kShortCondition && b.size() <= kShortCondition) return {a, b};
  size_t pre = 0;
  while (pre < a.size() && pre < b.size() && a[pre] == b[pre]) ++pre;
  while (pre > 0 && a[pre - 1] != ' ') --pre;  // back to a word's start
  size_t suf = 0;
  while (suf < a.size() - pre && suf < b.size() - pre && a[a.size() - 1 - suf] == b[b.size() - 1 - suf]) ++suf;
  while (suf > 0 && a[a.size() - suf] != ' ') --suf;  // forward to a word's end
  auto cut = [&](const std::string& s) {
    std::string mid = s.substr(pre, s.size() - pre - suf);
    while (!mid.empty() && mid.back() == ' ') mid.pop_back();
    if (mid.size() > kShortCondition) mid = mid.substr(0, kShortCondition) + kEllipsis;
    return (pre > 0 ? std::string(kEllipsis) : std::string()) + mid + (suf > 0 ? kEllipsis : "");
  };
  return {cut(a), cut(b)};
}

const char* combination_words(model::Combinator c) {
  switch (c) {
    case model::Combinator::Leaf: return "a condition";
    case model::Combinator::All: return "all of its parts";
    case model::Combinator::Any: return "any one of its parts";
  }
  return "";
}

std::vector<std::string> child_ids(const model::Policy& p, const model::Criterion& c) {
  std::vector<std::string> out;
  for (int ch : c.children) out.push_back(p.criteria[static_cast<size_t>(ch)].id);
  return out;
}

// What changed about a criterion present in both versions.
void compare_criterion(const model::Policy& op, const model::Criterion& a, const model::Policy& np,
                       const model::Criterion& b, CriterionChange& out) {
  auto add = [&](std::string what, std::string detail) {
    out.what.push_back(std::move(what));
    out.detail.push_back(std::move(detail));
  };
  if (a.combinator != b.combinator) {
    std::string w = std::string("combination: ") + combination_words(a.combinator) + " -> " +
                    combination_words(b.combinator);
    add(w, w);
  }
  if (a.combinator == model::Combinator::Leaf && b.combinator == model::Combinator::Leaf) {
    // Compared in canonical form, as `diff` does: layout and equivalent
    // spellings are no change; shown as written.
    std::string wa = squeeze(a.when_source), wb = squeeze(b.when_source);
    if (model::criterion_condition(a, op) != model::criterion_condition(b, np)) {
      auto [sa, sb] = short_pair(wa, wb);
      add("condition `" + sa + "` -> `" + sb + "`", "condition `" + wa + "` -> `" + wb + "`");
    }
  }
  if (a.combinator != model::Combinator::Leaf && b.combinator != model::Combinator::Leaf) {
    // Words in the label, ids in the tooltip.
    std::vector<std::string> ca = child_ids(op, a), cb = child_ids(np, b);
    std::string parts, part_ids;
    auto note = [&](const std::string& sign, const model::Policy& p, const std::string& id) {
      const model::Criterion& c = p.criteria[static_cast<size_t>(p.find_criterion(id))];
      parts += (parts.empty() ? "" : ", ") + sign + " " + (c.title.empty() ? id : c.title);
      part_ids += (part_ids.empty() ? "" : ", ") + sign + " " + id + (c.title.empty() ? "" : " (" + c.title + ")");
    };
    for (const auto& id : cb)
      if (std::find(ca.begin(), ca.end(), id) == ca.end()) note("+", np, id);
    for (const auto& id : ca)
      if (std::find(cb.begin(), cb.end(), id) == cb.end()) note(kMinus, op, id);
    if (!parts.empty()) add("parts: " + parts, "parts: " + part_ids);
  }
  if (a.kind != b.kind) {
    std::string w = std::string("kind: ") + model::to_string(a.kind) + " -> " + model::to_string(b.kind);
    add(w, w);
  }
  if (a.category != b.category) {
    std::string w = "category: " + (a.category.empty() ? std::string("none") : a.category) + " -> " +
                    (b.category.empty() ? std::string("none") : b.category);
    add(w, w);
  }
  if (a.section != b.section) add("section: " + a.section + " -> " + b.section, "section: " + a.section + " -> " + b.section);
  if (squeeze(a.title) != squeeze(b.title)) add("title", "title: \"" + a.title + "\" -> \"" + b.title + "\"");
  if (squeeze(a.text) != squeeze(b.text)) add("wording", "wording: \"" + squeeze(a.text) + "\" -> \"" + squeeze(b.text) + "\"");
}

std::string base_name(const std::string& path) {
  size_t slash = path.find_last_of('/');
  return slash == std::string::npos ? path : path.substr(slash + 1);
}

// `base` in order, with each of `extra` (ids of `old_order`, missing from
// `base`) put just before the next id of `old_order` that `base` has, or at
// the end: where it stood in the old order.
std::vector<std::string> merge_order(const std::vector<std::string>& base, const std::vector<std::string>& old_order,
                                     const std::set<std::string>& extra) {
  std::vector<std::string> out = base;
  for (size_t j = 0; j < old_order.size(); ++j) {
    if (!extra.count(old_order[j])) continue;
    auto pos = out.end();
    for (size_t k = j + 1; k < old_order.size(); ++k) {
      if (extra.count(old_order[k])) continue;
      auto it = std::find(out.begin(), out.end(), old_order[k]);
      if (it != out.end()) { pos = it; break; }
    }
    out.insert(pos, old_order[j]);
  }
  return out;
}

void remap_refs(model::Expr& e, const std::function<int(int)>& map) {
  if (e.op == model::Op::Ref) e.ref = map(e.ref);
  for (auto& k : e.kids) remap_refs(k, map);
}

std::string html_escape(const std::string& s) {
  std::string out;
  for (char c : s) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\r': break;
      default: out += c;
    }
  }
  return out;
}

bool is_criterion(NodeKind k) {
  return k == NodeKind::Pathway || k == NodeKind::Group || k == NodeKind::Condition || k == NodeKind::Exclusion;
}

std::string counts_words(const std::map<ChangeMark, size_t>& n) {
  std::string out;
  for (ChangeMark m : {ChangeMark::Added, ChangeMark::Removed, ChangeMark::Changed}) {
    auto it = n.find(m);
    if (it == n.end() || it->second == 0) continue;
    out += (out.empty() ? "" : ", ") + std::to_string(it->second) + " " + to_string(m);
  }
  return out;
}

}  // namespace

const char* to_string(ChangeMark m) {
  switch (m) {
    case ChangeMark::None: return "none";
    case ChangeMark::Unchanged: return "unchanged";
    case ChangeMark::Added: return "added";
    case ChangeMark::Removed: return "removed";
    case ChangeMark::Changed: return "changed";
    case ChangeMark::ChangedInside: return "changed_inside";
  }
  return "none";
}

const CriterionChange* PolicyChanges::find(std::string_view id) const {
  for (const auto& c : criteria)
    if (c.id == id) return &c;
  return nullptr;
}

size_t PolicyChanges::count(ChangeMark m) const {
  return static_cast<size_t>(std::count_if(criteria.begin(), criteria.end(), [&](const auto& c) { return c.mark == m; }));
}

std::string PolicyChanges::summary() const {
  std::map<ChangeMark, size_t> n;
  for (const auto& c : criteria) ++n[c.mark];
  std::string s = counts_words(n);
  return s.empty() ? "no criterion changed" : s;
}

PolicyChanges compare_policies(const model::Policy& op, const model::Policy& np) {
  if (op.id != np.id)
    model::diagnose(np.file).fail("a different policy (`" + np.id + "`, not `" + op.id + "` as in " + op.file +
                                  "): render --diff draws two versions of one policy; `policyproof diff` compares two policies' decisions");
  PolicyChanges out;
  if (op.version != np.version) {
    out.old_name = op.version;
    out.new_name = np.version;
  } else {
    out.old_name = base_name(op.file);
    out.new_name = base_name(np.file);
    if (out.old_name == out.new_name) {  // two copies of one file name: where they are
      out.old_name = op.file == np.file ? "OLD" : op.file;
      out.new_name = op.file == np.file ? "NEW" : np.file;
    }
  }
  std::vector<std::string> new_ids, old_ids;
  for (const auto& c : np.criteria) new_ids.push_back(c.id);
  for (const auto& c : op.criteria) old_ids.push_back(c.id);
  std::set<std::string> removed;
  for (const auto& c : op.criteria)
    if (np.find_criterion(c.id) < 0) removed.insert(c.id);
  for (const auto& id : merge_order(new_ids, old_ids, removed)) {
    CriterionChange ch;
    ch.id = id;
    int oi = op.find_criterion(id), ni = np.find_criterion(id);
    if (oi < 0) ch.mark = ChangeMark::Added;
    else if (ni < 0) ch.mark = ChangeMark::Removed;
    else {
      compare_criterion(op, op.criteria[static_cast<size_t>(oi)], np, np.criteria[static_cast<size_t>(ni)], ch);
      if (ch.what.empty()) continue;
      ch.mark = ChangeMark::Changed;
    }
    out.criteria.push_back(std::move(ch));
  }
  return out;
}

void note_decision_effects(PolicyChanges& changes, const solver::DecisionDiff& d) {
  changes.regions = d.regions.size();
  for (auto& ch : changes.criteria) {
    ch.regions = 0;
    for (const auto& r : d.regions)
      for (const auto& cv : r.criteria)
        if (cv.id == ch.id && (cv.redefined || !cv.before || !cv.after)) {
          ++ch.regions;
          break;
        }
    if (ch.regions > 0) ch.alters_decisions = true;
    else if (d.complete) ch.alters_decisions = false;
    else ch.alters_decisions.reset();
  }
}

model::Policy merge_for_drawing(const model::Policy& op, const model::Policy& np, const PolicyChanges& changes) {
  model::Policy m = np;
  m.version = changes.old_name + " to " + changes.new_name;
  std::set<std::string> removed;
  for (const auto& c : changes.criteria)
    if (c.mark == ChangeMark::Removed) removed.insert(c.id);

  // Every criterion with its parts and references by id.
  struct Item {
    model::Criterion c;
    std::vector<std::string> parts, refs;
  };
  std::map<std::string, Item> items;
  for (const auto& c : np.criteria) {
    Item it{c, child_ids(np, c), {}};
    std::vector<int> refs;
    model::collect_refs(c.expr, refs);
    for (int r : refs) it.refs.push_back(np.criteria[static_cast<size_t>(r)].id);
    items.emplace(c.id, std::move(it));
  }
  for (const auto& c : op.criteria) {
    if (removed.count(c.id)) {
      Item it{c, child_ids(op, c), {}};
      // Its words, not its condition: the condition reads OLD's vocabulary.
      // References stay (as Refs only), so the dashed "uses" edges do too.
      std::vector<int> refs;
      model::collect_refs(c.expr, refs);
      std::vector<model::Expr> kids;
      for (int r : refs) {
        it.refs.push_back(op.criteria[static_cast<size_t>(r)].id);
        model::Expr e;
        e.op = model::Op::Ref;
        kids.push_back(e);
      }
      it.c.expr = kids.empty() ? model::Expr::constant(true) : model::Expr::make(model::Op::And, std::move(kids));
      it.c.ambiguities.clear();
      items.emplace(c.id, std::move(it));
    }
  }
  // A removed part stays inside what held it in OLD.
  for (const auto& c : op.criteria)
    for (int ch : c.children) {
      const std::string& id = op.criteria[static_cast<size_t>(ch)].id;
      if (!removed.count(id) || removed.count(c.id)) continue;
      auto& parts = items.at(c.id).parts;
      if (std::find(parts.begin(), parts.end(), id) == parts.end()) parts.push_back(id);
    }

  // Children before parents, otherwise in the merged order.
  std::vector<std::string> new_ids, old_ids;
  for (const auto& c : np.criteria) new_ids.push_back(c.id);
  for (const auto& c : op.criteria) old_ids.push_back(c.id);
  std::vector<std::string> order;
  std::set<std::string> placed;
  std::function<void(const std::string&)> place = [&](const std::string& id) {
    auto it = items.find(id);
    if (it == items.end() || !placed.insert(id).second) return;
    for (const auto& p : it->second.parts) place(p);
    for (const auto& r : it->second.refs) place(r);
    order.push_back(id);
  };
  for (const auto& id : merge_order(new_ids, old_ids, removed)) place(id);

  m.criteria.clear();
  m.criterion_by_id.clear();
  for (const auto& id : order) {
    m.criterion_by_id[id] = static_cast<int>(m.criteria.size());
    m.criteria.push_back(items.at(id).c);
  }
  for (size_t i = 0; i < order.size(); ++i) {
    const Item& it = items.at(order[i]);
    model::Criterion& c = m.criteria[i];
    c.children.clear();
    for (const auto& p : it.parts) c.children.push_back(m.criterion_by_id.at(p));
    size_t next_ref = 0;
    const bool from_old = removed.count(c.id) > 0;
    remap_refs(c.expr, [&](int r) {
      if (from_old) return m.criterion_by_id.at(it.refs[next_ref++]);
      return m.criterion_by_id.at(np.criteria[static_cast<size_t>(r)].id);
    });
  }

  auto ids_of = [](const model::Policy& p, const std::vector<int>& idx) {
    std::vector<std::string> out;
    for (int i : idx) out.push_back(p.criteria[static_cast<size_t>(i)].id);
    return out;
  };
  auto remerge = [&](const std::vector<int>& new_idx, const std::vector<int>& old_idx) {
    std::vector<int> out;
    for (const auto& id : merge_order(ids_of(np, new_idx), ids_of(op, old_idx), removed))
      out.push_back(m.criterion_by_id.at(id));
    return out;
  };
  m.pathways = remerge(np.pathways, op.pathways);
  m.exclusions = remerge(np.exclusions, op.exclusions);
  if (np.scope >= 0) m.scope = m.criterion_by_id.at(np.criteria[static_cast<size_t>(np.scope)].id);
  for (const auto& cat : op.categories)
    if (std::none_of(m.categories.begin(), m.categories.end(), [&](const auto& c) { return c.id == cat.id; }))
      m.categories.push_back(cat);
  for (const auto& sec : op.sections)
    if (std::none_of(m.sections.begin(), m.sections.end(), [&](const auto& s) { return s.id == sec.id; }))
      m.sections.push_back(sec);
  return m;
}

void mark_changes(View& v, const DecisionGraph& dg, const PolicyChanges& changes) {
  const Graph& g = dg.graph;
  std::set<std::string> in_view;
  for (auto& n : v.nodes) {
    in_view.insert(n.id);
    n.change = ChangeMark::Unchanged;
    if (!is_criterion(n.kind)) continue;
    const CriterionChange* ch = changes.find(n.id);
    if (!ch) continue;
    n.change = ch->mark;
    // " (alters decisions)" or " (alters no decision)", when known.
    std::string effect;
    if (ch->alters_decisions) effect = *ch->alters_decisions ? " (alters decisions)" : " (alters no decision)";
    if (ch->alters_decisions && *ch->alters_decisions)
      n.tooltip = "decided differently in " + std::to_string(ch->regions) + " of the " +
                  std::to_string(changes.regions) + " regions where the versions differ\n" + n.tooltip;
    switch (ch->mark) {
      case ChangeMark::Added:
        n.label += "\n+ added" + effect;
        n.tooltip = "added in " + changes.new_name + "\n" + n.tooltip;
        break;
      case ChangeMark::Removed:
        n.label += std::string("\n") + kMinus + " removed" + effect;
        n.tooltip = "removed: in " + changes.old_name + " only\n" + n.tooltip;
        break;
      case ChangeMark::Changed: {
        std::string line = "changed: " + ch->what.front();
        // A condition on two lines: the old one, then the new one.
        size_t arrow = line.find("` -> `");
        if (line.size() > 40 && arrow != std::string::npos) line.replace(arrow, 6, "`\n-> `");
        if (ch->what.size() > 1) line += "\n(and " + std::to_string(ch->what.size() - 1) + " more)";
        if (!effect.empty()) line += "\n" + effect.substr(1);
        n.label += "\n" + line;
        std::string tip = "changed from " + changes.old_name + " to " + changes.new_name + ":";
        for (const auto& d : ch->detail) tip += "\n- " + d;
        n.tooltip = tip + "\n" + n.tooltip;
        break;
      }
      default: break;
    }
  }
  // Changes among the parts a view leaves out: on the first nodes of the
  // view they lead to (an overview's pathway or exclusion group).
  std::map<std::string, std::map<ChangeMark, size_t>> inside;
  std::map<std::string, std::vector<std::string>> inside_ids;
  for (const auto& ch : changes.criteria) {
    if (in_view.count(ch.id)) continue;
    auto vit = dg.vertex_by_id.find(ch.id);
    if (vit == dg.vertex_by_id.end()) continue;
    std::vector<bool> seen(boost::num_vertices(g), false);
    std::vector<Vertex> todo{vit->second};
    seen[vit->second] = true;
    while (!todo.empty()) {
      Vertex u = todo.back();
      todo.pop_back();
      for (auto [e, end] = boost::out_edges(u, g); e != end; ++e) {
        if (g[*e].kind == EdgeKind::Uses) continue;
        Vertex t = boost::target(*e, g);
        if (seen[t]) continue;
        seen[t] = true;
        if (in_view.count(g[t].id)) {
          ++inside[g[t].id][ch.mark];
          inside_ids[g[t].id].push_back(std::string(to_string(ch.mark)) + ": " + ch.id);
        } else {
          todo.push_back(t);
        }
      }
    }
  }
  // An overview's exclusion group counts its criteria: NEW's, not NEW's and
  // the removed ones (and what OLD had, when that differs).
  for (auto& n : v.nodes) {
    auto vit = dg.vertex_by_id.find(n.id);
    if (n.kind != NodeKind::ExclusionGroup || vit == dg.vertex_by_id.end()) continue;
    size_t total = 0, removed = 0, added = 0;
    for (auto [e, end] = boost::in_edges(vit->second, g); e != end; ++e) {
      if (g[*e].kind != EdgeKind::Excludes) continue;
      ++total;
      const CriterionChange* ch = changes.find(g[boost::source(*e, g)].id);
      removed += ch && ch->mark == ChangeMark::Removed;
      added += ch && ch->mark == ChangeMark::Added;
    }
    std::string count_line = "\n" + std::to_string(total) + (total == 1 ? " criterion:" : " criteria:");
    size_t at = n.label.find(count_line);
    if (at == std::string::npos || removed == 0) continue;
    size_t end = n.label.find('\n', at + 1);
    size_t now = total - removed, before = total - added;
    std::string line = "\n" + std::to_string(now) + (now == 1 ? " criterion: it excludes" : " criteria: any one excludes");
    if (before != now) line += " (was " + std::to_string(before) + ")";
    n.label.replace(at, end == std::string::npos ? std::string::npos : end - at, line);
  }
  for (auto& n : v.nodes) {
    auto it = inside.find(n.id);
    if (it == inside.end()) continue;
    std::string tip = "changes inside (not drawn in this view):";
    for (const auto& s : inside_ids[n.id]) tip += "\n- " + s;
    n.tooltip = tip + "\n" + n.tooltip;
    if (n.change != ChangeMark::Unchanged) continue;
    n.change = ChangeMark::ChangedInside;
    n.label += "\nchanges inside: " + counts_words(it->second);
  }
  v.title += "\nchanges from " + changes.old_name + " to " + changes.new_name + ": " + changes.summary();
}

View make_change_view(const model::Policy& op, const model::Policy& np, const ViewRequest& r,
                      const solver::DecisionDiff* decisions) {
  PolicyChanges changes = compare_policies(op, np);
  if (decisions) note_decision_effects(changes, *decisions);
  model::Policy merged = merge_for_drawing(op, np, changes);
  DecisionGraph dg = build_decision_graph(merged);
  View v = make_view(dg, merged, r);
  mark_changes(v, dg, changes);
  return v;
}

void change_node_attributes(const ViewNode& n, std::map<std::string, std::string>& a) {
  if (n.change == ChangeMark::None) return;
  a["class"] += std::string(" ") + to_string(n.change);
  std::string style = a["style"];
  auto without = [&](const std::string& word) {
    size_t at = style.find(word);
    if (at == std::string::npos) return;
    size_t end = at + word.size();
    if (end < style.size() && style[end] == ',') ++end;
    else if (at > 0 && style[at - 1] == ',') --at;
    style.erase(at, end - at);
  };
  without("bold");
  switch (n.change) {
    case ChangeMark::Unchanged:
      a["fillcolor"] = kFillUnchanged;
      a["color"] = kInkUnchanged;
      break;
    case ChangeMark::Added:
      a["fillcolor"] = kFillAdded;
      a["color"] = kInkAdded;
      a["penwidth"] = "2.5";
      style += ",bold";
      break;
    case ChangeMark::Removed: {
      a["fillcolor"] = kFillRemoved;
      a["color"] = kInkRemoved;
      a["fontcolor"] = "#7f1d1d";
      a["penwidth"] = "2";
      style += ",dashed";
      // The words struck through, the mark not.
      std::string label = a["label"];
      size_t last = label.rfind('\n');
      std::string words = label.substr(0, last), mark = label.substr(last + 1);
      std::string html;
      size_t start = 0;
      while (true) {
        size_t nl = words.find('\n', start);
        html += "<S>" + html_escape(words.substr(start, nl == std::string::npos ? std::string::npos : nl - start)) + "</S><BR/>";
        if (nl == std::string::npos) break;
        start = nl + 1;
      }
      html += "<B>" + html_escape(mark) + "</B>";
      a["label"] = std::string(kHtmlLabel) + html;
      break;
    }
    case ChangeMark::Changed:
      a["fillcolor"] = kFillChanged;
      a["color"] = kInkChanged;
      a["penwidth"] = "2.5";
      style += ",bold";
      break;
    case ChangeMark::ChangedInside:
      a["fillcolor"] = kFillInside;
      a["color"] = kInkChanged;
      a["penwidth"] = "1.5";
      style += ",dashed";
      break;
    case ChangeMark::None: break;
  }
  a["style"] = style;
}

void change_edge_attributes(const ViewNode& from, const ViewNode& to, std::map<std::string, std::string>& a) {
  if (from.change == ChangeMark::Removed || to.change == ChangeMark::Removed) {
    a["style"] = "dashed";
    a["color"] = kInkRemoved;
    a["class"] += " removed";
  } else if (from.change == ChangeMark::Added) {
    a["color"] = kInkAdded;
    a["penwidth"] = "1.5";
    a["class"] += " added";
  }
}

bool has_change_marks(const View& v) {
  return std::any_of(v.nodes.begin(), v.nodes.end(), [](const ViewNode& n) { return n.change != ChangeMark::None; });
}

std::string change_legend_dot(const View& v) {
  if (!has_change_marks(v)) return {};
  bool inside = std::any_of(v.nodes.begin(), v.nodes.end(), [](const ViewNode& n) { return n.change == ChangeMark::ChangedInside; });
  std::string cells = std::string("<TD BGCOLOR=\"") + kFillAdded + "\">+ added</TD><TD BGCOLOR=\"" + kFillRemoved +
                      "\"><S>" + kMinus + " removed</S></TD><TD BGCOLOR=\"" + kFillChanged + "\">changed</TD>";
  if (inside) cells += std::string("<TD BGCOLOR=\"") + kFillInside + "\">changes inside</TD>";
  cells += "<TD>unchanged</TD>";
  return "  \"legend.changes\" [shape=\"plaintext\", class=\"legend\", fontsize=\"9\", tooltip=\"what the colours mean\", "
         "label=<<TABLE BORDER=\"0\" CELLBORDER=\"1\" CELLSPACING=\"0\" CELLPADDING=\"3\"><TR>" +
         cells + "</TR></TABLE>>];\n";
}

std::string change_mermaid(const View& v, const std::vector<std::string>& ids) {
  if (!has_change_marks(v)) return {};
  std::map<ChangeMark, std::vector<std::string>> by;
  for (size_t i = 0; i < v.nodes.size(); ++i) by[v.nodes[i].change].push_back(ids[i]);
  std::set<std::string> used(ids.begin(), ids.end());
  auto fresh = [&](std::string id) {
    while (used.count(id)) id += "_";
    used.insert(id);
    return id;
  };
  std::string out;
  std::string summary;
  {
    size_t nl = v.title.find('\n');
    summary = nl == std::string::npos ? v.title : v.title.substr(nl + 1);
    size_t colon = summary.rfind(": ");
    if (colon != std::string::npos) summary = summary.substr(colon + 2);
  }
  // A small legend: one box per mark.
  std::string legend = fresh("changes_legend");
  out += "  subgraph " + legend + "[\"Changes: " + summary + "\"]\n";
  std::vector<std::pair<std::string, ChangeMark>> samples = {
      {"+ added", ChangeMark::Added}, {std::string(kMinus) + " removed", ChangeMark::Removed}, {"changed", ChangeMark::Changed}};
  if (by.count(ChangeMark::ChangedInside)) samples.push_back({"changes inside", ChangeMark::ChangedInside});
  for (auto& [label, mark] : samples) {
    std::string id = fresh(std::string("legend_") + to_string(mark));
    out += "    " + id + "[\"" + label + "\"]\n";
    by[mark].push_back(id);
  }
  out += "  end\n";
  out += std::string("  classDef added fill:") + kFillAdded + ",stroke:" + kInkAdded + ",stroke-width:3px\n";
  out += std::string("  classDef removed fill:") + kFillRemoved + ",stroke:" + kInkRemoved +
         ",stroke-width:2px,stroke-dasharray:5 3,color:#7f1d1d,text-decoration:line-through\n";
  out += std::string("  classDef changed fill:") + kFillChanged + ",stroke:" + kInkChanged + ",stroke-width:3px\n";
  out += std::string("  classDef changed_inside fill:") + kFillInside + ",stroke:" + kInkChanged + ",stroke-dasharray:4 3\n";
  out += std::string("  classDef unchanged fill:") + kFillUnchanged + ",stroke:" + kInkUnchanged + "\n";
  for (ChangeMark m : {ChangeMark::Unchanged, ChangeMark::Added, ChangeMark::Removed, ChangeMark::Changed, ChangeMark::ChangedInside}) {
    auto it = by.find(m);
    if (it == by.end() || it->second.empty()) continue;
    // Lines of a readable length: several `class` lines per mark when needed.
    std::string line;
    for (const auto& id : it->second) {
      if (!line.empty() && line.size() + id.size() > 90) {
        out += "  class " + line + " " + to_string(m) + "\n";
        line.clear();
      }
      line += (line.empty() ? "" : ",") + id;
    }
    out += "  class " + line + " " + to_string(m) + "\n";
  }
  return out;
}

}  // namespace pp::visualize
