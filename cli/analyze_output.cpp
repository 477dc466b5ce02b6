#include "cli/analyze_output.h"

#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <set>

#include "cli/text_wrap.h"
#include "model/case_writer.h"
#include "model/json_text.h"
#include "solver/finding_facts.h"
#include "solver/policy_differ.h"

namespace pp::cli {

namespace {

void append_claims(std::string& out, const std::vector<solver::Claim>& claims) {
  out += '[';
  for (size_t i = 0; i < claims.size(); ++i) {
    const auto& c = claims[i];
    if (i) out += ',';
    out += "{\"reading\":";
    model::json_escape(out, c.reading.empty() ? "encoded" : c.reading);
    if (c.decision) {
      out += ",\"decision\":";
      model::json_escape(out, model::to_string(*c.decision));
    }
    out += ",\"criteria\":{";
    for (size_t k = 0; k < c.criteria.size(); ++k) {
      if (k) out += ',';
      model::json_escape(out, c.criteria[k].first);
      out += c.criteria[k].second ? ":true" : ":false";
    }
    out += "},\"holds\":[";
    for (size_t k = 0; k < c.holds.size(); ++k) {
      if (k) out += ',';
      model::json_escape(out, c.holds[k].text);
    }
    out += "]}";
  }
  out += ']';
}

std::string shortened(const std::string& m, size_t max) {
  if (m.size() <= max) return m;
  size_t cut = std::string::npos;
  for (const char* sep : {"; ", ": ", ", "}) {
    size_t at = m.rfind(sep, max);
    if (at != std::string::npos && at > max / 2 && (cut == std::string::npos || at > cut)) cut = at;
  }
  if (cut == std::string::npos) cut = m.rfind(' ', max);
  return m.substr(0, cut) + " [...]";
}

std::string about(const solver::Finding& f) {
  return f.criteria.empty() ? f.subject : f.subject.empty() ? f.criteria[0] : f.criteria[0] + " | " + f.subject;
}

// The policy a claim's reading ("AMB.id/reading") names, loaded once.
class ReadingPolicies {
 public:
  ReadingPolicies(const model::Policy& policy, const model::PolicySource& source) : policy_(policy), source_(source) {}
  const model::Policy& operator()(const std::string& reading) {
    auto it = loaded_.find(reading);
    if (it != loaded_.end()) return *it->second;
    auto slash = reading.find('/');
    for (const auto& amb : policy_.ambiguities)
      if (amb.id == reading.substr(0, slash))
        for (const auto& r : amb.readings)
          if (slash != std::string::npos && r.id == reading.substr(slash + 1))
            return *(loaded_[reading] = solver::load_reading(source_, r));
    return policy_;
  }

