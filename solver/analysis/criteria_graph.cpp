// The criteria graph of one policy (see criteria_graph.h).
#include "solver/analysis/criteria_graph.h"

#include <algorithm>
#include <iterator>

namespace pp::solver::analysis {

using model::Combinator;

CriteriaGraph::CriteriaGraph(const model::Policy& p) : p_(p) {
  const size_t n = p_.criteria.size();
  uses_.assign(n, {});
  const size_t words = (n + 63) / 64;
  depends_.assign(n, std::vector<std::uint64_t>(words, 0));
  for (size_t i = 0; i < n; ++i) {
    const model::Criterion& c = p_.criteria[i];
    if (c.combinator != Combinator::Leaf) {
      for (int k : c.children)
        uses_[static_cast<size_t>(k)].push_back(
            {static_cast<int>(i), c.combinator == Combinator::All ? UseKind::AllChild : UseKind::AnyChild});
    } else {
      std::vector<int> refs;
      model::collect_refs(c.expr, refs);
      std::sort(refs.begin(), refs.end());
      refs.erase(std::unique(refs.begin(), refs.end()), refs.end());
      for (int r : refs) uses_[static_cast<size_t>(r)].push_back({static_cast<int>(i), UseKind::Reference});
    }
  }
  // INVARIANT: criteria are topologically ordered, so children come first.
  for (size_t i = 0; i < n; ++i) {
    std::vector<int> direct;
    model::collect_refs(p_.criteria[i].expr, direct);
    auto& d = depends_[i];
    std::sort(direct.begin(), direct.end());
    direct.erase(std::unique(direct.begin(), direct.end()), direct.end());
    for (int k : direct) {
      d[static_cast<size_t>(k) / 64] |= std::uint64_t{1} << (static_cast<size_t>(k) % 64);
      const auto& dk = depends_[static_cast<size_t>(k)];
      for (size_t w = 0; w < words; ++w) d[w] |= dk[w];
    }
  }
  is_user_.assign(n, 0);
  for (size_t i = 0; i < n; ++i)
    for (const Use& u : uses_[i]) is_user_[static_cast<size_t>(u.parent)] = 1;
  is_pathway_.assign(n, 0);
  is_exclusion_.assign(n, 0);
  for (int pth : p_.pathways) is_pathway_[static_cast<size_t>(pth)] = 1;
  for (int x : p_.exclusions) is_exclusion_[static_cast<size_t>(x)] = 1;
}

std::vector<int> CriteriaGraph::subtree(int root) const {
  std::vector<int> out;
  for (int k = 0; k < static_cast<int>(p_.criteria.size()); ++k)
    if (k == root || depends_on(root, k)) out.push_back(k);
  return out;
}

std::optional<CriteriaGraph::Context> CriteriaGraph::context(int node) const {
  auto it = context_memo_.find(node);
  if (it != context_memo_.end()) return it->second;
  // Every user above `node` gets its context first, deepest first, with an
  // explicit stack: users come after what they use, so this ends.
  std::vector<std::pair<int, size_t>> stack{{node, 0}};  // (criterion, next use to visit)
  while (!stack.empty()) {
    auto& [k, next] = stack.back();
    const auto& uses = uses_[static_cast<size_t>(k)];
    if (next < uses.size()) {
      int up = uses[next++].parent;
      if (!context_memo_.count(up)) stack.emplace_back(up, 0);
      continue;
    }
    int done = k;
    stack.pop_back();
    if (done != node) context_memo_.emplace(done, compute_context(done));
  }
  std::optional<Context> out = compute_context(node);
  if (is_user_[static_cast<size_t>(node)]) context_memo_.emplace(node, out);
  return out;
}

namespace {

// Sorts a context's literals by index; an index given twice with one value
// is kept once, with both values (contradictory) it is dropped.
void normalize(CriteriaGraph::Context& c) {
  std::sort(c.begin(), c.end());
  size_t out = 0;
  for (size_t i = 0; i < c.size();) {
    size_t j = i;
    while (j < c.size() && c[j].first == c[i].first) ++j;
    if (c[i].second == c[j - 1].second) c[out++] = c[i];  // sorted: false before true
    i = j;
  }
  c.resize(out);
}

}  // namespace

std::optional<CriteriaGraph::Context> CriteriaGraph::compute_context(int node) const {
  std::vector<Context> ways;
  if (is_pathway_[static_cast<size_t>(node)]) {
    Context c;
    for (int q : p_.pathways)
      if (q != node) c.emplace_back(q, false);
    for (int x : p_.exclusions) c.emplace_back(x, false);
    normalize(c);
    ways.push_back(std::move(c));
  }
  if (is_exclusion_[static_cast<size_t>(node)]) {
    Context c;
    for (int x : p_.exclusions)
      if (x != node) c.emplace_back(x, false);
    c.emplace_back(kAnyPathway, true);
    normalize(c);
    ways.push_back(std::move(c));
  }
  for (const Use& u : uses_[static_cast<size_t>(node)]) {
    const std::optional<Context>& up = context_memo_.at(u.parent);
    if (!up) continue;
    Context c = *up;
    if (u.kind != UseKind::Reference) {
      bool v = u.kind == UseKind::AllChild;
      const auto& children = p_.criteria[static_cast<size_t>(u.parent)].children;
      c.reserve(c.size() + children.size());
      for (int k : children)
        if (k != node) c.emplace_back(k, v);
      normalize(c);
    }
    ways.push_back(std::move(c));
  }
  std::optional<Context> out;
  for (auto& w : ways) {
    if (!out) {
      out = std::move(w);
      continue;
    }
    Context both;  // the literals in both, with the same value
    std::set_intersection(out->begin(), out->end(), w.begin(), w.end(), std::back_inserter(both));
    *out = std::move(both);
  }
  return out;
}

std::string CriteriaGraph::literal_text(int k, bool v) const {
  if (k == kAnyPathway) return v ? "a pathway is met" : "no pathway is met";
  const std::string& id = p_.criteria[static_cast<size_t>(k)].id;
  return v ? id : "not " + id;
}

}  // namespace pp::solver::analysis
