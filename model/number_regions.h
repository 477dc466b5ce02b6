// The regions a policy's comparisons cut a number fact into, and a
// representative of each (model layer: no solver). The correction search
// (solver/mcs_enumerator) tries one value per region, and explanations
// name the region a value lies in.
#pragma once
#include <vector>

#include "model/policy.h"

namespace pp::model {

// The constants the policy compares number atom `atom` with (criteria and
// relations), within the fact's domain, sorted, without repeats.
std::vector<double> compared_constants(const Policy& policy, int atom);

// The values of a number atom cut into regions by the constants the policy
// compares it with: each constant is a region, and so is each open interval
// between (and below, and above) them. A value's effect on every criterion
// depends only on its region. Each region has one representative: the
// minimum for the lowest interval, the constant for a point, and for an open
// interval (c, d) the next whole number after c (the next whole week) when it
// lies below d, else the midpoint; above the largest constant, the next whole
// number after it. Ascending, within the fact's [min, max].
struct NumberRegion {
  double low = 0, high = 0;  // high is +infinity when unbounded
  bool low_closed = true, high_closed = true;
  double representative = 0;
};
std::vector<NumberRegion> number_regions(const Policy& policy, int atom);
// The representatives of number_regions(), ascending.
std::vector<double> number_representatives(const Policy& policy, int atom);

}  // namespace pp::model
