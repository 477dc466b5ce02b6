// `policyproof lint`: the policy's text against its encoding (quotes verbatim
// in the source, every criterion bullet encoded, numbers, boundary words and
// ranges of each text against its condition). Exit 1 on any error.
#include <CLI/CLI.hpp>
#include <iostream>

#include <fmt/format.h>

#include "cli/common.h"
#include "cli/text_wrap.h"
#include "model/json_text.h"
#include "model/text_lint.h"

namespace pp::cli {

namespace {

struct LintOptions {
  std::string policy;
  std::string format = "text";
};

std::string policy_dir_of(const std::string& path) {
  if (path.empty()) return "";
  auto slash = path.find_last_of('/');
  return slash == std::string::npos ? "." : path.substr(0, slash);
}

std::string json_report(const model::Policy& p, const model::TextLint& lint) {
  std::string out = "{\"policy\":{\"id\":";
  model::json_escape(out, p.id);
  out += ",\"version\":";
  model::json_escape(out, p.version);
  out += ",\"file\":";
  model::json_escape(out, p.file);
  out += "},\"source\":";
  model::json_escape(out, lint.source_note);
  out += ",\"findings\":[";
  for (size_t i = 0; i < lint.findings.size(); ++i) {
    const auto& f = lint.findings[i];
    if (i) out += ',';
    out += "{\"kind\":";
    model::json_escape(out, f.kind);
    out += ",\"severity\":";
    model::json_escape(out, model::to_string(f.severity));
    out += ",\"criteria\":[";
    if (!f.criterion.empty()) model::json_escape(out, f.criterion);
    out += "],\"quote\":";
    model::json_escape(out, f.quote);
    out += ",\"condition\":";
    model::json_escape(out, f.condition);
    out += ",\"message\":";
    model::json_escape(out, f.message);
    out += fmt::format(",\"line\":{},\"column\":{}}}", f.line, f.column);
  }
  out += fmt::format("],\"summary\":{{\"error\":{},\"warning\":{},\"info\":{}}}}}\n", lint.count(model::LintSeverity::Error),
                     lint.count(model::LintSeverity::Warning), lint.count(model::LintSeverity::Info));
  return out;
}

std::string text_report(const model::Policy& p, const model::TextLint& lint) {
  std::string out = wrap_text(fmt::format("lint {} {} ({}); text: {}", p.id, p.version, p.file, lint.source_note), "", "  ");
  for (const auto& f : lint.findings) {
    std::string where = f.line > 0 ? fmt::format("{}:{}:{}: ", p.file, f.line, f.column) : "";
    out += "\n" + wrap_text(where + model::to_string(f.severity) + ": " + f.kind + ": " + f.message, "", "    ");
    if (!f.condition.empty() && (f.kind == "text_number" || f.kind == "text_range")) {
      out += wrap_text("\"" + f.quote + "\"", "  text:      ", "             ");
      out += wrap_text("`" + f.condition + "`", "  condition: ", "             ");
    }
  }
  int e = lint.count(model::LintSeverity::Error), w = lint.count(model::LintSeverity::Warning);
  out += fmt::format("\n{} finding{}: {} error{}, {} warning{}, {} info\n", lint.findings.size(),
                     lint.findings.size() == 1 ? "" : "s", e, e == 1 ? "" : "s", w, w == 1 ? "" : "s",
                     lint.count(model::LintSeverity::Info));
  return out;
}

}  // namespace

CommandRunner add_lint_command(CLI::App& app) {
  auto o = std::make_shared<LintOptions>();
  auto* cmd = app.add_subcommand("lint", "check the policy's text against its encoding: quotes, bullets, numbers, boundary words, ranges");
  add_format_option(*cmd, o->format);
  cmd->add_option("--policy", o->policy, "policy file (default: the bundled CMM-607 model)");
  return [o] {
    return guarded([&] {
      auto policy = load_policy_option(o->policy);
      model::TextLint lint = model::lint_policy_text(*policy, policy_dir_of(o->policy));
      std::cout << (o->format == "json" ? json_report(*policy, lint) : text_report(*policy, lint));
      return lint.count(model::LintSeverity::Error) > 0 ? kExitCheckFailed : kExitOk;
    });
  };
}

}  // namespace pp::cli
