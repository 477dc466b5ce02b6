#include "cli/case_result_output.h"

#include <fmt/format.h>

#include <memory>

#include "model/billing_check.h"
#include "model/evaluator.h"
#include "model/json_text.h"
#include "model/unmet_walk.h"

namespace pp::cli {

using model::Tri;

namespace {

const char* status_word(Tri t) {
  return t == Tri::True ? "met" : t == Tri::False ? "not_met" : "unknown";
}

// The parts of a result that depend only on the policy, escaped once.
struct Fragments {
  std::string sha;
  std::string policy;                  // "policy":{...}
  std::vector<std::string> pathway;    // ,{"id":"IN.ASP","status":"met"} (per pathways index, 3 per status)
  std::vector<std::string> exclusion;  // full exclusion object (per criterion index)
  std::vector<std::string> id;         // ,"ID" (per criterion index)
  std::vector<std::string> slot;       // "path" (per slot index)
  std::unique_ptr<model::UnmetWalk> unmet_walk;
  std::vector<int> unmet;              // scratch
};

// Per thread, so `unmet` is this thread's scratch.
Fragments& fragments(const model::Policy& p) {
  static thread_local const model::Policy* cached = nullptr;
  static thread_local Fragments f;
  if (cached == &p && f.sha == p.sha256) return f;
  f = Fragments{};
  f.sha = p.sha256;
  f.policy = "\"policy\":{\"id\":";
  model::json_escape(f.policy, p.id);
  f.policy += ",\"version\":";
  model::json_escape(f.policy, p.version);
  f.policy += ",\"sha256\":\"" + p.sha256 + "\"}";
  for (int i : p.pathways) {
    for (Tri t : {Tri::False, Tri::True, Tri::Unknown}) {
      std::string s = ",{\"id\":";
      model::json_escape(s, p.criteria[i].id);
      s += ",\"status\":\"";
      s += status_word(t);
      s += "\"}";
      f.pathway.push_back(s);
    }
  }
  for (const auto& x : p.criteria) {
    std::string id;
    model::json_escape(id, x.id);
    f.id.push_back("," + id);
    std::string s = "{\"id\":" + id + ",\"source\":";
    model::json_escape(s, x.section);
    s += ",\"category\":";
    model::json_escape(s, x.category);
    s += ",\"text\":";
    model::json_escape(s, x.text);
    s += '}';
    f.exclusion.push_back(s);
  }
  for (const auto& sl : p.vocab.slots) {
    std::string s;
    model::json_escape(s, sl.path);
    f.slot.push_back(s);
  }
  f.unmet_walk = std::make_unique<model::UnmetWalk>(p);
  cached = &p;
  return f;
}

}  // namespace

std::string extras_text(const model::Policy& p, const ResultExtras& x) {
  std::string out;
  if (x.depends_on)
    for (const auto& d : *x.depends_on) out += "warning: " + solver::dependence_text(p, d) + "\n";
  if (x.warnings)
    for (const auto& w : *x.warnings) out += "warning: billing: " + w + "\n";
  return out;
}

void append_result_json(std::string& out, const model::Policy& p, const model::Case& c,
                        const solver::CaseResult& r) {
  append_result_json_with(out, p, c, r, ResultExtras{});
}

void append_result_json_with(std::string& out, const model::Policy& p, const model::Case& c,
                             const solver::CaseResult& r, const ResultExtras& x) {
  const auto& ev = r.evaluation;
  Fragments& f = fragments(p);
  out += "{\"case_id\":";
  if (c.has_case_id) model::json_escape(out, c.case_id); else out += "null";
  out += ",\"decision\":\"";
  out += model::to_string(r.decision);
  out += "\",";
  out += f.policy;
  out += ",\"pathways\":[";
  for (size_t k = 0; k < p.pathways.size(); ++k) {
    // INVARIANT: Tri's values are 0, 1, 2, the order the fragments are in
    const std::string& frag = f.pathway[3 * k + static_cast<size_t>(ev.criteria[p.pathways[k]])];
    out.append(frag, k == 0 ? 1 : 0);
  }
  out += "],\"exclusions\":[";
  bool first = true;
  for (int i : p.exclusions) {
    if (ev.criteria[i] != Tri::True) continue;
    if (!first) out += ',';
    first = false;
    out += f.exclusion[i];
  }
  out += "],\"unmet\":[";
  if (r.decision != model::Decision::MedicallyNecessary && r.decision != model::Decision::OutOfScope) {
    auto& unmet = f.unmet;
    f.unmet_walk->list(ev, unmet);
    for (size_t k = 0; k < unmet.size(); ++k) out.append(f.id[unmet[k]], k == 0 ? 1 : 0);
  }
  out += "],\"decisive_unknowns\":[";
  first = true;
  for (int s : r.decisive_unknowns) {
    if (!first) out += ',';
    first = false;
    out += f.slot[s];
  }
  out += ']';
  if (x.why) {
    out += ",\"why\":";
    model::append_why_json(out, p, *x.why);
  }
  if (x.depends_on) {
    out += ",\"depends_on\":";
    if (x.depends_on->empty()) out += "[]";
    else solver::append_depends_on_json(out, p, *x.depends_on);
  }
  if (x.warnings) {
    out += ",\"warnings\":";
    model::append_string_array_json(out, *x.warnings);
  }
  if (!r.exact) {
    out += ",\"reason\":";
    model::json_escape(out, r.reason);
  }
  out += '}';
}

void append_error_json(std::string& out, long line, const std::string& message) {
  out += "{\"line\":";
  out += std::to_string(line);
  out += ",\"decision\":null,\"error\":";
  model::json_escape(out, message);
  out += '}';
}

std::string result_text(const model::Policy& p, const model::Case& c, const solver::CaseResult& r,
                        const ResultExtras& x) {
  std::string out;
  std::string label = c.has_case_id ? c.case_id : "(no case_id)";
  switch (r.decision) {
    case model::Decision::MedicallyNecessary: out += "MEDICALLY NECESSARY"; break;
    case model::Decision::NotMedicallyNecessary: out += "NOT MEDICALLY NECESSARY"; break;
    case model::Decision::Undetermined: out += "UNDETERMINED"; break;
    case model::Decision::OutOfScope: out += "OUT OF SCOPE"; break;
  }
  out += fmt::format("  case {}  ({} {}, policy sha256 {})\n", label, p.id, p.version, p.sha256.substr(0, 12));
  for (const auto& rd : p.readings_in_force()) out += "  under the reading " + rd + " (--reading)\n";
  if (!r.exact) out += fmt::format("  the solver could not decide exactly: {}\n", r.reason);
  out += extras_text(p, x);

  if (r.decision == model::Decision::OutOfScope && p.scope >= 0) {  // neither approved nor denied
    const auto& cr = p.criteria[static_cast<size_t>(p.scope)];
    out += fmt::format("\nThe policy does not address this case:\n  - {} ({}) [{}]\n      \"{}\"\n", cr.id, cr.title,
                       cr.section, cr.text);
    return out;
  }
  std::vector<model::WhyItem> built;
  const std::vector<model::WhyItem>* why = x.why;
  if (!why) {
    model::Case scratch = c;
    model::Evaluator(p).close_under_relations(scratch);
    built = model::build_why(p, scratch, r.evaluation, r.decision);
    why = &built;
  }
  out += model::why_text(p, *why);
  if (r.decision == model::Decision::MedicallyNecessary) {
    bool waiver = false;
    for (const auto& w : *why) waiver |= w.role == model::WhyRole::Waiver;
    if (!waiver) out += "  (no waiver used)\n";
    out += "\nNo exclusion applies.\n";
    return out;
  }
  bool any_met = false;
  for (int i : p.pathways) any_met |= r.evaluation.criteria[i] == Tri::True;
  if (!any_met && r.decision == model::Decision::NotMedicallyNecessary && !p.default_denial_text.empty())
    out += fmt::format("\n  [{}] \"{}\"\n", p.default_denial_section, p.default_denial_text);
  if (r.decision == model::Decision::Undetermined) {
    out += "\nStill to find out (each could change the decision):\n";
    if (r.decisive_unknowns.empty()) out += "  (the solver did not name them)\n";
    for (int s : r.decisive_unknowns) out += fmt::format("  - {}\n", p.vocab.slots[s].path);
  }
  return out;
}

void append_evaluate_json(std::string& out, const model::Policy& p, const model::Case& c, const solver::CaseResult& r,
                          solver::ReadingChecker& readings, bool single) {
  static thread_local std::vector<solver::ReadingDependence> deps;
  readings.depends_on(c, r, deps);
  ResultExtras x;
  x.depends_on = &deps;
  if (!single) {
    append_result_json_with(out, p, c, r, x);
    return;
  }
  model::Case closed = c;
  readings.evaluator().close_under_relations(closed);
  std::vector<model::WhyItem> why = model::build_why(p, closed, r.evaluation, r.decision);
  std::vector<std::string> warnings = model::billing_warnings(p, c);
  x.why = &why;
  x.warnings = &warnings;
  append_result_json_with(out, p, c, r, x);
}

}  // namespace pp::cli
