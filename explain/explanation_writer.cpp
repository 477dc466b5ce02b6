#include "explain/explanation_writer.h"

#include "explain/case_reasons.h"

#include <cmath>
#include <limits>

#include <fmt/format.h>

#include "model/json_text.h"

namespace pp::explain {

using model::Decision;
using model::FactKind;
using model::FactType;

namespace {

std::string quoted(std::string_view s) {
  std::string out;
  model::json_escape(out, s);
  return out;
}

std::string number(double x) { return fmt::format("{}", x); }

const model::Fact& fact_of(const model::Policy& p, int slot) {
  return p.vocab.facts[static_cast<size_t>(p.vocab.slots[static_cast<size_t>(slot)].fact)];
}

// A slot's value as people read it: true, 7, vertebroplasty, [T4, T5], [22514].
std::string value_text(const model::Policy& p, int slot, const std::vector<double>& value,
                       const std::vector<model::CptLine>& cpt) {
  const model::Fact& f = fact_of(p, slot);
  switch (f.type) {
    case FactType::Bool:
    case FactType::Group: return value[0] != 0 ? "true" : "false";
    case FactType::Number: return number(value[0]);
    case FactType::Enum: return f.values[static_cast<size_t>(value[0])];
    case FactType::EnumSet:
    case FactType::CodeList: {
      std::string out = "[";
      bool first = true;
      for (size_t i = 0; i < value.size(); ++i) {
        if (value[i] == 0) continue;
        if (!first) out += ", ";
        first = false;
        out += f.values[i];
        if (f.type == FactType::CodeList)
          for (const auto& line : cpt)
            if (line.code == f.values[i] && line.units != 1) out += fmt::format(" x{}", line.units);
      }
      return out + "]";
    }
  }
  return "";
}

const char* decision_words(Decision d) {
  switch (d) {
    case Decision::MedicallyNecessary: return "medically necessary";
    case Decision::NotMedicallyNecessary: return "not medically necessary";
    case Decision::Undetermined: return "undetermined";
    case Decision::OutOfScope: return "out of the policy's scope";
  }
  return "";
}

// What doing the change means, by the fact's kind.
std::string how(const model::Policy& p, int slot) {
  const model::Slot& sl = p.vocab.slots[static_cast<size_t>(slot)];
  const model::Fact& f = fact_of(p, slot);
  if (f.type == FactType::Number && f.grows_only)
    return sl.kind == FactKind::Clinical ? "wait: time only moves forward" : "continue the care";
  switch (sl.kind) {
    case FactKind::Request: return "change the request";
    case FactKind::Care: return "complete the care";
    case FactKind::Documentation: return "document it";
    case FactKind::Correctable: return "treat it";
    case FactKind::Clinical: return "hypothetical";
  }
  return "";
}

// The region of number `value` among the atom's regions (by representative).
const solver::NumberRegion* region_with(const std::vector<solver::NumberRegion>& regions, double value) {
  for (const auto& r : regions)
    if (r.representative == value) return &r;
  return nullptr;
}

// Consecutive outcomes with one decision, for a number: one merged range each.
struct Range {
  solver::NumberRegion span;
  double representative;
  Decision decision;
};

std::vector<Range> merged_ranges(const model::Policy& p, const Question& q) {
  int atom = p.vocab.slots[static_cast<size_t>(q.slot)].atoms[0];
  auto regions = solver::number_regions(p, atom);
  std::vector<Range> out;
  for (const auto& o : q.outcomes) {
    const solver::NumberRegion* r = region_with(regions, o.value[0]);
    if (!r) continue;
    if (!out.empty() && out.back().decision == o.decision && out.back().span.high == r->low) {
      out.back().span.high = r->high;
      out.back().span.high_closed = r->high_closed;
      continue;
    }
    out.push_back({*r, o.value[0], o.decision});
  }
  return out;
}

std::string range_text(const model::Fact& f, const solver::NumberRegion& r) {
  if (r.low == r.high) return "= " + number(r.low);
  std::string lo, hi;
  if (!(r.low == f.min && r.low_closed)) lo = (r.low_closed ? ">= " : "> ") + number(r.low);
  if (!std::isinf(r.high) && !(r.high == f.max && r.high_closed))
    hi = (r.high_closed ? "<= " : "< ") + number(r.high);
  if (lo.empty() && hi.empty()) return "any value";
  if (lo.empty()) return hi;
  if (hi.empty()) return lo;
  return lo + " and " + hi;
}

void range_json(std::string& out, const model::Fact& f, const solver::NumberRegion& r) {
  if (!(r.low == f.min && r.low_closed)) out += fmt::format("\"{}\":{},", r.low_closed ? "at_least" : "above", number(r.low));
  if (!std::isinf(r.high)) out += fmt::format("\"{}\":{},", r.high_closed ? "at_most" : "below", number(r.high));
}

std::string criterion_quote(const model::Criterion& c) {
  std::string cat = c.category.empty() ? "" : "(" + c.category + ") ";
  return fmt::format("{}{} ({}) [{}]\n      \"{}\"\n", cat, c.id, c.title, c.section, c.text);
}

// Why a barring slot cannot change as approval would need.
std::string bar_text(const model::Policy& p, const Explanation& e, int slot) {
  const model::Slot& sl = p.vocab.slots[static_cast<size_t>(slot)];
  const model::Fact& f = fact_of(p, slot);
  std::vector<double> old;
  for (int a : sl.atoms) old.push_back(e.closed.value[static_cast<size_t>(a)]);
  std::string v = value_text(p, slot, old, e.closed.cpt);
  solver::ChangeRule rule = solver::change_rule(p, slot, old);
  if (rule == solver::ChangeRule::GrowOnly)
    return fmt::format("{} is {} and can only grow ({})", sl.path, v,
                       sl.kind == FactKind::Clinical ? "time cannot go back" : "care given cannot be undone");
  if (rule != solver::ChangeRule::Fixed) return fmt::format("{} is {} and was held fixed (--keep)", sl.path, v);
  if (f.type == FactType::Bool || f.type == FactType::Group) {
    if (sl.kind == FactKind::Correctable) return fmt::format("{} is {}: a correctable condition is only ever treated away", sl.path, v);
    if (sl.kind == FactKind::Care || sl.kind == FactKind::Documentation)
      return fmt::format("{} is {}: what is completed stays completed", sl.path, v);
  }
  return fmt::format("{} is {} and may not change", sl.path, v);
}

}  // namespace

std::string slot_value_json(const model::Policy& p, int slot, const std::vector<double>& value,
                            const std::vector<model::CptLine>& cpt) {
  const model::Fact& f = fact_of(p, slot);
  switch (f.type) {
    case FactType::Bool:
    case FactType::Group: return value[0] != 0 ? "true" : "false";
    case FactType::Number: return number(value[0]);
    case FactType::Enum: return quoted(f.values[static_cast<size_t>(value[0])]);
    case FactType::EnumSet:
    case FactType::CodeList: {
      std::string out = "[";
      bool first = true;
      for (size_t i = 0; i < value.size(); ++i) {
        if (value[i] == 0) continue;
        if (!first) out += ',';
        first = false;
        if (f.type == FactType::EnumSet) {
          model::json_escape(out, f.values[i]);
          continue;
        }
        std::uint64_t units = 1;
        for (const auto& line : cpt)
          if (line.code == f.values[i]) units = line.units;
        out += "{\"code\":" + quoted(f.values[i]) + fmt::format(",\"units\":{}}}", units);
      }
      return out + "]";
    }
  }
  return "null";
}

std::string explanation_json(const model::Policy& p, const model::Case& original, const Explanation& e) {
  std::string out = "{\"case_id\":";
  if (original.has_case_id) model::json_escape(out, original.case_id);
  else out += "null";
  out += ",\"decision\":";
  model::json_escape(out, model::to_string(e.result.decision));
  out += ",\"policy\":{\"id\":" + quoted(p.id) + ",\"version\":" + quoted(p.version) + ",\"sha256\":" + quoted(p.sha256) + "}";
  out += ",\"reasons\":[";
  for (size_t i = 0; i < e.reasons.size(); ++i) {
    if (i) out += ',';
    model::json_escape(out, p.criteria[static_cast<size_t>(e.reasons[i])].id);
  }
  out += "]";
  out += case_reasons_json_fields(p, case_reasons(p, original, e));
  out += ",\"corrections\":[";
  for (size_t i = 0; i < e.mcs.corrections.size(); ++i) {
    const auto& k = e.mcs.corrections[i];
    if (i) out += ',';
    out += "{\"changes\":[";
    for (size_t j = 0; j < k.changes.size(); ++j) {
      const auto& ch = k.changes[j];
      if (j) out += ',';
      const model::Slot& sl = p.vocab.slots[static_cast<size_t>(ch.slot)];
      out += "{\"fact\":" + quoted(sl.path) + ",\"kind\":" + quoted(model::to_string(sl.kind));
      out += ",\"from\":" + slot_value_json(p, ch.slot, ch.from, original.cpt);
      out += ",\"to\":" + slot_value_json(p, ch.slot, ch.to, original.cpt) + "}";
    }
    out += fmt::format("],\"actionable\":{}}}", k.actionable ? "true" : "false");
  }
  out += fmt::format("],\"complete\":{}", e.mcs.complete ? "true" : "false");
  out += fmt::format(",\"unknown_facts\":{}", e.unknown_slots);
  out += ",\"questions\":[";
  for (size_t i = 0; i < e.questions.size(); ++i) {
    const Question& q = e.questions[i];
    const model::Fact& f = fact_of(p, q.slot);
    if (i) out += ',';
    out += "{\"fact\":" + quoted(p.vocab.slots[static_cast<size_t>(q.slot)].path);
    out += ",\"approve\":" + (q.approve >= 0 ? slot_value_json(p, q.slot, q.outcomes[static_cast<size_t>(q.approve)].value) : "null");
    out += ",\"deny\":" + (q.deny >= 0 ? slot_value_json(p, q.slot, q.outcomes[static_cast<size_t>(q.deny)].value) : "null");
    out += ",\"outcomes\":[";
    if (f.type == FactType::Number) {
      auto ranges = merged_ranges(p, q);
      for (size_t j = 0; j < ranges.size(); ++j) {
        if (j) out += ',';
        out += '{';
        range_json(out, f, ranges[j].span);
        out += "\"value\":" + number(ranges[j].representative) + ",\"decision\":" + quoted(model::to_string(ranges[j].decision)) + "}";
      }
    } else {
      for (size_t j = 0; j < q.outcomes.size(); ++j) {
        if (j) out += ',';
        out += "{\"value\":" + slot_value_json(p, q.slot, q.outcomes[j].value) +
               ",\"decision\":" + quoted(model::to_string(q.outcomes[j].decision)) + "}";
      }
    }
    out += "]}";
  }
  out += ']';
  bool denied = e.result.decision != Decision::MedicallyNecessary;
  if (denied && e.mcs.corrections.empty() && e.mcs.complete) {
    out += ",\"barred_by\":{\"facts\":[";
    for (size_t i = 0; i < e.mcs.barring_slots.size(); ++i) {
      if (i) out += ',';
      model::json_escape(out, p.vocab.slots[static_cast<size_t>(e.mcs.barring_slots[i])].path);
    }
    out += fmt::format("],\"unknown_facts\":{},\"criteria\":[", e.mcs.barred_by_unknowns ? "true" : "false");
    for (size_t i = 0; i < e.mcs.barring_criteria.size(); ++i) {
      if (i) out += ',';
      model::json_escape(out, p.criteria[static_cast<size_t>(e.mcs.barring_criteria[i])].id);
    }
    out += "]}";
  }
  if (!e.result.exact || !e.mcs.exact) {
    out += ",\"reason\":";
    model::json_escape(out, !e.result.exact ? e.result.reason : e.mcs.reason);
  }
  out += '}';
  return out;
}

std::string explanation_text(const model::Policy& p, const model::Case& original, const Explanation& e) {
  std::string out;
  Decision d = e.result.decision;
  switch (d) {
    case Decision::MedicallyNecessary: out += "MEDICALLY NECESSARY"; break;
    case Decision::NotMedicallyNecessary: out += "NOT MEDICALLY NECESSARY"; break;
    case Decision::Undetermined: out += "UNDETERMINED"; break;
    case Decision::OutOfScope: out += "OUT OF SCOPE"; break;
  }
  out += fmt::format("  case {}  ({} {}, policy sha256 {})\n", original.has_case_id ? original.case_id : "(no case_id)",
                     p.id, p.version, p.sha256.substr(0, 12));
  if (d == Decision::OutOfScope && p.scope >= 0) {  // neither approved nor denied: nothing to correct
    const auto& sc = p.criteria[static_cast<size_t>(p.scope)];
    out += fmt::format("\nThe policy does not address this case ({} not met):\n  - {} ({}) [{}]\n      \"{}\"\n", sc.id, sc.id,
                       sc.title, sc.section, sc.text);
    return out;
  }
  if (!e.result.exact) out += fmt::format("  the solver could not decide exactly: {}\n", e.result.reason);
  for (const auto& rd : p.readings_in_force()) out += "  under the reading " + rd + " (--reading)\n";
  out += case_reasons_text(p, case_reasons(p, original, e));
  if (d == Decision::MedicallyNecessary && e.result.exact) {
    out += "\nNothing to correct: the case meets a pathway and no exclusion applies.\n";
    return out;
  }

  if (!e.questions.empty()) {
    out += "\nStill to find out (each could change the decision; what learning it alone would decide):\n";
    for (const Question& q : e.questions) {
      const model::Fact& f = fact_of(p, q.slot);
      out += fmt::format("  - {}\n", p.vocab.slots[static_cast<size_t>(q.slot)].path);
      if (f.type == FactType::Number) {
        for (const auto& r : merged_ranges(p, q))
          out += fmt::format("      {}: {}\n", range_text(f, r.span), decision_words(r.decision));
      } else if (f.type == FactType::EnumSet || f.type == FactType::CodeList) {
        // Group the single-member arrays by what they decide.
        for (Decision dd : {Decision::MedicallyNecessary, Decision::NotMedicallyNecessary, Decision::Undetermined}) {
          std::string vals;
          for (const auto& o : q.outcomes)
            if (o.decision == dd) {
              if (!vals.empty()) vals += ' ';
              vals += value_text(p, q.slot, o.value, {});
            }
          if (!vals.empty()) out += fmt::format("      {}: {}\n", vals, decision_words(dd));
        }
      } else {
        for (const auto& o : q.outcomes)
          out += fmt::format("      {}: {}\n", value_text(p, q.slot, o.value, {}), decision_words(o.decision));
      }
    }
  }

  bool partial = e.unknown_slots > 0;
  const auto& ks = e.mcs.corrections;
  if (!ks.empty()) {
    int actionable = 0;
    for (const auto& k : ks) actionable += k.actionable;
    out += fmt::format("\n{} minimal set{} of changes make{} it medically necessary{}", ks.size(), ks.size() == 1 ? "" : "s",
                       ks.size() == 1 ? "s" : "", partial ? " whatever the unknown facts turn out to be" : "");
    size_t hypothetical = ks.size() - static_cast<size_t>(actionable);
    if (actionable == 0)
      out += hypothetical == 1 ? " (hypothetical: it changes the patient's clinical state):\n"
                               : " (all hypothetical: each changes the patient's clinical state):\n";
    else if (hypothetical == 0)
      out += fmt::format(" ({} actionable):\n", actionable);
    else
      out += fmt::format(" ({} actionable, then {} hypothetical: they change the patient's clinical state):\n",
                         actionable, hypothetical);
    for (size_t i = 0; i < ks.size(); ++i) {
      const auto& k = ks[i];
      std::string label = fmt::format("  {}. ", i + 1);
      out += label + (k.actionable ? "" : "[hypothetical] ");
      std::string pad(label.size(), ' ');
      for (size_t j = 0; j < k.changes.size(); ++j) {
        const auto& ch = k.changes[j];
        if (j) out += pad;
        std::vector<model::CptLine> to_cpt = apply_correction(p, e.closed, k).cpt;
        out += fmt::format("{}: {} -> {}  ({})\n", p.vocab.slots[static_cast<size_t>(ch.slot)].path,
                           value_text(p, ch.slot, ch.from, e.closed.cpt), value_text(p, ch.slot, ch.to, to_cpt),
                           how(p, ch.slot));
      }
    }
    if (!e.mcs.complete) {
      out += e.mcs.exact ? "  (more sets exist: raise --max to see them)\n"
                         : fmt::format("  (the search stopped early: {})\n", e.mcs.reason);
    }
  } else if (!e.mcs.complete) {
    out += fmt::format("\nThe search for changes stopped before finding one: {}\n", e.mcs.reason);
  } else {
    out += partial ? "\nNo change of the known facts makes it medically necessary whatever the unknown facts turn out to be"
                   : "\nNo change of the case's facts can make it medically necessary";
    bool any = !e.mcs.barring_slots.empty() || e.mcs.barred_by_unknowns || !e.mcs.barring_criteria.empty();
    out += any ? ":\n" : ".\n";
    for (int s : e.mcs.barring_slots) out += "  - " + bar_text(p, e, s) + "\n";
    if (e.mcs.barred_by_unknowns)
      out += "  - the facts still unknown: some of their values deny it whatever else changes\n";
    bool excl = !e.mcs.barring_criteria.empty() &&
                p.criteria[static_cast<size_t>(e.mcs.barring_criteria[0])].kind == model::CriterionKind::Exclusion;
    if (!e.mcs.barring_criteria.empty())
      out += excl ? "  so these exclusions apply whatever may change:\n" : "  so no allowed change meets these pathways:\n";
    for (int c : e.mcs.barring_criteria) out += "    - " + criterion_quote(p.criteria[static_cast<size_t>(c)]);
  }
  return out;
}

}  // namespace pp::explain
