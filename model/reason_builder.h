// Reasons a reviewer can read (model layer, no Z3): why a case was decided
// as it was, in reading order, with the case's own values and what each
// unmet criterion needs, derived from the criteria's expressions (so any
// policy gets them, not only CMM-607).
//
// Denial (or undetermined): each applying exclusion, quoted with the
// sentence that opens its list; then the pathway that came closest (fewest
// unmet leaf criteria, an `any` counting its closest branch; ties in policy
// order) and each of its unmet criteria, quoted as the whole bullet with the
// lead-ins it hangs from; then every other pathway, one item each.
// Approval: the pathway, the branch taken at each `any`, and a waiver when
// one was needed (a criterion met only through a reference to another).
#pragma once
#include <string>
#include <vector>

#include "model/case.h"
#include "model/evaluator.h"
#include "model/policy.h"

namespace pp::model {

struct FactReason {
  std::string fact;        // slot path (request.levels, conservative_care.analgesic_weeks)
  std::string value_json;  // the case's value as JSON: true, 2, "vertebroplasty", ["T4","T5"], null when unknown
  std::string value_text;  // the same for text: "T4, T5", "unknown"
  std::string needs;       // what the criterion needs of it: "at least 4", "every level in T5-L5"
  int alternatives = 0;    // > 0: one of a group of alternatives (an `or`), any one of which would do; same number, same group
};

enum class WhyRole { Exclusion, ClosestPathway, Unmet, OtherPathway, ApprovedBy, Branch, Waiver };
const char* to_string(WhyRole r);  // exclusion | closest_pathway | unmet | other_pathway | approved_by | branch | waiver

struct WhyItem {
  WhyRole role = WhyRole::Unmet;
  int criterion = -1;
  std::string source;   // section id
  std::string text;     // the policy's words: the whole bullet with its lead-ins
  std::vector<FactReason> facts;
  int unmet_leaves = 0;  // pathways: leaf criteria not met on their closest way
};

// `closed`: the case closed under the relations, evaluated as `ev`.
std::vector<WhyItem> build_why(const Policy& p, const Case& closed, const Evaluation& ev, Decision decision);

// The facts behind criterion `i`'s value in `closed` (evaluated as `ev`):
// when `must_be_false` (an exclusion that applies), what would make it not
// apply; else when met, what it is met by (every conjunct, the branch taken);
// else what it needs. The same facts build_why gives its items.
std::vector<FactReason> criterion_facts(const Policy& p, const Case& closed, const Evaluation& ev, int i,
                                        bool must_be_false);

// The whole bullet criterion `i` belongs to, with the lead-ins above it.
std::string quoted_bullet(const Policy& p, int i);

}  // namespace pp::model

namespace pp::model {

// `[{"criterion","source","text","facts":[{"fact","value","needs"}],"role"}]`.
void append_why_json(std::string& out, const Policy& p, const std::vector<WhyItem>& why);
// A JSON array of strings.
void append_string_array_json(std::string& out, const std::vector<std::string>& items);
// Text lines for a reviewer, each starting with `indent`.
std::string why_text(const Policy& p, const std::vector<WhyItem>& why, const std::string& indent = "  ");

}  // namespace pp::model
