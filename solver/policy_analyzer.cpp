// The policy checked as a whole (see policy_analyzer.h): the driver. Each
// family of checks lives in its own file under solver/analysis/ and shares one
// AnalysisContext (the session, the encoding, the solver holding the axioms,
// the criteria graph and the witness helper); this file runs them in the
// order of the findings and replays findings for the tests.
#include "solver/policy_analyzer.h"

#include <stdexcept>

#include "model/embedded_files.h"
#include "solver/analysis/analyses.h"
#include "solver/analysis/analysis_context.h"

namespace pp::solver {

const char* to_string(Severity s) {
  switch (s) {
    case Severity::Error: return "error";
    case Severity::Warning: return "warning";
    case Severity::Info: return "info";
  }
  return "?";
}

int Analysis::count(Severity s) const {
  int n = 0;
  for (const auto& f : findings) n += f.severity == s;
  return n;
}

model::PolicySource policy_source(const std::string& path) {
  model::PolicySource src;
  if (path.empty()) {
    auto text = model::embedded_file("cmm-607.yaml");
    if (!text) throw std::logic_error("the bundled policy is missing");
    src.text = std::string(*text);
    src.file = "cmm-607.yaml";
    return src;
  }
  src.text = model::read_file(path);
  src.file = path;
  auto slash = path.find_last_of('/');
  src.dir = slash == std::string::npos ? "." : path.substr(0, slash);
  return src;
}

std::shared_ptr<const model::Policy> load_reading(const model::PolicySource& source, const model::Reading& reading) {
  return model::load_policy(source, reading.overrides);
}

std::string replay_finding(const Finding& f, const model::Policy& policy,
                           const std::function<const model::Policy&(const std::string&)>& reading_policy) {
  if (f.witness) {
    std::string r = analysis::check_claims(*f.witness, f.claims, policy, reading_policy);
    if (!r.empty()) return "witness: " + r;
  } else if (!f.claims.empty()) {
    return "claims without a witness";
  }
  if (f.contrast) {
    std::string r = analysis::check_claims(*f.contrast, f.contrast_claims, policy, reading_policy);
    if (!r.empty()) return "contrast: " + r;
  }
  return "";
}

Analysis analyze_policy(std::shared_ptr<const model::Policy> policy, const model::PolicySource& source, Limits limits) {
  using namespace analysis;
  AnalysisContext cx(std::move(policy), source, limits);
  CriterionFlags flags = find_dead_criteria(cx);  // structure
  find_redundant_criteria(cx, flags);
  find_conflicts(cx);
  find_overlaps(cx);
  find_gaps(cx);
  find_ambiguity_consequences(cx);
  find_code_issues(cx);
  Analysis a;
  a.findings = cx.take_findings();
  return a;
}

}  // namespace pp::solver
