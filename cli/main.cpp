// policyproof: the program (cli layer). Parses the subcommand and runs it;
// every subcommand lives in its own file (cli/<name>_command.cpp).
#include <CLI/CLI.hpp>
#include <algorithm>
#include <iostream>
#include <map>
#include <memory>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include "cli/checked_output.h"
#include "cli/common.h"

namespace {

// Every --help fits in 80 columns: option names in a 30-column column, their
// descriptions wrapped at word boundaries into the remaining 50 (CLI11 2.1
// indents the lines after a '\n').
constexpr std::size_t kHelpWidth = 80, kNameWidth = 30;

std::string wrap(const std::string& text, std::size_t width) {
  std::string out, line;
  auto flush = [&] {
    if (!out.empty()) out += '\n';
    out += line;
    line.clear();
  };
  std::size_t start = 0;
  while (start <= text.size()) {
    std::size_t nl = text.find('\n', start);
    std::string para = text.substr(start, nl == std::string::npos ? std::string::npos : nl - start);
    std::size_t i = 0;
    while (i < para.size()) {
      std::size_t j = para.find(' ', i);
      std::string word = para.substr(i, j == std::string::npos ? std::string::npos : j - i);
      i = j == std::string::npos ? para.size() : j + 1;
      if (word.empty()) continue;
      if (!line.empty() && line.size() + 1 + word.size() > width) flush();
      line += (line.empty() ? "" : " ") + word;
    }
    flush();
    if (nl == std::string::npos) break;
    start = nl + 1;
  }
  return out;
}

class NarrowFormatter : public CLI::Formatter {
 public:
  NarrowFormatter() { column_width(kNameWidth); }
  std::string make_option_desc(const CLI::Option* opt) const override {
    return wrap(CLI::Formatter::make_option_desc(opt), kHelpWidth - kNameWidth - 1);
  }
  std::string make_subcommand(const CLI::App* sub) const override {
    std::stringstream out;
    CLI::detail::format_help(out, sub->get_display_name(true), wrap(sub->get_description(), kHelpWidth - kNameWidth - 1),
                             kNameWidth);
    return out.str();
  }
  std::string make_description(const CLI::App* app) const override {
    return wrap(CLI::Formatter::make_description(app), kHelpWidth);
  }
};

// Edit distance with transpositions (optimal string alignment).
std::size_t distance(std::string_view a, std::string_view b) {
  std::vector<std::vector<std::size_t>> d(a.size() + 1, std::vector<std::size_t>(b.size() + 1));
  for (std::size_t i = 0; i <= a.size(); ++i) d[i][0] = i;
  for (std::size_t j = 0; j <= b.size(); ++j) d[0][j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i)
    for (std::size_t j = 1; j <= b.size(); ++j) {
      std::size_t cost = a[i - 1] == b[j - 1] ? 0 : 1;
      d[i][j] = std::min({d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost});
      if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1]) d[i][j] = std::min(d[i][j], d[i - 2][j - 2] + 1);
    }
  return d[a.size()][b.size()];
}

// A first argument that is no subcommand: one line naming the nearest one
// (within a third of its length, at least 2 edits) or the list; exit 2.
int unknown_subcommand(const std::string& word, const std::map<std::string, pp::cli::CommandRunner>& runners) {
  std::string best;
  std::size_t best_d = std::string::npos;
  for (const auto& [name, run] : runners) {
    std::size_t d = distance(word, name);
    if (d < best_d) best_d = d, best = name;
  }
  std::cerr << "policyproof: error: unknown subcommand `" << word << "`";
  if (best_d <= std::max<std::size_t>(2, best.size() / 3)) {
    std::cerr << " (did you mean `" << best << "`?)\n";
  } else {
    std::cerr << " (expected one of:";
    for (const auto& [name, run] : runners) std::cerr << " " << name;
    std::cerr << ")\n";
  }
  return pp::cli::kExitBadInput;
}

// A flag the subcommand does not have: names it and the nearest one it has
// (`--frmat`: did you mean `--format`?), or lists them; exit 2. Returns -1
// when every flag given is known (the parse error is another one).
int unknown_flag(CLI::App& sub, int argc, char** argv) {
  for (int i = 2; i < argc; ++i) {
    std::string arg = argv[i];
    if (arg == "--") break;
    if (arg.size() < 2 || arg[0] != '-' || (arg[1] != '-' && !std::isalpha(static_cast<unsigned char>(arg[1])))) continue;
    std::string name = arg.substr(0, arg.find('='));
    if (sub.get_option_no_throw(name) || name == "--help" || name == "-h") continue;
    std::string best;
    std::size_t best_d = std::string::npos;
    std::string all;
    for (const CLI::Option* o : sub.get_options()) {
      for (const auto& l : o->get_lnames()) {
        std::string cand = "--" + l;
        all += " " + cand;
        std::size_t d = distance(name, cand);
        if (d < best_d) best_d = d, best = cand;
      }
    }
    std::cerr << "policyproof " << sub.get_name() << ": error: unknown option `" << name << "`";
    if (best_d <= std::max<std::size_t>(2, best.size() / 3)) std::cerr << " (did you mean `" << best << "`?)\n";
    else std::cerr << " (expected one of:" << all << ")\n";
    return pp::cli::kExitBadInput;
  }
  return -1;
}

}  // namespace

int main(int argc, char** argv) {
  pp::cli::install_checked_output();
  CLI::App app{"policyproof: a medical coverage policy as a formally checked model", "policyproof"};
  app.require_subcommand(1);
  app.formatter(std::make_shared<NarrowFormatter>());
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
  runners["lint"] = pp::cli::add_lint_command(app);
  runners["test"] = pp::cli::add_test_command(app);
  runners["coverage"] = pp::cli::add_coverage_command(app);
  runners["serve"] = pp::cli::add_serve_command(app);
  for (auto* sub : app.get_subcommands({})) pp::cli::add_reading_option(*sub);
  if (argc >= 2 && argv[1][0] != '-' && runners.count(argv[1]) == 0) return unknown_subcommand(argv[1], runners);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    if (e.get_exit_code() == 0) return pp::cli::finish_output(app.exit(e));  // --help, --version
    if (argc >= 2 && runners.count(argv[1]))
      if (int rc = unknown_flag(*app.get_subcommand(argv[1]), argc, argv); rc >= 0) return rc;
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
