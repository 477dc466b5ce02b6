#include "model/number_regions.h"

#include <algorithm>
#include <cmath>
#include <limits>


namespace pp::model {

namespace {

void collect_constants(const Expr& e, int atom, std::vector<double>& out) {
  if (e.op == Op::NumCmp && e.atom == atom) out.push_back(e.number);
  for (const auto& k : e.kids) collect_constants(k, atom, out);
}

}  // namespace

std::vector<double> compared_constants(const Policy& policy, int atom) {
  const auto& v = policy.vocab;
  const Fact& f = v.facts[static_cast<size_t>(v.atoms[static_cast<size_t>(atom)].fact)];
  std::vector<double> cs;
  for (const auto& c : policy.criteria) collect_constants(c.expr, atom, cs);
  for (const auto& r : policy.relations) collect_constants(r.expr, atom, cs);
  cs.erase(std::remove_if(cs.begin(), cs.end(), [&](double c) { return c < f.min || c > f.max; }), cs.end());
  std::sort(cs.begin(), cs.end());
  cs.erase(std::unique(cs.begin(), cs.end()), cs.end());
  return cs;
}

std::vector<NumberRegion> number_regions(const Policy& policy, int atom) {
  const auto& v = policy.vocab;
  const Fact& f = v.facts[static_cast<size_t>(v.atoms[static_cast<size_t>(atom)].fact)];
  const double inf = std::numeric_limits<double>::infinity();
  double top = f.max < 1e300 ? f.max : inf;
  std::vector<double> cs = compared_constants(policy, atom);
  std::vector<NumberRegion> out;
  if (cs.empty() || cs.front() > f.min)
    out.push_back({f.min, cs.empty() ? top : cs.front(), true, cs.empty() && top < inf, f.min});
  for (size_t i = 0; i < cs.size(); ++i) {
    out.push_back({cs[i], cs[i], true, true, cs[i]});
    bool last = i + 1 == cs.size();
    double hi = last ? top : cs[i + 1];
    if (!(cs[i] < hi)) continue;  // no room above (the constant is the max)
    bool hi_closed = last && hi < inf;  // the fact's max is itself a valid value
    double next_whole = std::floor(cs[i]) + 1;
    double rep = (next_whole < hi || (hi_closed && next_whole <= hi)) ? next_whole : cs[i] + (hi - cs[i]) / 2;
    out.push_back({cs[i], hi, false, hi_closed, rep});
  }
  return out;
}

std::vector<double> number_representatives(const Policy& policy, int atom) {
  std::vector<double> out;
  for (const auto& r : number_regions(policy, atom)) out.push_back(r.representative);
  return out;
}

}  // namespace pp::model
