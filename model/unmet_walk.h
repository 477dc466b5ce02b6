// The criteria a denied case fails on the way to each pathway (model layer):
// from each pathway that is not met, depth first with children in order,
// every child whose value is False, down to the leaves; a criterion reached
// twice is listed once. This is `unmet` in the outputs.
//
// The walk is laid out once per policy as the tree of children in preorder
// (31 entries for CMM-607), so listing a case's unmet criteria is one pass
// over an array with no stack; a policy whose tree would pass `max_entries`
// (shared sub-criteria can make it exponential) is walked depth first.
#pragma once
#include <cstddef>
#include <vector>

#include "model/evaluator.h"
#include "model/policy.h"

namespace pp::model {

class UnmetWalk {
 public:
  static constexpr size_t kMaxEntries = 4096;
  explicit UnmetWalk(const Policy& p, size_t max_entries = kMaxEntries);

  // The unmet criteria of `ev` in order (empty when a pathway is met).
  void list(const Evaluation& ev, std::vector<int>& out) const;

 private:
  struct Entry {
    int criterion;
    int parent;    // entry index; kMaxEntries for a pathway (always reached)
    int distinct;  // index among the tree's distinct criteria
    char listed;   // 1, or 0 for a pathway (walked through, not listed)
  };
  void depth_first(const Evaluation& ev, std::vector<int>& out) const;

  const Policy& policy_;
  bool laid_out_ = false;
  std::vector<Entry> entries_;
  size_t distinct_ = 0;
};

}  // namespace pp::model
