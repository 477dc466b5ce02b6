// The consequences of each ambiguity (solver layer): for each alternative
// reading, the regions of cases it decides differently from the encoded
// reading (policy_differ's decision diff), each with a replayed witness; a
// reading that changes no decision is reported as harmless.
#include <algorithm>
#include <stdexcept>

#include <fmt/format.h>

#include "solver/analysis/analyses.h"
#include "solver/analysis/analysis_text.h"
#include "solver/policy_differ.h"

namespace pp::solver::analysis {

void find_ambiguity_consequences(AnalysisContext& cx) {
  const model::Policy& p = cx.policy();
  for (const auto& a : p.ambiguities) {
    for (size_t r = 1; r < a.readings.size(); ++r) {
      const auto& rd = a.readings[r];
      std::string key = a.id + "/" + rd.id;
      cx.reading_policy(key);  // loads it
      DecisionDiff dd = diff_decisions(cx.policy_ptr(), cx.reading_policy_ptr(key), cx.limits(), 16, "ambiguity-" + a.id + "-" + rd.id);
      if (!dd.complete && dd.regions.empty()) {
        CheckResult cr;
        cr.reason = dd.reason;
        cx.incomplete("the consequences of reading " + key, cr, a.criteria);
        continue;
      }
      if (dd.regions.empty()) {
        Finding f;
        f.kind = "ambiguity";
        f.severity = Severity::Info;
        f.subject = key;
        f.criteria = a.criteria;
        f.message = fmt::format("{} ({}): reading `{}` ({}) changes no decision: every case gets the same decision under it as "
                                "under the encoded reading `{}`, so the ambiguity is harmless",
                                a.id, a.question, rd.id, rd.text, a.chosen);
        cx.add(std::move(f));
        continue;
      }
      for (const auto& reg : dd.regions) {
        Finding f;
        f.kind = "ambiguity";
        f.severity = Severity::Warning;
        f.subject = key;
        f.criteria = a.criteria;
        Claim lit, alt;
        alt.reading = key;
        lit.decision = reg.before;
        alt.decision = reg.after;
        std::vector<std::string> diffs;
        for (const auto& cv : reg.criteria) {
          if (cv.before) lit.criteria.emplace_back(cv.id, *cv.before);
          if (cv.after) alt.criteria.emplace_back(cv.id, *cv.after);
          if (std::find(f.criteria.begin(), f.criteria.end(), cv.id) == f.criteria.end()) f.criteria.push_back(cv.id);
          diffs.push_back(fmt::format("{} {} -> {}", cv.id, cv.before ? (*cv.before ? "met" : "unmet") : "absent",
                                      cv.after ? (*cv.after ? "met" : "unmet") : "absent"));
        }
        f.claims = {lit, alt};
        f.witness = reg.witness;
        f.message = fmt::format("{} ({}): some cases are {} under the encoded reading `{}` but {} under `{}` ({}); there {}",
                                a.id, a.question, model::to_string(reg.before), a.chosen, model::to_string(reg.after), rd.id,
                                rd.text, join(diffs, ", "));
        std::string why = cx.replay(*f.witness, f.claims);
        if (!why.empty()) throw std::logic_error("analyze: an ambiguity witness does not replay: " + why);
        cx.add(std::move(f));
      }
      if (!dd.complete) {
        CheckResult cr;
        cr.reason = dd.reason;
        cx.incomplete("the regions of reading " + key + " (some may be missing)", cr, a.criteria);
      }
    }
  }
}

}  // namespace pp::solver::analysis
