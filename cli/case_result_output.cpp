#include "cli/case_result_output.h"

#include <fmt/format.h>

#include "cli/json_writer.h"

namespace pp::cli {

using model::Tri;

namespace {

const char* status_word(Tri t) {
  return t == Tri::True ? "met" : t == Tri::False ? "not_met" : "unknown";
}

void append_policy(std::string& out, const model::Policy& p) {
  out += "\"policy\":{\"id\":";
  json_escape(out, p.id);
  out += ",\"version\":";
  json_escape(out, p.version);
  out += ",\"sha256\":\"";
  out += p.sha256;
  out += "\"}";
}

}  // namespace

void append_result_json(std::string& out, const model::Policy& p, const model::Case& c,
                        const solver::CaseResult& r) {
  const auto& ev = r.evaluation;
  out += "{\"case_id\":";
  if (c.has_case_id) json_escape(out, c.case_id); else out += "null";
  out += ",\"decision\":\"";
  out += model::to_string(r.decision);
  out += "\",";
  append_policy(out, p);
  out += ",\"pathways\":[";
  bool first = true;
  for (int i : p.pathways) {
    if (!first) out += ',';
    first = false;
    out += "{\"id\":";
    json_escape(out, p.criteria[i].id);
    out += ",\"status\":\"";
    out += status_word(ev.criteria[i]);
    out += "\"}";
  }
  out += "],\"exclusions\":[";
  first = true;
  for (int i : p.exclusions) {
    if (ev.criteria[i] != Tri::True) continue;
    const auto& x = p.criteria[i];
    if (!first) out += ',';
    first = false;
    out += "{\"id\":";
    json_escape(out, x.id);
    out += ",\"source\":";
    json_escape(out, x.section);
    out += ",\"category\":";
    json_escape(out, x.category);
    out += ",\"text\":";
    json_escape(out, x.text);
    out += '}';
  }
  out += "],\"unmet\":[";
  if (r.decision != model::Decision::MedicallyNecessary) {
    first = true;
    for (int i : model::unmet_criteria(p, ev)) {
      if (!first) out += ',';
      first = false;
      json_escape(out, p.criteria[i].id);
    }
  }
  out += "],\"decisive_unknowns\":[";
  first = true;
  for (int s : r.decisive_unknowns) {
    if (!first) out += ',';
    first = false;
    json_escape(out, p.vocab.slots[s].path);
  }
  out += ']';
  if (!r.exact) {
    out += ",\"reason\":";
    json_escape(out, r.reason);
  }
  out += '}';
}

void append_error_json(std::string& out, long line, const std::string& message) {
  out += "{\"line\":";
  out += std::to_string(line);
  out += ",\"decision\":null,\"error\":";
  json_escape(out, message);
  out += '}';
}

std::string result_text(const model::Policy& p, const model::Case& c, const solver::CaseResult& r) {
  const auto& ev = r.evaluation;
  std::string out;
  std::string label = c.has_case_id ? c.case_id : "(no case_id)";
  switch (r.decision) {
    case model::Decision::MedicallyNecessary: out += "MEDICALLY NECESSARY"; break;
    case model::Decision::NotMedicallyNecessary: out += "NOT MEDICALLY NECESSARY"; break;
    case model::Decision::Undetermined: out += "UNDETERMINED"; break;
  }
  out += fmt::format("  case {}  ({} {}, policy sha256 {})\n", label, p.id, p.version, p.sha256.substr(0, 12));
  if (!r.exact) out += fmt::format("  the solver could not decide exactly: {}\n", r.reason);

  auto quote = [&](const model::Criterion& cr) {
    return fmt::format("{} ({}) [{}]\n      \"{}\"\n", cr.id, cr.title, cr.section, cr.text);
  };
  if (r.decision == model::Decision::MedicallyNecessary) {
    for (int i : p.pathways) {
      if (ev.criteria[i] != Tri::True) continue;
      out += fmt::format("\nApproved by {} ({}) [{}], all of its criteria met:\n", p.criteria[i].id,
                         p.criteria[i].title, p.criteria[i].section);
      for (int ch : p.criteria[i].children)
        if (ev.criteria[ch] == Tri::True) out += "  - " + quote(p.criteria[ch]);
    }
    out += "\nNo exclusion applies.\n";
    return out;
  }
  auto excl = model::applying_exclusions(p, ev);
  if (!excl.empty()) {
    out += "\nExcluded by:\n";
    for (int i : excl) out += fmt::format("  - ({}) ", p.criteria[i].category) + quote(p.criteria[i]);
  }
  bool any_met = false;
  for (int i : p.pathways) any_met |= ev.criteria[i] == Tri::True;
  if (!any_met) {
    out += "\nPathways:\n";
    for (int i : p.pathways)
      out += fmt::format("  - {} {}: {}\n", p.criteria[i].id, p.criteria[i].title,
                         ev.criteria[i] == Tri::False ? "not met" : "unknown");
    auto unmet = model::unmet_criteria(p, ev);
    if (!unmet.empty()) {
      out += "\nCriteria not met:\n";
      for (int i : unmet) out += "  - " + quote(p.criteria[i]);
    }
    if (r.decision == model::Decision::NotMedicallyNecessary && !p.default_denial_text.empty())
      out += fmt::format("\n  [{}] \"{}\"\n", p.default_denial_section, p.default_denial_text);
  }
  if (r.decision == model::Decision::Undetermined) {
    out += "\nStill to find out (each could change the decision):\n";
    if (r.decisive_unknowns.empty()) out += "  (the solver did not name them)\n";
    for (int s : r.decisive_unknowns) out += fmt::format("  - {}\n", p.vocab.slots[s].path);
  }
  return out;
}

}  // namespace pp::cli
