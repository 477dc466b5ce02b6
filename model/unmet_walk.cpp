#include "model/unmet_walk.h"

#include <cstring>
#include <functional>

namespace pp::model {

UnmetWalk::UnmetWalk(const Policy& p, size_t max_entries) : policy_(p) {
  std::vector<int> distinct(p.criteria.size(), -1);
  bool fits = max_entries > 0;
  std::function<void(int, int)> add = [&](int c, int parent) {
    if (!fits) return;
    if (entries_.size() >= max_entries) { fits = false; return; }
    if (distinct[static_cast<size_t>(c)] < 0) distinct[static_cast<size_t>(c)] = static_cast<int>(distinct_++);
    int self = static_cast<int>(entries_.size());
    entries_.push_back({c, parent < 0 ? static_cast<int>(kMaxEntries) : parent, distinct[static_cast<size_t>(c)],
                        p.criteria[static_cast<size_t>(c)].kind != CriterionKind::Pathway});
    for (int child : p.criteria[static_cast<size_t>(c)].children) add(child, self);
  };
  for (int pw : p.pathways) add(pw, -1);
  laid_out_ = fits;
  if (!laid_out_) entries_.clear();
}

void UnmetWalk::list(const Evaluation& ev, std::vector<int>& out) const {
  out.clear();
  for (int i : policy_.pathways)
    if (ev.criteria[i] == Tri::True) return;
  if (!laid_out_) {
    depth_first(ev, out);
    return;
  }
  // An entry is reached when its value is False and its parent's entry was
  // reached. A criterion reached again lists nothing new: its first
  // expansion reached everything False under it, which the depth-first
  // walk would not expand again either, so the order is the same.
  // Without branching on the values: every entry is written to `out`, and
  // the count moves past it only when it is listed.
  char reached[kMaxEntries + 1], seen[kMaxEntries];
  reached[kMaxEntries] = 1;  // a pathway's "parent": always reached
  std::memset(seen, 0, distinct_);
  out.resize(entries_.size());
  int* o = out.data();
  size_t n = 0;
  const Tri* crit = ev.criteria.data();
  for (size_t e = 0; e < entries_.size(); ++e) {
    const Entry& x = entries_[e];
    char r = reached[x.parent] & (crit[x.criterion] == Tri::False);
    reached[e] = r;
    char fresh = r & (seen[x.distinct] ^ 1);
    seen[x.distinct] |= r;
    o[n] = x.criterion;
    n += static_cast<size_t>(fresh & x.listed);
  }
  out.resize(n);
}

void UnmetWalk::depth_first(const Evaluation& ev, std::vector<int>& out) const {
  // Depth-first with an explicit stack, children in order; a criterion
  // reached again is not expanded again (its first expansion, done before
  // the stack gets back below it, already listed everything under it).
  const Policy& p = policy_;
  std::vector<int> stack;
  std::vector<char> visited(p.criteria.size(), 0);
  for (auto it = p.pathways.rbegin(); it != p.pathways.rend(); ++it)
    if (ev.criteria[*it] == Tri::False) stack.push_back(*it);
  while (!stack.empty()) {
    int i = stack.back();
    stack.pop_back();
    if (visited[i]) continue;
    visited[i] = 1;
    const auto& ch = p.criteria[i].children;
    for (auto it = ch.rbegin(); it != ch.rend(); ++it)
      if (ev.criteria[*it] == Tri::False && !visited[*it]) stack.push_back(*it);
    if (p.criteria[i].kind != CriterionKind::Pathway) out.push_back(i);
  }
}

}  // namespace pp::model
