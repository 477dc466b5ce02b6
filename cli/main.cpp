// policyproof: the program (cli layer). Parses the subcommand and runs it;
// every subcommand lives in its own file (cli/<name>_command.cpp).
#include <CLI/CLI.hpp>
#include <iostream>
#include <map>

#include "cli/checked_output.h"
#include "cli/common.h"

int main(int argc, char** argv) {
  pp::cli::install_checked_output();
  CLI::App app{"policyproof: a medical coverage policy as a formally checked model"};
  app.require_subcommand(1);
  app.set_version_flag("--version", "policyproof 0.1.0");
  std::map<std::string, pp::cli::CommandRunner> runners;
  runners["evaluate"] = pp::cli::add_evaluate_command(app);
  runners["prove"] = pp::cli::add_prove_command(app);
  runners["generate"] = pp::cli::add_generate_command(app);
  runners["render"] = pp::cli::add_render_command(app);
  runners["report"] = pp::cli::add_report_command(app);
  runners["analyze"] = pp::cli::add_analyze_command(app);
  runners["diff"] = pp::cli::add_diff_command(app);
  runners["explain"] = pp::cli::add_explain_command(app);
  runners["serve"] = pp::cli::add_serve_command(app);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    if (e.get_exit_code() == 0) return pp::cli::finish_output(app.exit(e));  // --help, --version
    std::cerr << "policyproof: error: " << e.what() << "\n";
    return pp::cli::kExitBadInput;
  }
  for (auto* sub : app.get_subcommands())
    if (auto it = runners.find(sub->get_name()); it != runners.end()) {
      int checked = pp::cli::guarded([&] { return pp::cli::check_common_options(*sub), pp::cli::kExitOk; });
      if (checked != pp::cli::kExitOk) return checked;
      return pp::cli::finish_output(it->second());
    }
  return pp::cli::kExitBadInput;
}
