#include "solver/text_findings.h"

#include "model/text_lint.h"

namespace pp::solver {

std::vector<Finding> text_findings(const model::Policy& policy, const std::string& policy_dir) {
  std::vector<Finding> out;
  for (const auto& t : model::lint_policy_text(policy, policy_dir).findings) {
    Finding f;
    f.kind = t.kind;
    f.severity = t.severity == model::LintSeverity::Error     ? Severity::Error
                 : t.severity == model::LintSeverity::Warning ? Severity::Warning
                                                              : Severity::Info;
    if (!t.criterion.empty()) f.criteria.push_back(t.criterion);
    f.subject = t.quote;
    f.message = t.message;
    out.push_back(std::move(f));
  }
  return out;
}

}  // namespace pp::solver