 private:
  const model::Policy& policy_;
  const model::PolicySource& source_;
  std::map<std::string, std::shared_ptr<const model::Policy>> loaded_;
};

// What a finding is about, then its message (without repeating the subject
// when the message opens with it), cut to `max` characters (0: whole).
std::string headline(const solver::Finding& f, size_t max) {
  std::string head = about(f);
  std::string m = max ? shortened(f.message, max) : f.message;
  for (const std::string& opening : {head, f.subject, f.criteria.empty() ? std::string() : f.criteria[0]})
    if (!opening.empty() && m.rfind(opening, 0) == 0) return f.subject.empty() || opening != f.subject ? m : head + m.substr(opening.size());
  return head.empty() ? m : head + ": " + m;
}

// The facts that make a witness: true yes/no facts, numbers, enums and sets
// it needs; the yes/no facts it needs false are summed up as the baseline.
std::string witness_facts(const model::Policy& policy, const model::Case& c, const std::vector<solver::Claim>& claims,
                          ReadingPolicies& readings) {
  auto fn = [&](const std::string& r) -> const model::Policy& { return readings(r); };
  std::vector<int> shown;
  int hidden = 0;
  for (int s : solver::deciding_slots(c, claims, policy, fn)) {
    const auto& slot = policy.vocab.slots[s];
    auto type = policy.vocab.facts[slot.fact].type;
    bool yes_no = type == model::FactType::Bool || type == model::FactType::Group;
    if (yes_no && c.value[slot.atoms[0]] == 0) ++hidden;
    else shown.push_back(s);
  }
  std::string out = solver::facts_text(policy, c, shown);
  return out.empty() ? "every yes/no fact false" : out + "; every other yes/no fact false";
}

// One finding a person reads: what it is about and the message, wrapped;
// the facts that make its witness (and contrast) show what it claims.
std::string finding_text(const model::Policy& policy, const solver::Finding& f, ReadingPolicies& readings) {
  std::string out = wrap_text(headline(f, f.severity == solver::Severity::Error ? 0 : 260), "", "    ");
  if ((f.kind == "text_number" || f.kind == "text_range") && !f.criteria.empty())
    if (int k = policy.find_criterion(f.criteria[0]); k >= 0) {
      out += wrap_text("\"" + policy.criteria[k].text + "\"", "  text: ", "    ");
      out += wrap_text("`" + policy.criteria[k].when_source + "`", "  condition: ", "    ");
    }
  if (f.witness)
    out += wrap_text(witness_facts(policy, *f.witness, f.claims, readings), "  witness " + f.witness->case_id + ": ", "    ");
  if (f.contrast)
    out += wrap_text(witness_facts(policy, *f.contrast, f.contrast_claims, readings), "  contrast " + f.contrast->case_id + ": ",
                     "    ");
  return out;
}

// "literal denies, calendar approves": what the message says after "some cases are".
std::string ambiguity_summary(const solver::Finding& f) {
  const std::string& m = f.message;
  auto at = m.find("some cases are ");
  if (at == std::string::npos) return shortened(m, 120);
  std::string rest = m.substr(at + 15);
  auto cut = rest.find(" (");
  auto there = rest.find("; there ");
  std::string s = rest.substr(0, cut);
  if (there != std::string::npos) s += ": " + rest.substr(there + 8);
  return shortened(s, 200);
}

// Design-level findings (info), one line each: conflicts by category folded
// per pathway, overlaps per pair, the rest shortened.
std::string info_text(const std::vector<const solver::Finding*>& fs) {
  std::string out;
  std::map<std::string, std::vector<std::string>> by_pathway;  // conflict by category
  std::vector<std::string> order;
  for (const auto* f : fs) {
    const std::string cat = "category: ";
    if (f->kind == "conflict" && f->subject.rfind(cat, 0) == 0 && !f->criteria.empty()) {
      if (!by_pathway.count(f->criteria[0])) order.push_back(f->criteria[0]);
      by_pathway[f->criteria[0]].push_back(f->subject.substr(cat.size()));
    }
  }
  for (const auto& pth : order) {
    const auto& cats = by_pathway[pth];
    std::string list;
    for (size_t i = 0; i < cats.size(); ++i) list += (i ? ", " : "") + cats[i];
    out += wrap_text(fmt::format("conflict {}: can be met while an exclusion applies, in {} categor{} ({}); the "
                                 "exclusion denies the case",
                                 pth, cats.size(), cats.size() == 1 ? "y" : "ies", list),
                     "  ", "    ");
  }
  // Facts no criterion reads (many where the vocabulary is shared with
  // another payer's policy): one paragraph naming them all.
  const std::string unread_prefix = "no criterion reads ";
  auto is_unread = [&](const solver::Finding& f) {
    return f.kind == "gap" && f.message.rfind(unread_prefix, 0) == 0;
  };
  std::vector<std::string> unread;
  for (const auto* f : fs)
    if (is_unread(*f)) unread.push_back(f->subject);
  bool unread_shown = false;
  for (const auto* f : fs) {
    if (is_unread(*f) && unread.size() > 1) {
      if (unread_shown) continue;
      unread_shown = true;
      std::string list;
      for (size_t i = 0; i < unread.size(); ++i) list += (i ? ", " : "") + unread[i];
      out += wrap_text(fmt::format("gap {} facts (or some of their values) no criterion reads: {}; cases differing "
                                   "only there get the same decision",
                                   unread.size(), list),
                       "  ", "    ");
      continue;
    }
    if (f->kind == "conflict" && f->subject.rfind("category: ", 0) == 0 && !f->criteria.empty()) continue;
    if (f->kind == "conflict" && f->subject.rfind("definition: ", 0) == 0 && !f->criteria.empty())
      out += wrap_text(fmt::format("conflict {} | {}: the text's definition covers a technique this exclusion bars",
                                   f->criteria[0], f->subject),
                       "  ", "    ");
    else if (f->kind == "ambiguity" && !f->criteria.empty())
      out += wrap_text(fmt::format("ambiguity {} ({}): {}", f->subject, f->criteria[0], ambiguity_summary(*f)), "  ", "    ");
    else if (f->kind == "overlap" && f->criteria.size() == 2)
      out += wrap_text(fmt::format("overlap {} + {}: a case can meet both; either pathway approves it", f->criteria[0],
                                   f->criteria[1]),
                       "  ", "    ");
    else
      out += wrap_text(f->kind + " " + headline(*f, 150), "  ", "    ");
  }
  return out;
}

}  // namespace

std::string analyze_json(const model::Policy& policy, const solver::Analysis& a) {
  std::string out = "{\"policy\":{\"id\":";
  model::json_escape(out, policy.id);
  out += ",\"version\":";
  model::json_escape(out, policy.version);
  out += ",\"file\":";
  model::json_escape(out, policy.file);
  out += ",\"sha256\":";
  model::json_escape(out, policy.sha256);
  out += "},\"findings\":[";
  for (size_t i = 0; i < a.findings.size(); ++i) {
    const auto& f = a.findings[i];
    if (i) out += ',';
    out += "{\"kind\":";
    model::json_escape(out, f.kind);
    out += ",\"severity\":";
    model::json_escape(out, solver::to_string(f.severity));
    out += ",\"criteria\":[";
    for (size_t k = 0; k < f.criteria.size(); ++k) {
      if (k) out += ',';
      model::json_escape(out, f.criteria[k]);
    }
    out += ']';
    if (!f.subject.empty()) {
      out += ",\"subject\":";
      model::json_escape(out, f.subject);
    }
    out += ",\"message\":";
    model::json_escape(out, f.message);
    if (f.witness) {
      out += ",\"witness\":" + model::write_case_json(policy.vocab, *f.witness);
      out += ",\"claims\":";
      append_claims(out, f.claims);
    }
    if (f.contrast) {
      out += ",\"contrast\":" + model::write_case_json(policy.vocab, *f.contrast);
      out += ",\"contrast_claims\":";
      append_claims(out, f.contrast_claims);
    }
    out += '}';
  }
  out += fmt::format("],\"summary\":{{\"error\":{},\"warning\":{},\"info\":{}}}}}\n", a.count(solver::Severity::Error),
                     a.count(solver::Severity::Warning), a.count(solver::Severity::Info));
  return out;
}

// A long message cut at a clause boundary near `max` characters (the whole
// message is in the JSON).
std::string analyze_text(const model::Policy& policy, const model::PolicySource& source, const solver::Analysis& a) {
  int e = a.count(solver::Severity::Error), w = a.count(solver::Severity::Warning), i = a.count(solver::Severity::Info);
  std::string out = wrap_text(fmt::format("analyze {} {}: {} finding{}: {} error{}, {} warning{}, {} info", policy.id,
                                          policy.version, a.findings.size(), a.findings.size() == 1 ? "" : "s", e,
                                          e == 1 ? "" : "s", w, w == 1 ? "" : "s", i),
                              "", "  ");
  out += wrap_text(fmt::format("{}, sha256 {}", policy.file, policy.sha256), "  ", "  ");
  out += wrap_text("witnesses below show the facts that make them witnesses; whole cases: --format json, or "
                   "--witness-dir DIR",
                   "  ", "  ");
  ReadingPolicies readings(policy, source);
  for (auto sev : {solver::Severity::Error, solver::Severity::Warning, solver::Severity::Info}) {
    std::vector<std::string> kinds;  // in order of first appearance
    std::map<std::string, std::vector<const solver::Finding*>> by_kind;
    for (const auto& f : a.findings) {
      if (f.severity != sev) continue;
      if (!by_kind.count(f.kind)) kinds.push_back(f.kind);
      by_kind[f.kind].push_back(&f);
    }
    if (kinds.empty()) continue;
    int n = a.count(sev);
    out += fmt::format("\n== {} ({})\n", sev == solver::Severity::Error ? "errors" : sev == solver::Severity::Warning ? "warnings" : "info", n);
    if (sev == solver::Severity::Info) {
      std::vector<const solver::Finding*> all;
      for (const auto& k : kinds) all.insert(all.end(), by_kind[k].begin(), by_kind[k].end());
      out += info_text(all);
      continue;
    }
    for (const auto& k : kinds) {
      out += fmt::format("-- {} ({})\n", k, by_kind[k].size());
      for (const auto* f : by_kind[k]) out += finding_text(policy, *f, readings);
    }
  }
  return out;
}

}  // namespace pp::cli
