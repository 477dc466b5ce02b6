// `policyproof render`: the decision graph drawn with Graphviz, and with
// --case the case's path through it (cli layer).
#include <CLI/CLI.hpp>
#include <cstdio>
#include <iostream>

#include "cli/common.h"
#include "solver/case_engine.h"
#include "visualize/atomic_file.h"
#include "visualize/case_overlay.h"
#include "visualize/decision_graph.h"
#include "visualize/dot_writer.h"
#include "visualize/graphviz_renderer.h"

namespace pp::cli {

namespace {

struct RenderOptions {
  std::string case_file;
  std::string policy;
  std::string format;
  std::string output;
  bool assume_absent = false;
};

[[noreturn]] void usage_error(const std::string& where, const std::string& message) {
  model::diagnose(where).fail(message);
}

visualize::Format choose_format(const RenderOptions& o) {
  if (!o.format.empty()) {
    if (auto f = visualize::parse_format(o.format)) return *f;
    usage_error("policyproof render", "unknown format `" + o.format + "` for --format (expected svg, png, pdf or dot)");
  }
  if (o.output == "-") usage_error("policyproof render", "writing to standard output needs --format svg|png|pdf|dot");
  if (auto f = visualize::format_from_path(o.output)) return *f;
  usage_error(o.output, "cannot tell the picture format from the file name (expected a name ending in .svg, .png, "
                        ".pdf or .dot, or --format svg|png|pdf|dot)");
}

int run(const RenderOptions& o) {
  // Every check of the input comes before anything is written.
  visualize::Format format = choose_format(o);
  if (o.output != "-") visualize::check_writable(o.output);
  auto policy = load_policy_option(o.policy);
  visualize::DecisionGraph graph = visualize::build_decision_graph(*policy);

  std::string dot;
  if (o.case_file.empty()) {
    dot = visualize::write_dot(graph, *policy);
  } else {
    model::Case c = read_case_file(*policy, o.case_file);
    if (o.assume_absent) model::assume_absent(policy->vocab, c);
    solver::CaseEngine engine(policy);
    solver::CaseResult r = engine.evaluate(c);
    std::string case_id = c.has_case_id ? c.case_id : o.case_file == "-" ? "<stdin>" : o.case_file;
    visualize::CaseOverlay overlay = visualize::overlay_case(graph, *policy, r, case_id);
    dot = visualize::write_dot(graph, *policy, &overlay);
  }
  std::string bytes = visualize::render(dot, format);
  if (o.output == "-") {
    std::fwrite(bytes.data(), 1, bytes.size(), stdout);
    std::fflush(stdout);
  } else {
    visualize::write_file_atomically(o.output, bytes);
  }
  return kExitOk;
}

}  // namespace

CommandRunner add_render_command(CLI::App& app) {
  auto o = std::make_shared<RenderOptions>();
  auto* cmd = app.add_subcommand("render", "draw the decision graph (with --case, the case's path through it)");
  cmd->add_option("--case", o->case_file, "case JSON file whose path to draw (`-` for standard input)");
  cmd->add_option("--policy", o->policy, "policy file (default: the bundled CMM-607 model)");
  cmd->add_option("--format", o->format, "svg, png, pdf or dot (default: from the --output file name)");
  cmd->add_option("--output,-o", o->output, "the file to write (`-` for standard output, with --format)")->required();
  cmd->add_flag("--assume-absent", o->assume_absent, "with --case: treat every absent boolean as false and every absent number as 0");
  return [o] { return guarded([&] { return run(*o); }); };
}

}  // namespace pp::cli
