// The output of `policyproof diff` (cli layer): the report as text and as
// JSON, and the SVG chart of a corpus's flips by region. The flips
// themselves are counted by diff_command.cpp.
#pragma once
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "model/policy.h"
#include "solver/policy_differ.h"

namespace pp::cli {

// The flips of a corpus, by region; memory bounded by the regions, not the corpus.
struct RegionCount {
  size_t count = 0;
  std::vector<long> lines;  // the first max_lines line numbers
};
struct CorpusFlips {
  std::string file;
  size_t cases = 0, approved_a = 0, approved_b = 0, undetermined = 0;
  size_t a_only = 0, b_only = 0, scope = 0;  // approved by A only, by B only, otherwise (denied vs out of scope)
  std::vector<RegionCount> by_region;         // per region of the diff
  std::map<std::pair<int, int>, RegionCount> by_pair;  // in no single region: two regions' obstacles at once
  RegionCount other;                          // decided differently, in no region nor pair (more obstacles at once)
};

std::string diff_json(const model::Policy& a, const model::Policy& b, const solver::PolicyDiff& d,
                      const std::optional<CorpusFlips>& corpus);
std::string diff_text(const model::Policy& a, const model::Policy& b, const solver::PolicyDiff& d,
                      const std::optional<CorpusFlips>& corpus);
// A horizontal bar chart of the corpus's flips by region: one bar per region
// with flips, colored by direction (approved by A only, by B only, scope).
std::string flips_chart(const model::Policy& a, const model::Policy& b, const solver::DecisionDiff& d,
                        const CorpusFlips& c);

}  // namespace pp::cli
