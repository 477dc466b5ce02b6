// `policyproof analyze`: checks the policy itself (dead, vacuous and redundant
// criteria, conflicts, overlaps, gaps, ambiguities, the code table) and
// prints the findings, each with its criteria and a witness case where one
// exists. Exit 1 when any finding is an error.
#include <CLI/CLI.hpp>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <iostream>

#include <fmt/format.h>

#include "cli/common.h"
#include "visualize/atomic_file.h"
#include "model/json_text.h"
#include "model/case_writer.h"
#include "solver/policy_analyzer.h"
#include "solver/policy_differ.h"

namespace pp::cli {

namespace {

struct AnalyzeOptions {
  std::string policy;
  std::string format = "text";
  double timeout_s = 5;
  unsigned rlimit = 0;
  std::string witness_dir;
};

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

std::string json_report(const model::Policy& policy, const solver::Analysis& a) {
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

// "decision not_medically_necessary; IN.MAL met; ..." for one claim.
std::string claim_text(const solver::Claim& c) {
  std::vector<std::string> parts;
  if (c.decision) parts.push_back(std::string("decision ") + model::to_string(*c.decision));
  for (const auto& [id, v] : c.criteria) parts.push_back(id + (v ? " met" : " unmet"));
  for (const auto& h : c.holds) parts.push_back(h.text);
  std::string out = c.reading.empty() ? "" : "under " + c.reading + ": ";
  for (size_t i = 0; i < parts.size(); ++i) out += (i ? "; " : "") + parts[i];
  return out;
}

std::string text_report(const model::Policy& policy, const solver::Analysis& a) {
  std::string out = fmt::format("analyze {} {} ({}, sha256 {})\n", policy.id, policy.version, policy.file, policy.sha256);
  std::string kind;
  for (const auto& f : a.findings) {
    if (f.kind != kind) {
      kind = f.kind;
      out += "\n== " + kind + "\n";
    }
    std::string about = f.criteria.empty() ? f.subject : f.subject.empty() ? f.criteria[0] : f.criteria[0] + " | " + f.subject;
    out += fmt::format("\n{:<8} {}\n", solver::to_string(f.severity), about);
    out += "  " + f.message + "\n";
    if (!f.criteria.empty()) {
      out += "  criteria: ";
      for (size_t i = 0; i < f.criteria.size(); ++i) out += (i ? ", " : "") + f.criteria[i];
      out += "\n";
    }
    if (f.witness) {
      out += "  witness: " + model::write_case_json(policy.vocab, *f.witness) + "\n";
      for (const auto& c : f.claims) out += "    shows " + claim_text(c) + "\n";
    }
    if (f.contrast) {
      out += "  contrast: " + model::write_case_json(policy.vocab, *f.contrast) + "\n";
      for (const auto& c : f.contrast_claims) out += "    shows " + claim_text(c) + "\n";
    }
  }
  out += fmt::format("\n{} finding{}: {} errors, {} warnings, {} info\n", a.findings.size(), a.findings.size() == 1 ? "" : "s",
                     a.count(solver::Severity::Error), a.count(solver::Severity::Warning), a.count(solver::Severity::Info));
  return out;
}

void write_witnesses(const std::string& dir, const model::Policy& policy, const solver::Analysis& a) {
  auto fail = [&](const std::string& msg) {
    model::Diagnostic d;
    d.location.file = dir;
    d.message = msg;
    throw model::DiagnosticError(d);
  };
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (!std::filesystem::is_directory(dir, ec)) fail("cannot create the directory (expected a writable directory for `--witness-dir`)");
  model::CaseWriteOptions pretty;
  pretty.pretty = true;
  std::set<std::string> taken;  // a file name is made from the case id: sanitised, never outside `dir`
  for (const auto& f : a.findings)
    for (const auto* c : {f.witness ? &*f.witness : nullptr, f.contrast ? &*f.contrast : nullptr}) {
      if (!c) continue;
      std::string path = (std::filesystem::path(dir) / safe_file_name(c->case_id, ".json", taken)).string();
      visualize::write_file_atomically(path, model::write_case_json(policy.vocab, *c, pretty) + "\n");
    }
}

int run_analyze(const AnalyzeOptions& o) {
  model::PolicySource source = solver::policy_source(o.policy);
  auto policy = load_policy_option(o.policy);
  solver::Limits limits;
  limits.timeout_ms = static_cast<unsigned>(std::lround(o.timeout_s * 1000));
  limits.rlimit = o.rlimit;
  solver::Analysis a = solver::analyze_policy(policy, source, limits);
  if (!o.witness_dir.empty()) write_witnesses(o.witness_dir, *policy, a);
  std::cout << (o.format == "json" ? json_report(*policy, a) : text_report(*policy, a));
  return a.count(solver::Severity::Error) > 0 ? kExitCheckFailed : kExitOk;
}

}  // namespace

CommandRunner add_analyze_command(CLI::App& app) {
  auto o = std::make_shared<AnalyzeOptions>();
  auto* cmd = app.add_subcommand("analyze", "check the policy itself: dead, vacuous and redundant criteria, conflicts, overlaps, gaps, ambiguities, codes");
  add_format_option(*cmd, o->format);
  cmd->add_option("--policy", o->policy, "policy file (default: the bundled CMM-607 model)");
  cmd->add_option("--timeout", o->timeout_s, "seconds per solver query before it is left undecided (default 5; 0 = no limit)")
      ->check(CLI::Range(0.0, 86400.0));
  cmd->add_option("--rlimit", o->rlimit, "Z3 resource limit per query (deterministic; default: none)");
  cmd->add_option("--witness-dir", o->witness_dir, "also write every witness case to DIR/<case_id>.json (for `evaluate`)");
  return [o] { return guarded([&] { return run_analyze(*o); }); };
}

}  // namespace pp::cli
