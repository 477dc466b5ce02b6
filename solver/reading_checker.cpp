#include "solver/reading_checker.h"

#include "model/json_text.h"

namespace pp::solver {

ReadingChecker::ReadingChecker(std::shared_ptr<const model::Policy> policy, Limits limits)
    : policy_(std::move(policy)), limits_(limits), evaluator_(*policy_), deltas_(*policy_) {
  engines_.resize(deltas_.alternatives().size());
}

ReadingChecker::~ReadingChecker() = default;

void ReadingChecker::depends_on(const model::Case& c, const CaseResult& in_force,
                                std::vector<ReadingDependence>& out) {
  out.clear();
  const auto& alts = deltas_.alternatives();
  if (alts.empty()) return;
  const auto& candidates = deltas_.candidates(in_force.evaluation);
  if (candidates.empty()) return;
  const model::Case& closed = evaluator_.closure(c, scratch_);
  for (int ki : candidates) {
    size_t k = static_cast<size_t>(ki);
    bool unchanged = false;
    model::Tri t = deltas_.decide(k, closed, in_force.evaluation, unchanged);
    model::Decision d;
    if (unchanged) continue;  // the exact decision is the one in force
    if (t != model::Tri::Unknown) {
      d = model::decision_of(t);
    } else {
      auto& engine = engines_[k];
      if (!engine) {
        const auto& amb = policy_->ambiguities[static_cast<size_t>(alts[k].ambiguity)];
        engine = std::make_unique<CaseEngine>(
            policy_->under({{amb.id, amb.readings[static_cast<size_t>(alts[k].reading)].id}}), limits_);
      }
      d = engine->evaluate(c).decision;
    }
    if (d != in_force.decision) out.push_back({alts[k].ambiguity, alts[k].reading, d});
  }
}

ReadingLabel label_of(const model::Policy& p, const ReadingDependence& d) {
  const auto& a = p.ambiguities[static_cast<size_t>(d.ambiguity)];
  const auto& r = a.readings[static_cast<size_t>(d.reading)];
  return ReadingLabel{a.id, r.id, r.text};
}

std::string dependence_text(const model::Policy& p, const ReadingDependence& d) {
  auto l = label_of(p, d);
  const char* word = d.decision == model::Decision::MedicallyNecessary       ? "medically necessary"
                     : d.decision == model::Decision::NotMedicallyNecessary ? "not medically necessary"
                                                                            : "undetermined";
  return "under reading `" + l.reading + "` of " + l.ambiguity + " (" + l.text + ") this case would be " + word;
}

void append_depends_on_json(std::string& out, const model::Policy& p, const std::vector<ReadingDependence>& deps) {
  out += '[';
  for (size_t k = 0; k < deps.size(); ++k) {
    auto l = label_of(p, deps[k]);
    if (k) out += ',';
    out += "{\"ambiguity\":";
    model::json_escape(out, l.ambiguity);
    out += ",\"reading\":";
    model::json_escape(out, l.reading);
    out += ",\"decision\":\"";
    out += model::to_string(deps[k].decision);
    out += "\"}";
  }
  out += ']';
}

}  // namespace pp::solver
