#include "explain/explanation_writer.h"

#include "explain/case_reasons.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include <fmt/format.h>

#include "model/change_rules.h"
#include "model/number_regions.h"
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

std::string value_text_plain(const model::Policy& p, int slot, const std::vector<double>& value) {
  return value_text(p, slot, value, {});
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
std::string how(const model::Policy& p, const solver::SlotChange& ch) {
  const model::Slot& sl = p.vocab.slots[static_cast<size_t>(ch.slot)];
  const model::Fact& f = fact_of(p, ch.slot);
  if (ch.follows) {
    if (f.type == FactType::Number)
      return fmt::format("the time the care takes: {} week{}", number(ch.to[0] - ch.from[0]),
                         ch.to[0] - ch.from[0] == 1 ? "" : "s");
    return "follows the new request";
  }
  switch (sl.kind) {
    case FactKind::Request: return "change the request";
    case FactKind::Care: return f.type == FactType::Number ? "complete the care" : "complete the care";
    case FactKind::Documentation: return "document it";
    case FactKind::Correctable: return "treat it";
    case FactKind::Elapsed: return "wait: time only moves forward";
    case FactKind::Plan: return "hypothetical: the treating team's plan";
    case FactKind::Clinical: return "hypothetical: the patient's state";
  }
  return "";
}

// An answer to a question as a person reads it: yes/no for a yes/no fact.
std::string answer_text(const model::Policy& p, int slot, const std::vector<double>& value) {
  const model::Fact& f = fact_of(p, slot);
  if (f.type == FactType::Bool || f.type == FactType::Group) return value[0] != 0 ? "yes" : "no";
  return value_text_plain(p, slot, value);
}

// The region of number `value` among the atom's regions (by representative).
const model::NumberRegion* region_with(const std::vector<model::NumberRegion>& regions, double value) {
  for (const auto& r : regions)
    if (r.representative == value) return &r;
  return nullptr;
}

// Consecutive outcomes with one decision, for a number: one merged range each.
struct Range {
  model::NumberRegion span;
  double representative;
  Decision decision;
};

std::vector<Range> merged_ranges(const model::Policy& p, const Question& q) {
  int atom = p.vocab.slots[static_cast<size_t>(q.slot)].atoms[0];
  auto regions = model::number_regions(p, atom);
  std::vector<Range> out;
  for (const auto& o : q.outcomes) {
    const model::NumberRegion* r = region_with(regions, o.value[0]);
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

std::string range_text(const model::Fact& f, const model::NumberRegion& r) {
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

void range_json(std::string& out, const model::Fact& f, const model::NumberRegion& r) {
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
  model::ChangeRule rule = model::change_rule(p, slot, old);
  if (rule == model::ChangeRule::GrowOnly)
    return fmt::format("{} is {} and can only grow ({})", sl.path, v,
                       sl.kind == FactKind::Elapsed ? "time cannot go back" : "care given cannot be undone");
  if (rule == model::ChangeRule::Subset)
    return fmt::format("{} is {}: levels can be dropped, never added (the fracture is where it is)", sl.path, v);
  if (rule != model::ChangeRule::Fixed) return fmt::format("{} is {} and was held fixed (--keep)", sl.path, v);
  if (f.type == FactType::Bool || f.type == FactType::Group) {
    if (sl.kind == FactKind::Correctable) return fmt::format("{} is {}: a correctable condition is only ever treated away", sl.path, v);
    if (sl.kind == FactKind::Care || sl.kind == FactKind::Documentation)
      return fmt::format("{} is {}: what is completed stays completed", sl.path, v);
  }
  return fmt::format("{} is {} and may not change", sl.path, v);
}

// The CPT lines of the corrected case (codes that follow a changed request).
std::vector<model::CptLine> corrected_cpt(const model::Policy& p, const Explanation& e, const solver::Correction& k) {
  return apply_correction(p, e.closed, k).cpt;
}

// How far the set moves the clock (the time it needs), or 0.
double weeks_needed(const model::Policy& p, const solver::Correction& k) {
  int clock = model::clock_slot(p);
  for (const auto& ch : k.changes)
    if (ch.slot == clock) return ch.to[0] - ch.from[0];
  return 0;
}

// Outcome `idx` of q as an answer: "yes", "<= 6", "vertebroplasty".
std::string answer_words(const model::Policy& p, const Question& q, int idx) {
  const model::Fact& f = fact_of(p, q.slot);
  const auto& o = q.outcomes[static_cast<size_t>(idx)];
  if (f.type == FactType::Number) {
    for (const auto& r : merged_ranges(p, q))
      if (r.span.low <= o.value[0] && (o.value[0] <= r.span.high) &&
          (r.span.low_closed || o.value[0] > r.span.low) && (r.span.high_closed || o.value[0] < r.span.high))
        return range_text(f, r.span);
  }
  return answer_text(p, q.slot, o.value);
}

// "by the time 4 weeks of care are complete the pain is 28 weeks old: NI.chronic_pain (...) then applies"
std::string time_bar_text(const model::Policy& p, const solver::TimeBar& tb) {
  int clock = model::clock_slot(p);
  std::string then = p.vocab.time.says;
  if (auto at = then.find("{}"); at != std::string::npos) then.replace(at, 2, number(tb.clock_then));
  else then = fmt::format("{} is {}", p.vocab.slots[static_cast<size_t>(clock)].path, number(tb.clock_then));
  std::string out = fmt::format("by the time {} week{} of care {} complete {}: ", number(tb.weeks), tb.weeks == 1 ? "" : "s",
                                tb.weeks == 1 ? "is" : "are", then);
  if (tb.exclusions.empty()) return out + "no pathway is met any more";
  for (size_t i = 0; i < tb.exclusions.size(); ++i) {
    const model::Criterion& c = p.criteria[static_cast<size_t>(tb.exclusions[i])];
    if (i) out += i + 1 == tb.exclusions.size() ? " and " : ", ";
    std::string cat = c.category.empty() ? "exclusion" : c.category;
    std::replace(cat.begin(), cat.end(), '_', '-');
    out += fmt::format("the {} {} ({})", cat, c.id, c.title);
  }
  return out + (tb.exclusions.size() == 1 ? " then applies" : " then apply");
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
      out += ",\"to\":" + slot_value_json(p, ch.slot, ch.to, ch.follows ? corrected_cpt(p, e, k) : original.cpt);
      out += fmt::format(",\"follows\":{}}}", ch.follows ? "true" : "false");
    }
    out += fmt::format("],\"actionable\":{}", k.actionable ? "true" : "false");
    double weeks = weeks_needed(p, k);
    if (weeks > 0) out += ",\"weeks\":" + number(weeks);
    out += '}';
  }
  out += fmt::format("],\"complete\":{}", e.mcs.complete ? "true" : "false");
  out += fmt::format(",\"unknown_facts\":{}", e.unknown_slots);
  out += ",\"decisive_unknowns\":[";
  for (size_t i = 0; i < e.result.decisive_unknowns.size(); ++i) {
    if (i) out += ',';
    model::json_escape(out, p.vocab.slots[static_cast<size_t>(e.result.decisive_unknowns[i])].path);
  }
  out += fmt::format("],\"questions_worst_path\":{}", e.questions_worst_path);
  out += ",\"questions\":[";
  for (size_t i = 0; i < e.questions.size(); ++i) {
    const Question& q = e.questions[i];
    const model::Fact& f = fact_of(p, q.slot);
    if (i) out += ',';
    out += "{\"fact\":" + quoted(p.vocab.slots[static_cast<size_t>(q.slot)].path);
    out += ",\"question\":" + quoted(q.text) + ",\"topic\":" + quoted(q.topic);
    int approve_at = q.approve >= 0 ? q.approve : q.open;
    out += ",\"approve_if\":" + (approve_at >= 0 ? quoted(answer_words(p, q, approve_at)) : std::string("null"));
    out += ",\"approve_alone\":" + std::string(q.approve >= 0 ? "true" : "false");
    out += ",\"deny_if\":" + (q.deny >= 0 ? quoted(answer_words(p, q, q.deny)) : std::string("null"));
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
  if (e.mcs.time_bar.applies) {
    const auto& tb = e.mcs.time_bar;
    out += ",\"time_bar\":{\"weeks\":" + number(tb.weeks) + ",\"clock\":";
    int clock = model::clock_slot(p);
    model::json_escape(out, p.vocab.slots[static_cast<size_t>(clock)].path);
    out += ",\"from\":" + number(tb.clock_from) + ",\"then\":" + number(tb.clock_then) + ",\"exclusions\":[";
    for (size_t i = 0; i < tb.exclusions.size(); ++i) {
      if (i) out += ',';
      model::json_escape(out, p.criteria[static_cast<size_t>(tb.exclusions[i])].id);
    }
    out += "],\"text\":" + quoted(time_bar_text(p, tb)) + "}";
  }
  if (!e.result.exact || !e.mcs.exact) {
    out += ",\"reason\":";
    model::json_escape(out, !e.result.exact ? e.result.reason : e.mcs.reason);
  }
  out += '}';
  return out;
}

namespace {

// The questions of an undetermined case, first: by topic, in the order to ask.
std::string questions_text(const model::Policy& p, const Explanation& e) {
  if (e.questions.empty()) return "";
  std::string out = fmt::format("\nAsk first: {} question{} decide{} it", e.questions.size(), e.questions.size() == 1 ? "" : "s",
                                e.questions.size() == 1 ? "s" : "");
  if (e.questions.size() > 1)
    out += fmt::format(" (in this order; the worst path needs {})", e.questions_worst_path);
  out += ":\n";
  std::string topic;
  auto outcome_words = [](Decision dd) {
    return dd == Decision::Undetermined ? std::string("still open (rests on the other questions)") : std::string(decision_words(dd));
  };
  for (size_t i = 0; i < e.questions.size(); ++i) {
    const Question& q = e.questions[i];
    const model::Fact& f = fact_of(p, q.slot);
    if (q.topic != topic) {
      topic = q.topic;
      std::string words = topic;
      std::replace(words.begin(), words.end(), '_', ' ');
      out += "  " + words + "\n";
    }
    out += fmt::format("    {}. {}  [{}]\n", i + 1, q.text, p.vocab.slots[static_cast<size_t>(q.slot)].path);
    if (f.type == FactType::Number) {
      for (const auto& r : merged_ranges(p, q))
        out += fmt::format("      {}: {}\n", range_text(f, r.span), outcome_words(r.decision));
    } else if (f.type == FactType::EnumSet || f.type == FactType::CodeList) {
      for (Decision dd : {Decision::MedicallyNecessary, Decision::NotMedicallyNecessary, Decision::Undetermined}) {
        std::string vals;
        for (const auto& o : q.outcomes)
          if (o.decision == dd) {
            if (!vals.empty()) vals += ' ';
            vals += value_text(p, q.slot, o.value, {});
          }
        if (!vals.empty()) out += fmt::format("      {}: {}\n", vals, outcome_words(dd));
      }
    } else {
      for (const auto& o : q.outcomes)
        out += fmt::format("      {}: {}\n", answer_text(p, q.slot, o.value), outcome_words(o.decision));
    }
  }
  return out;
}

}  // namespace

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
  if (d == Decision::MedicallyNecessary && e.result.exact) {
    out += case_reasons_text(p, case_reasons(p, original, e));
    out += "\nNothing to correct: the case meets a pathway and no exclusion applies.\n";
    return out;
  }

  // An undetermined case leads with what is still to find out, then why.
  out += questions_text(p, e);
  out += case_reasons_text(p, case_reasons(p, original, e));

  bool partial = e.unknown_slots > 0;
  bool undetermined = d == Decision::Undetermined;
  const auto& ks = e.mcs.corrections;
  std::vector<size_t> act, hyp;
  for (size_t i = 0; i < ks.size(); ++i) (ks[i].actionable ? act : hyp).push_back(i);
  std::string whatever = partial ? " whatever the unknown facts turn out to be" : "";
  auto write_set = [&](size_t n, const solver::Correction& k) {
    std::string label = fmt::format("  {}. ", n);
    std::string pad(label.size(), ' ');
    std::vector<model::CptLine> to_cpt = apply_correction(p, e.closed, k).cpt;
    // The changes to make, then what follows from them (time, codes).
    std::vector<const solver::SlotChange*> shown;
    for (bool follows : {false, true})
      for (const auto& ch : k.changes)
        if (ch.follows == follows) shown.push_back(&ch);
    for (size_t j = 0; j < shown.size(); ++j) {
      const auto& ch = *shown[j];
      out += j ? pad : label;
      out += fmt::format("{}: {} -> {}  ({})\n", p.vocab.slots[static_cast<size_t>(ch.slot)].path,
                         value_text(p, ch.slot, ch.from, e.closed.cpt), value_text(p, ch.slot, ch.to, to_cpt), how(p, ch));
    }
  };
  if (!act.empty()) {
    out += fmt::format("\n{} set{} of changes the provider can make make{} it medically necessary{}:\n", act.size(),
                       act.size() == 1 ? "" : "s", act.size() == 1 ? "s" : "", whatever);
    for (size_t i = 0; i < act.size(); ++i) write_set(i + 1, ks[act[i]]);
  } else if (!ks.empty() || e.mcs.time_bar.applies) {
    out += undetermined ? "\nNo change the provider can make settles it before the questions are answered.\n"
                        : "\nNo change the provider can make makes it medically necessary.\n";
  }
  if (e.mcs.time_bar.applies) out += "  Time closes the door: " + time_bar_text(p, e.mcs.time_bar) + ".\n";
  if (!hyp.empty()) {
    constexpr size_t kShown = 3;
    size_t shown = std::min(hyp.size(), kShown);
    out += fmt::format("\nHypothetical only ({} set{}): each needs the patient's clinical state or the treating "
                       "team's plan to be other than it is, so none is a change to request{}:\n",
                       hyp.size(), hyp.size() == 1 ? "" : "s", hyp.size() > shown ? fmt::format("; the first {}", shown) : "");
    for (size_t i = 0; i < shown; ++i) write_set(act.size() + i + 1, ks[hyp[i]]);
    if (hyp.size() > shown)
      out += fmt::format("  ({} more hypothetical set{}: --format json lists them all)\n", hyp.size() - shown,
                         hyp.size() - shown == 1 ? "" : "s");
  }
  if (!ks.empty() && !e.mcs.complete) {
    out += e.mcs.exact ? "  (more sets exist: raise --max to see them)\n"
                       : fmt::format("  (the search stopped early: {})\n", e.mcs.reason);
  } else if (ks.empty() && !e.mcs.complete) {
    out += fmt::format("\nThe search for changes stopped before finding one: {}\n", e.mcs.reason);
  } else if (ks.empty()) {
    if (undetermined)
      out += "\nNo change of the known facts makes it medically necessary for every answer to the questions; "
             "the answers above can still approve it";
    else
      out += partial ? "\nNo change of the known facts makes it medically necessary whatever the unknown facts turn out to be"
                     : "\nNo change of the case's facts can make it medically necessary";
    bool any = !e.mcs.barring_slots.empty() || (e.mcs.barred_by_unknowns && !undetermined) || !e.mcs.barring_criteria.empty();
    out += any ? ":\n" : ".\n";
    for (int s : e.mcs.barring_slots) out += "  - " + bar_text(p, e, s) + "\n";
    if (e.mcs.barred_by_unknowns && !undetermined)
      out += "  - the facts still unknown: some of their values deny it whatever else changes\n";
    bool excl = !e.mcs.barring_criteria.empty() &&
                p.criteria[static_cast<size_t>(e.mcs.barring_criteria[0])].kind == model::CriterionKind::Exclusion;
    if (!e.mcs.barring_criteria.empty())
      out += excl ? (undetermined ? "  so, whatever may change, these exclusions apply unless the answers rule them out:\n"
                                  : "  so these exclusions apply whatever may change:\n")
                  : "  so no allowed change meets these pathways:\n";
    for (int c : e.mcs.barring_criteria) out += "    - " + criterion_quote(p.criteria[static_cast<size_t>(c)]);
  }
  return out;
}

}  // namespace pp::explain
