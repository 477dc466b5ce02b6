// How the criteria of a policy use one another (solver layer; Z3-free): who
// is whose child or reference, what depends on what, and the context in which
// a criterion can change a decision. Computed once per analysis.
#pragma once
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "model/policy.h"

namespace pp::solver::analysis {

constexpr int kAnyPathway = -1;  // context literal: "some pathway is met"

class CriteriaGraph {
 public:
  enum class UseKind { AllChild, AnyChild, Reference };
  struct Use {
    int parent;
    UseKind kind;
  };
  // Literals (criterion index or kAnyPathway, value) that hold wherever a
  // change of a criterion can reach the decision; sorted by index, each index
  // once. A flat vector: a wide group's children each have every sibling in
  // theirs, so building them is the analysis's n^2 part.
  using Context = std::vector<std::pair<int, bool>>;

  explicit CriteriaGraph(const model::Policy& p);

  // Where criterion `i` is used: as a child of an all/any group, or referenced.
  const std::vector<Use>& uses(int i) const { return uses_[static_cast<size_t>(i)]; }
  // Whether criterion `k` reads `x`, directly or through others (k < 0: no).
  bool depends_on(int k, int x) const {
    return k >= 0 && (depends_[static_cast<size_t>(k)][static_cast<size_t>(x) / 64] >> (static_cast<size_t>(x) % 64) & 1);
  }
  // Criteria reachable from `root` (children and references), root included.
  std::vector<int> subtree(int root) const;

  // Literals that hold wherever a change of `node` can reach the decision:
  // siblings of All groups true, of Any groups false, the other pathways and
  // every exclusion false above a pathway, the other exclusions false and some
  // pathway met above an exclusion; intersected over every way up. nullopt:
  // no way up (the criterion is unused). Memoised for the criteria that use
  // others (a leaf's context, often all its siblings, is not kept), and
  // computed without recursion (a chain of criteria may be long).
  std::optional<Context> context(int node) const;

  // "IN.x", "not IN.x", "a pathway is met", "no pathway is met".
  std::string literal_text(int k, bool v) const;

 private:
  const model::Policy& p_;
  std::vector<std::vector<Use>> uses_;
  std::optional<Context> compute_context(int node) const;  // from the parents' memoised contexts

  std::vector<std::vector<std::uint64_t>> depends_;  // bit sets: n * n bits
  std::vector<char> is_pathway_, is_exclusion_, is_user_;  // is_user_: some criterion's parent
  mutable std::map<int, std::optional<Context>> context_memo_;
};

}  // namespace pp::solver::analysis
