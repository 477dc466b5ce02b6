// `policyproof diff OLD NEW`: what changed between two versions of a policy:
// the textual changes by id, and every region of cases whose decision
// differs, with the criteria that cause it and a witness case.
// `--exit-code` exits 1 when decisions differ anywhere.
#include <CLI/CLI.hpp>
#include <cmath>
#include <iostream>

#include <fmt/format.h>

#include "cli/common.h"
#include "model/json_text.h"
#include "model/case_writer.h"
#include "solver/policy_differ.h"

namespace pp::cli {

namespace {

struct DiffOptions {
  std::string before, after;
  std::string format = "text";
  bool exit_code = false;
  double timeout_s = 5;
  unsigned rlimit = 0;
  size_t max_regions = 64;
};

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

std::string json_report(const model::Policy& a, const model::Policy& b, const solver::PolicyDiff& d) {
  std::string out = "{\"old\":";
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
    out += "],\"witness\":" + model::write_case_json(a.vocab, r.witness);
    if (r.witness_after) out += ",\"witness_after\":" + model::write_case_json(b.vocab, *r.witness_after);
    out += '}';
  }
  out += "]}\n";
  return out;
}

std::string value_text(const std::optional<bool>& v) { return v ? (*v ? "met" : "unmet") : "absent"; }

std::string text_report(const model::Policy& a, const model::Policy& b, const solver::PolicyDiff& d) {
  std::string out = fmt::format("diff {} -> {}\n  old: {} {} (sha256 {})\n  new: {} {} (sha256 {})\n", a.file, b.file, a.id,
                                a.version, a.sha256, b.id, b.version, b.sha256);
  if (d.changes.empty()) {
    out += "\nno textual changes\n";
  } else {
    out += fmt::format("\ntextual changes ({})\n", d.changes.size());
    for (const auto& c : d.changes) {
      out += fmt::format("  {} {}: {}\n", c.what, c.id, c.change);
      if (!c.before.empty()) out += "    - " + c.before + "\n";
      if (!c.after.empty()) out += "    + " + c.after + "\n";
    }
  }
  const auto& regions = d.decisions.regions;
  if (regions.empty()) {
    out += d.decisions.complete ? "\ndecisions: the same on every case\n"
                                : "\ndecisions: no difference found, but the search is incomplete (" + d.decisions.reason + ")\n";
    return out;
  }
  out += fmt::format("\ndecisions differ in {} region{}{}\n", regions.size(), regions.size() == 1 ? "" : "s",
                     d.decisions.complete ? "" : " (incomplete: " + d.decisions.reason + ")");
  for (size_t i = 0; i < regions.size(); ++i) {
    const auto& r = regions[i];
    out += fmt::format("\n  region {}: {} -> {}\n", i + 1, model::to_string(r.before), model::to_string(r.after));
    for (const auto& c : r.criteria)
      out += fmt::format("    {}: {} -> {}{}\n", c.id, value_text(c.before), value_text(c.after), c.redefined ? " (redefined)" : "");
    out += "    witness: " + model::write_case_json(a.vocab, r.witness) + "\n";
    if (r.witness_after) out += "    witness (new vocabulary): " + model::write_case_json(b.vocab, *r.witness_after) + "\n";
  }
  return out;
}

int run_diff(const DiffOptions& o) {
  auto before = apply_reading_option(model::load_policy_file(o.before));
  auto after = apply_reading_option(model::load_policy_file(o.after));
  solver::Limits limits;
  limits.timeout_ms = static_cast<unsigned>(std::lround(o.timeout_s * 1000));
  limits.rlimit = o.rlimit;
  solver::PolicyDiff d = solver::diff_policies(before, after, limits, o.max_regions);
  std::cout << (o.format == "json" ? json_report(*before, *after, d) : text_report(*before, *after, d));
  // Unknown counts as "may differ": a script gating on no change must not pass it.
  bool differ = !d.decisions.regions.empty() || !d.decisions.complete;
  return o.exit_code && differ ? kExitCheckFailed : kExitOk;
}

}  // namespace

CommandRunner add_diff_command(CLI::App& app) {
  auto o = std::make_shared<DiffOptions>();
  auto* cmd = app.add_subcommand("diff", "what changed between two versions of a policy: textual changes and every region of cases decided differently");
  cmd->add_option("old", o->before, "the old version's policy file")->required();
  cmd->add_option("new", o->after, "the new version's policy file")->required();
  add_format_option(*cmd, o->format);
  cmd->add_flag("--exit-code", o->exit_code, "exit 1 when the decisions differ on some case");
  cmd->add_option("--timeout", o->timeout_s, "seconds per solver query (default 5; 0 = no limit)")->check(CLI::Range(0.0, 86400.0));
  cmd->add_option("--rlimit", o->rlimit, "Z3 resource limit per query (deterministic; default: none)");
  cmd->add_option("--max-regions", o->max_regions, "stop after this many regions (default 64)")->check(CLI::Range(1, 100000));
  return [o] { return guarded([&] { return run_diff(*o); }); };
}

}  // namespace pp::cli
