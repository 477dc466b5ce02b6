#include "cli/diff_output.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

#include "model/case_writer.h"
#include "model/json_text.h"

namespace pp::cli {

namespace {

void append_policy(std::string& out, const model::Policy& p) {
  out += "{\"file\":";
  model::json_escape(out, p.file);
  out += ",\"id\":";
  model::json_escape(out, p.id);
  out += ",\"version\":";
  model::json_escape(out, p.version);
  out += ",\"sha256\":";
  model::json_escape(out, p.sha256);
  out += '}';
}

void append_optional_bool(std::string& out, const std::optional<bool>& b) {
  out += b ? (*b ? "true" : "false") : "null";
}

const char* short_decision(model::Decision d) {
  switch (d) {
    case model::Decision::MedicallyNecessary: return "approves";
    case model::Decision::NotMedicallyNecessary: return "denies";
    case model::Decision::Undetermined: return "undetermined";
    case model::Decision::OutOfScope: return "out of scope";
  }
  return "?";
}

// What a region is about, in a few words: its criteria's titles.
std::string region_label(const model::Policy& a, const model::Policy& b, const solver::Region& r) {
  std::string out;
  for (const auto& c : r.criteria) {
    const model::Policy& p = c.before ? a : b;
    int i = p.find_criterion(c.id);
    if (!out.empty()) out += " + ";
    out += c.id;
    if (i >= 0) out += " (" + p.criteria[static_cast<size_t>(i)].title + ")";
  }
  return out;
}

void append_lines(std::string& out, const RegionCount& rc) {
  out += fmt::format("{{\"count\":{},\"lines\":[", rc.count);
  for (size_t i = 0; i < rc.lines.size(); ++i) out += (i ? "," : "") + std::to_string(rc.lines[i]);
  out += fmt::format("],\"lines_complete\":{}}}", rc.lines.size() == rc.count ? "true" : "false");
}

std::string value_text(const std::optional<bool>& v) { return v ? (*v ? "met" : "unmet") : "absent"; }

std::string lines_text(const RegionCount& rc) {
  std::string out;
  for (size_t i = 0; i < rc.lines.size() && i < 20; ++i) out += (i ? ", " : "") + std::to_string(rc.lines[i]);
  if (rc.count > 20) out += fmt::format(", ... ({} more)", rc.count - std::min<size_t>(rc.count, 20));
  return out;
}

std::string xml_text(const std::string& s) {
  std::string out;
  for (char ch : s) {
    if (ch == '<') out += "&lt;";
    else if (ch == '>') out += "&gt;";
    else if (ch == '&') out += "&amp;";
    else if (ch == '"') out += "&quot;";
    else out += ch;
  }
  return out;
}

}  // namespace

std::string diff_json(const model::Policy& a, const model::Policy& b, const solver::PolicyDiff& d,
                      const std::optional<CorpusFlips>& corpus) {
  std::string out = "{\"verdict\":";
  model::json_escape(out, solver::to_string(d.decisions.verdict()));
  out += ",\"comparison\":";
  model::json_escape(out, d.decisions.payers ? "payers" : "versions");
  out += ",\"old\":";
  append_policy(out, a);
  out += ",\"new\":";
  append_policy(out, b);
  out += ",\"changes\":[";
  for (size_t i = 0; i < d.changes.size(); ++i) {
    const auto& c = d.changes[i];
    if (i) out += ',';
    out += "{\"what\":";
    model::json_escape(out, c.what);
    out += ",\"id\":";
    model::json_escape(out, c.id);
    out += ",\"change\":";
    model::json_escape(out, c.change);
    out += ",\"before\":";
    model::json_escape(out, c.before);
    out += ",\"after\":";
    model::json_escape(out, c.after);
    out += '}';
  }
  out += "],\"decisions_differ\":";
  out += d.decisions.regions.empty() ? "false" : "true";
  out += ",\"complete\":";
  out += d.decisions.complete ? "true" : "false";
  if (!d.decisions.complete) {
    out += ",\"reason\":";
    model::json_escape(out, d.decisions.reason);
  }
  out += ",\"regions\":[";
  for (size_t i = 0; i < d.decisions.regions.size(); ++i) {
    const auto& r = d.decisions.regions[i];
    if (i) out += ',';
    out += "{\"before\":";
    model::json_escape(out, model::to_string(r.before));
    out += ",\"after\":";
    model::json_escape(out, model::to_string(r.after));
    out += ",\"criteria\":[";
    for (size_t k = 0; k < r.criteria.size(); ++k) {
      const auto& c = r.criteria[k];
      if (k) out += ',';
      out += "{\"id\":";
      model::json_escape(out, c.id);
      out += ",\"before\":";
      append_optional_bool(out, c.before);
      out += ",\"after\":";
      append_optional_bool(out, c.after);
      out += ",\"redefined\":";
      out += c.redefined ? "true" : "false";
      out += '}';
    }
    out += ']';
    if (d.decisions.payers) {
      out += ",\"label\":";
      model::json_escape(out, region_label(a, b, r));
      out += ",\"facts\":[";
      for (size_t k = 0; k < r.facts.size(); ++k) {
        if (k) out += ',';
        model::json_escape(out, r.facts[k]);
      }
      out += ']';
    }
    out += ",\"witness\":" + model::write_case_json(a.vocab, r.witness);
    if (r.witness_after) out += ",\"witness_after\":" + model::write_case_json(b.vocab, *r.witness_after);
    out += '}';
  }
  out += ']';
  if (corpus) {
    const CorpusFlips& c = *corpus;
    out += ",\"cases\":{\"file\":";
    model::json_escape(out, c.file);
    out += fmt::format(",\"total\":{},\"approved_a\":{},\"approved_b\":{},\"undetermined\":{},\"a_only\":{},\"b_only\":{},\"scope\":{},\"by_region\":[",
                       c.cases, c.approved_a, c.approved_b, c.undetermined, c.a_only, c.b_only, c.scope);
    bool first = true;
    for (size_t i = 0; i < c.by_region.size(); ++i) {
      if (!c.by_region[i].count) continue;
      out += first ? "" : ",";
      first = false;
      out += fmt::format("{{\"region\":{},\"flips\":", i + 1);
      append_lines(out, c.by_region[i]);
      out += '}';
    }
    out += "],\"by_pair\":[";
    first = true;
    for (const auto& [pr, rc] : c.by_pair) {
      out += first ? "" : ",";
      first = false;
      out += fmt::format("{{\"regions\":[{},{}],\"flips\":", pr.first + 1, pr.second + 1);
      append_lines(out, rc);
      out += '}';
    }
    out += "],\"other\":";
    append_lines(out, c.other);
    out += '}';
  }
  out += "}\n";
  return out;
}

std::string diff_text(const model::Policy& a, const model::Policy& b, const solver::PolicyDiff& d,
                      const std::optional<CorpusFlips>& corpus) {
  const auto& regions = d.decisions.regions;
  std::string out = fmt::format("verdict: {}{}\n", solver::to_string(d.decisions.verdict()),
                                d.decisions.complete ? "" : " (the search is incomplete)");
  out += fmt::format("diff {} -> {}\n  {}: {} {} (sha256 {})\n  {}: {} {} (sha256 {})\n", a.file, b.file,
                     d.decisions.payers ? "A" : "old", a.id, a.version, a.sha256, d.decisions.payers ? "B" : "new", b.id,
                     b.version, b.sha256);
  if (d.decisions.payers) {
    out += "\ntwo payers' policies: compared over the facts both know; each one's own facts are free\n"
           "(a case is in a region when some values of them put it there)\n";
  } else if (d.changes.empty()) {
    out += "\nno textual changes\n";
  } else {
    out += fmt::format("\ntextual changes ({})\n", d.changes.size());
    for (const auto& c : d.changes) {
      out += fmt::format("  {} {}: {}\n", c.what, c.id, c.change);
      if (!c.before.empty()) out += "    - " + c.before + "\n";
      if (!c.after.empty()) out += "    + " + c.after + "\n";
    }
  }
  if (regions.empty()) {
    out += d.decisions.complete ? "\ndecisions: the same on every case\n"
                                : "\ndecisions: no difference found, but the search is incomplete (" + d.decisions.reason + ")\n";
  } else {
    out += fmt::format("\ndecisions differ in {} region{}{}\n", regions.size(), regions.size() == 1 ? "" : "s",
                       d.decisions.complete ? "" : " (incomplete: " + d.decisions.reason + ")");
  }
  for (size_t i = 0; i < regions.size(); ++i) {
    const auto& r = regions[i];
    if (d.decisions.payers) {
      out += fmt::format("\n  region {}: A {}, B {}: {}\n", i + 1, short_decision(r.before), short_decision(r.after),
                         region_label(a, b, r));
      for (const auto& c : r.criteria) {
        const model::Policy& p = c.before ? a : b;
        bool applies = c.before ? *c.before : *c.after;
        int k = p.find_criterion(c.id);
        const auto& cr = p.criteria[static_cast<size_t>(k)];
        out += fmt::format("    {} {} {}: \"{}\"\n", c.before ? "A" : "B", c.id,
                           cr.kind == model::CriterionKind::Exclusion ? (applies ? "applies" : "does not apply")
                                                                      : (applies ? "met" : "not met"),
                           cr.text);
      }
      std::string facts;
      for (const auto& f : r.facts) facts += (facts.empty() ? "" : ", ") + f;
      out += "    facts: " + facts + "\n";
    } else {
      out += fmt::format("\n  region {}: {} -> {}\n", i + 1, model::to_string(r.before), model::to_string(r.after));
      for (const auto& c : r.criteria)
        out += fmt::format("    {}: {} -> {}{}\n", c.id, value_text(c.before), value_text(c.after), c.redefined ? " (redefined)" : "");
    }
    out += "    witness: " + model::write_case_json(a.vocab, r.witness) + "\n";
    if (r.witness_after) out += "    witness (new vocabulary): " + model::write_case_json(b.vocab, *r.witness_after) + "\n";
    out += fmt::format("    replayed: {} {}, {} {}\n", a.id, model::to_string(r.before), b.id, model::to_string(r.after));
  }
  if (corpus) {
    const CorpusFlips& c = *corpus;
    out += fmt::format("\ncases {}: {} read; approved by A {}, by B {}; undetermined by either {}\n", c.file, c.cases,
                       c.approved_a, c.approved_b, c.undetermined);
    out += fmt::format("  flips: approved by A only {}, by B only {}, denied by one and out of scope for the other {}\n",
                       c.a_only, c.b_only, c.scope);
    for (size_t i = 0; i < c.by_region.size(); ++i)
      if (c.by_region[i].count)
        out += fmt::format("  region {} ({}): {} case{}, lines {}\n", i + 1, region_label(a, b, regions[i]),
                           c.by_region[i].count, c.by_region[i].count == 1 ? "" : "s", lines_text(c.by_region[i]));
    for (const auto& [pr, rc] : c.by_pair)
      out += fmt::format("  regions {} + {} ({} + {}): {} case{}, lines {}\n", pr.first + 1, pr.second + 1,
                         region_label(a, b, regions[static_cast<size_t>(pr.first)]),
                         region_label(a, b, regions[static_cast<size_t>(pr.second)]), rc.count, rc.count == 1 ? "" : "s",
                         lines_text(rc));
    if (c.other.count)
      out += fmt::format("  in more regions at once: {} case{}, lines {}\n", c.other.count, c.other.count == 1 ? "" : "s",
                         lines_text(c.other));
  }
  return out;
}

// A horizontal bar chart of the corpus's flips by region: one bar per region
// with flips, colored by direction (approved by A only, by B only, scope).
std::string flips_chart(const model::Policy& a, const model::Policy& b, const solver::DecisionDiff& d,
                        const CorpusFlips& c) {
  struct Bar { std::string label; size_t count; const char* color; };
  std::vector<Bar> bars;
  for (size_t i = 0; i < c.by_region.size(); ++i) {
    if (!c.by_region[i].count) continue;
    const auto& r = d.regions[i];
    const char* color = r.before == model::Decision::MedicallyNecessary ? "#d95f02"
                        : r.after == model::Decision::MedicallyNecessary ? "#1b9e77" : "#7570b3";
    bars.push_back({fmt::format("{}. {}", i + 1, region_label(a, b, r)), c.by_region[i].count, color});
  }
  for (const auto& [pr, rc] : c.by_pair) {
    const auto& r = d.regions[static_cast<size_t>(pr.first)];
    const char* color = r.before == model::Decision::MedicallyNecessary ? "#d95f02"
                        : r.after == model::Decision::MedicallyNecessary ? "#1b9e77" : "#7570b3";
    bars.push_back({fmt::format("{}+{}. {} + {}", pr.first + 1, pr.second + 1, region_label(a, b, r),
                                region_label(a, b, d.regions[static_cast<size_t>(pr.second)])),
                    rc.count, color});
  }
  if (c.other.count) bars.push_back({"more regions at once", c.other.count, "#999999"});
  // The 24 largest, the rest as one grey bar.
  std::stable_sort(bars.begin(), bars.end(), [](const Bar& x, const Bar& y) { return x.count > y.count; });
  if (bars.size() > 24) {
    size_t rest = 0;
    for (size_t i = 24; i < bars.size(); ++i) rest += bars[i].count;
    size_t n = bars.size() - 24;
    bars.resize(24);
    bars.push_back({fmt::format("{} more regions and pairs", n), rest, "#999999"});
  }
  size_t max = 1;
  for (const auto& bar : bars) max = std::max(max, bar.count);
  const int left = 360, width = 360, row = 22, top = 56;
  const int height = top + static_cast<int>(bars.size()) * row + 40;
  std::string out = fmt::format(
      "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{}\" height=\"{}\" font-family=\"sans-serif\" font-size=\"12\">\n",
      left + width + 80, height);
  out += fmt::format("<text x=\"10\" y=\"20\" font-size=\"15\" font-weight=\"bold\">Flips by region: {} vs {} ({} cases; bars on a log scale)</text>\n",
                     xml_text(a.id), xml_text(b.id), c.cases);
  out += fmt::format("<text x=\"10\" y=\"40\"><tspan fill=\"#d95f02\">&#9632; approved by {} only ({})</tspan>  "
                     "<tspan fill=\"#1b9e77\">&#9632; approved by {} only ({})</tspan>  "
                     "<tspan fill=\"#7570b3\">&#9632; denied vs out of scope ({})</tspan></text>\n",
                     xml_text(a.id), c.a_only, xml_text(b.id), c.b_only, c.scope);
  for (size_t i = 0; i < bars.size(); ++i) {
    int y = top + static_cast<int>(i) * row;
    // Log scale: one region (out of scope, say) can hold most of a corpus.
    int w = static_cast<int>(std::log1p(static_cast<double>(bars[i].count)) / std::log1p(static_cast<double>(max)) * width);
    std::string label = bars[i].label.size() > 58 ? bars[i].label.substr(0, 55) + "..." : bars[i].label;
    out += fmt::format("<text x=\"{}\" y=\"{}\" text-anchor=\"end\">{}</text>\n", left - 8, y + 14, xml_text(label));
    out += fmt::format("<rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" fill=\"{}\"><title>{}: {}</title></rect>\n", left, y + 3,
                       std::max(w, 1), row - 6, bars[i].color, xml_text(bars[i].label), bars[i].count);
    out += fmt::format("<text x=\"{}\" y=\"{}\">{}</text>\n", left + std::max(w, 1) + 6, y + 14, bars[i].count);
  }
  if (bars.empty())
    out += fmt::format("<text x=\"10\" y=\"{}\">no case flips</text>\n", top + 14);
  out += "</svg>\n";
  return out;
}


}  // namespace pp::cli
