// How a fact may change in a correction (model layer, Z3-free): the fact
// kinds of shared/spec/case-format.md "Kinds" turned into rules, the time
// coupling of the vocabulary's `time:` section, and the CPT codes that follow
// a changed request (from the policy's `codes:` table). The solver
// (solver/mcs_enumerator) encodes these rules; the explainer checks every
// correction against them.
//
//   kind             rule                                     actionable
//   request          any value; a level set may only lose     yes
//                    levels (a non-empty subset); a code list
//                    follows technique and levels (derived)
//   care, documentation  bool: false -> true; number: grows   yes
//   correctable      bool: true -> false                      yes
//   elapsed          grows; the clock advances with care      yes (waiting)
//   plan, clinical   any value, as a hypothetical             no
#pragma once
#include <string>
#include <vector>

#include "model/case.h"
#include "model/policy.h"

namespace pp::model {

enum class ChangeRule {
  Fixed,     // cannot change (a completed care item, an absent correctable contraindication)
  Any,       // any valid value
  GrowOnly,  // a number that may only increase
  Subset,    // a set that may only lose members, keeping at least one (request.levels)
  Derived,   // follows other facts (request.cpt follows technique and levels); never changed alone
};
const char* to_string(ChangeRule r);  // fixed | any | grow_only | subset | derived

// The rule for slot `slot` of a case whose value of that slot is `old` (per
// atom of the slot, in the slot's atom order).
ChangeRule change_rule(const Policy& policy, int slot, const std::vector<double>& old);

// Whether changing slot `slot` is something the provider can do: false for
// `plan` and `clinical` facts (a set needing them is hypothetical).
bool change_is_actionable(const Policy& policy, int slot);

// The slot of the time section's clock (a number), or -1.
int clock_slot(const Policy& policy);
// The slots that accrue with the clock (at most one unit per unit of clock).
std::vector<int> accruing_slots(const Policy& policy);

// The clock's value after `after`'s accruing facts have grown from `before`'s:
// the clock of `before` plus the largest growth (care runs side by side), or
// `before`'s clock when nothing grew. Requires the clock known in `before`;
// accruing facts unknown in either case count as not grown.
double clock_after_care(const Policy& policy, const Case& before, const Case& after);

// The CPT lines a request of technique `technique` (enum index) at `levels`
// (per level value, 0/1) is billed with, from the policy's codes table: the
// first level (in vocabulary order) with the first primary code matching the
// technique and that level, each further level with the first add-on code
// matching them (one unit each, gathered per code), else its own primary
// code. A level no code describes adds nothing.
std::vector<CptLine> derived_cpt(const Policy& policy, int technique, const std::vector<double>& levels);

// Settles the facts that follow others in `after` (a corrected copy of
// `before`): when the clock is not among `changed_slots`, it is advanced to
// clock_after_care(); when the technique or the levels differ from `before`
// and the code list is known, the codes are derived_cpt() of the new request
// (atoms and `cpt` lines); else they are `before`'s.
void settle_followers(const Policy& policy, const Case& before, Case& after, const std::vector<int>& changed_slots);

}  // namespace pp::model
