// `policyproof render`: the decision graph drawn with Graphviz, and with
// --case the case's path through it (cli layer).
#include <CLI/CLI.hpp>
#include <cctype>
#include <cstdio>
#include <optional>
#include <vector>
#include <iostream>

#include "cli/common.h"
#include "solver/case_engine.h"
#include "solver/policy_differ.h"
#include "visualize/atomic_file.h"
#include "visualize/case_overlay.h"
#include "visualize/change_overlay.h"
#include "visualize/decision_graph.h"
#include "visualize/dot_writer.h"
#include "visualize/graphviz_renderer.h"
#include "visualize/mermaid_writer.h"
#include "visualize/views.h"

namespace pp::cli {

namespace {

struct RenderOptions {
  std::string case_file;
  std::string policy;
  std::string format;
  std::string output;
  std::vector<std::string> view;  // overview | pathway ID | exclusions | full
  std::vector<std::string> diff;  // OLD NEW: two versions of one policy
  bool assume_absent = false;
  std::string page;  // letter | a4 | a3 (pdf, png)
  bool landscape = false;
};

// Mermaid is text written here, not a Graphviz format: chosen by --format
// mermaid or a .mmd/.md file name (a .md file gets a ```mermaid fence).
bool ends_with_ci(const std::string& s, const std::string& tail) {
  if (s.size() < tail.size()) return false;
  for (size_t i = 0; i < tail.size(); ++i)
    if (std::tolower(static_cast<unsigned char>(s[s.size() - tail.size() + i])) != tail[i]) return false;
  return true;
}

[[noreturn]] void usage_error(const std::string& where, const std::string& message) {
  model::diagnose(where).fail(message);
}

visualize::Format choose_format(const RenderOptions& o) {
  if (!o.format.empty()) {
    if (auto f = visualize::parse_format(o.format)) return *f;
    usage_error("policyproof render",
                "unknown format `" + o.format + "` for --format (expected svg, png, pdf, dot or mermaid)");
  }
  if (o.output == "-") usage_error("policyproof render", "writing to standard output needs --format svg|png|pdf|dot|mermaid");
  if (auto f = visualize::format_from_path(o.output)) return *f;
  usage_error(o.output, "cannot tell the picture format from the file name (expected a name ending in .svg, .png, "
                        ".pdf, .dot, .mmd or .md, or --format svg|png|pdf|dot|mermaid)");
}

visualize::ViewRequest choose_view(const RenderOptions& o) {
  visualize::ViewRequest r;
  if (o.view.empty()) return r;
  auto k = visualize::parse_view(o.view[0]);
  if (!k)
    usage_error("policyproof render",
                "unknown view `" + o.view[0] + "` for --view (expected overview, pathway ID, exclusions, path or full)");
  r.kind = *k;
  if (r.kind == visualize::ViewKind::Pathway) {
    if (o.view.size() < 2) usage_error("policyproof render", "--view pathway needs the pathway's id (--view pathway ID)");
    r.pathway = o.view[1];
  } else if (r.kind == visualize::ViewKind::Path && o.case_file.empty()) {
    usage_error("policyproof render", "--view path needs a case (--view path --case FILE)");
  } else if (o.view.size() > 1) {
    usage_error("policyproof render", "--view " + o.view[0] + " takes no id (got `" + o.view[1] + "`)");
  }
  return r;
}

void write_output(const RenderOptions& o, const std::string& bytes) {
  if (o.output == "-") {
    std::fwrite(bytes.data(), 1, bytes.size(), stdout);
    std::fflush(stdout);
  } else {
    visualize::write_file_atomically(o.output, bytes);
  }
}

// The DOT drawn as `format`: on pages with --page, an SVG sized to its window.
std::string picture(const std::string& dot, visualize::Format format, const std::optional<visualize::PageSetup>& paper) {
  if (paper) {
    try {
      return visualize::render_on_pages(dot, format, *paper).bytes;
    } catch (const visualize::PageError& e) {
      usage_error("policyproof render", e.what());
    }
  }
  std::string bytes = visualize::render(dot, format);
  return format == visualize::Format::Svg ? visualize::fit_svg_to_window(bytes) : bytes;
}

// --diff OLD NEW: the criteria added, removed and changed, in the view asked for.
int run_diff(const RenderOptions& o, const visualize::ViewRequest& view, bool mermaid, bool fenced,
             visualize::Format format, const std::optional<visualize::PageSetup>& paper) {
  auto old_policy = load_policy_option(o.diff[0]);
  auto new_policy = load_policy_option(o.diff[1]);
  // Which changes alter a decision: the regions `diff` finds (a fraction of a second).
  solver::DecisionDiff decisions = solver::diff_decisions(old_policy, new_policy);
  visualize::View v;
  try {
    v = visualize::make_change_view(*old_policy, *new_policy, view, &decisions);
  } catch (const visualize::ViewError& e) {
    usage_error("policyproof render", e.what());
  }
  std::string bytes = mermaid ? visualize::write_mermaid(v) : picture(visualize::write_view_dot(v), format, paper);
  if (fenced) bytes = "```mermaid\n" + bytes + "```\n";
  write_output(o, bytes);
  return kExitOk;
}

int run(const RenderOptions& o) {
  // Every check of the input comes before anything is written.
  visualize::ViewRequest view = choose_view(o);
  const bool mermaid = o.format == "mermaid" ||
                       (o.format.empty() && (ends_with_ci(o.output, ".mmd") || ends_with_ci(o.output, ".md")));
  const bool fenced = mermaid && o.format.empty() && ends_with_ci(o.output, ".md");
  visualize::Format format = mermaid ? visualize::Format::Dot : choose_format(o);
  std::optional<visualize::PageSetup> paper;
  if (!o.page.empty()) {
    auto size = visualize::parse_page_size(o.page);
    if (!size) usage_error("policyproof render", "unknown page size `" + o.page + "` for --page (expected letter, a4 or a3)");
    if (mermaid || (format != visualize::Format::Pdf && format != visualize::Format::Png))
      usage_error("policyproof render", "--page is for pdf and png pictures (an svg fits its window by itself)");
    paper = visualize::PageSetup{*size, o.landscape};
  } else if (o.landscape) {
    usage_error("policyproof render", "--landscape needs --page letter|a4|a3");
  }
  if (o.output != "-") visualize::check_writable(o.output);
  if (!o.diff.empty()) {
    if (!o.case_file.empty() || !o.policy.empty())
      usage_error("policyproof render", "--diff OLD NEW names both policies: it takes neither --policy nor --case");
    return run_diff(o, view, mermaid, fenced, format, paper);
  }
  auto policy = load_policy_option(o.policy);
  visualize::DecisionGraph graph = visualize::build_decision_graph(*policy);

  std::optional<visualize::CaseOverlay> overlay;
  std::optional<visualize::View> path_view;
  if (!o.case_file.empty()) {
    model::Case c = read_case_file(*policy, o.case_file);
    if (o.assume_absent) model::assume_absent(*policy, c);
    solver::CaseEngine engine(policy);
    solver::CaseResult r = engine.evaluate(c);
    std::string case_id = c.has_case_id ? c.case_id : o.case_file == "-" ? "<stdin>" : o.case_file;
    overlay = visualize::overlay_case(graph, *policy, r, case_id);
    if (view.kind == visualize::ViewKind::Path) path_view = visualize::make_path_view(graph, *policy, c, r, case_id);
  }
  const visualize::CaseOverlay* ov = overlay ? &*overlay : nullptr;
  std::string dot;
  std::string bytes;
  if (mermaid || view.kind != visualize::ViewKind::Full) {
    visualize::View v;
    try {
      v = path_view ? std::move(*path_view) : visualize::make_view(graph, *policy, view, ov);
    } catch (const visualize::ViewError& e) {
      usage_error("policyproof render", e.what());
    }
    if (mermaid) {
      bytes = visualize::write_mermaid(v);
      if (fenced) bytes = "```mermaid\n" + bytes + "```\n";
    } else {
      dot = visualize::write_view_dot(v);
    }
  } else {
    dot = visualize::write_dot(graph, *policy, ov);  // the full graph, as before
  }
  if (!mermaid) bytes = picture(dot, format, paper);
  write_output(o, bytes);
  return kExitOk;
}

}  // namespace

CommandRunner add_render_command(CLI::App& app) {
  auto o = std::make_shared<RenderOptions>();
  auto* cmd = app.add_subcommand("render", "draw the decision graph (with --case, the case's path through it)");
  cmd->add_option("--case", o->case_file, "case JSON file whose path to draw (`-` for standard input)");
  cmd->add_option("--policy", o->policy, "policy file (default: the bundled CMM-607 model)");
  cmd->add_option("--format", o->format, "svg, png, pdf, dot or mermaid (default: from the --output name)");
  cmd->add_option("--view", o->view, "overview | pathway ID | exclusions | path (with --case) | full (default: full)")->expected(1, 2);
  cmd->add_option("--diff", o->diff, "OLD NEW: draw what changed between two versions of a policy (files or bundled ids)")
      ->expected(2);
  cmd->add_option("--output,-o", o->output, "the file to write (`-` for standard output, with --format)")->required();
  cmd->add_option("--page", o->page, "letter, a4 or a3: pdf/png on pages, text at 9 pt or more");
  cmd->add_flag("--landscape", o->landscape, "with --page: the page turned sideways");
  cmd->add_flag("--assume-absent", o->assume_absent, "with --case: treat every absent boolean as false and every absent number as 0");
  return [o] { return guarded([&] { return run(*o); }); };
}

}  // namespace pp::cli
