// The policy's text against its encoding (model layer; no Z3): every quoted
// wording occurs verbatim in the policy's source text, every criterion bullet
// of the source is encoded, every criterion takes part in the decision, and
// the numbers, boundary words and level ranges of a criterion's text agree
// with the comparisons of its condition ("0-6 weeks" against `<= 6`).
// Used by `policyproof lint` and, as findings, by `analyze`.
#pragma once
#include <optional>
#include <string>
#include <vector>

#include "model/policy.h"

namespace pp::model {

enum class LintSeverity { Error, Warning, Info };
const char* to_string(LintSeverity s);  // error | warning | info

struct TextFinding {
  // text_verbatim | text_unencoded | unused | text_number | text_range | text_no_source
  std::string kind;
  LintSeverity severity = LintSeverity::Error;
  std::string criterion;  // criterion id ("" when about the source or another part)
  std::string quote;      // the words of the text concerned
  std::string condition;  // the condition as written in `when` ("" when none)
  std::string message;    // one sentence naming the quote and the condition
  int line = 0, column = 0;  // the criterion in the policy file (0 = unknown)
};

struct TextLint {
  std::string source_note;  // where the source text was read from, or why not
  std::vector<TextFinding> findings;  // in policy order, per check
  int count(LintSeverity s) const;
};

// The policy's source text (`policy.source`): beside the policy file (in
// `policy_dir`, "" = none) first, then the bundled copy. `note` says which.
std::optional<std::string> find_source_text(const Policy& policy, const std::string& policy_dir, std::string& note);

// "Verbatim modulo whitespace and markup": lowercase, tags and the markup
// `**`, `*`, `` ` ``, `®` dropped, typographic quotes straight, blanks
// collapsed, none before , . ; : ).
std::string normalize_policy_text(const std::string& s);

// Runs every check. `source` is the policy's source text (nullptr: the
// verbatim and bullet checks are skipped, with one `no_source` warning).
TextLint lint_policy_text(const Policy& policy, const std::string* source, const std::string& source_note = "");

// The same, finding the source with find_source_text.
TextLint lint_policy_text(const Policy& policy, const std::string& policy_dir);

}  // namespace pp::model
