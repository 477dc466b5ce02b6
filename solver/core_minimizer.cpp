// Deletion-based core minimisation (see core_minimizer.h).
#include "solver/core_minimizer.h"

#include <algorithm>
#include <map>

#include "solver/session.h"

namespace pp::solver {

std::optional<std::vector<size_t>> minimal_core(z3::solver& s, const std::vector<z3::expr>& trackers, CoreOrder order) {
  z3::context& ctx = s.ctx();
  auto unsat_with = [&](const std::vector<size_t>& keep) {
    z3::expr_vector as(ctx);
    for (size_t i : keep) as.push_back(trackers[i]);
    return check(s, as).answer == Answer::Unsat;
  };
  std::vector<size_t> all(trackers.size());
  for (size_t i = 0; i < all.size(); ++i) all[i] = i;
  if (!unsat_with(all)) return std::nullopt;
  std::map<unsigned, size_t> by_id;
  for (size_t i = 0; i < trackers.size(); ++i) by_id.emplace(trackers[i].id(), i);
  std::vector<size_t> core;
  z3::expr_vector uc = s.unsat_core();
  for (unsigned k = 0; k < uc.size(); ++k) {
    auto it = by_id.find(uc[static_cast<int>(k)].id());
    if (it != by_id.end()) core.push_back(it->second);
  }
  if (order == CoreOrder::ByIndex) std::sort(core.begin(), core.end());
  for (size_t k = 0; k < core.size();) {  // drop what is not needed, one literal at a time
    std::vector<size_t> trial;
    for (size_t j = 0; j < core.size(); ++j)
      if (j != k) trial.push_back(core[j]);
    if (unsat_with(trial)) core.erase(core.begin() + static_cast<long>(k));
    else ++k;
  }
  return core;
}

}  // namespace pp::solver
