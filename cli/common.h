// Shared plumbing of the subcommands (cli layer): policy loading, input
// reading, and turning user errors into one stderr line and exit code 2.
#pragma once
#include <functional>
#include <memory>
#include <set>
#include <string>
#include <string_view>

#include "model/case.h"
#include "model/diagnostic.h"
#include "model/policy.h"

namespace CLI { class App; }

namespace pp::cli {

// Exit codes (shared/spec/cli.md).
constexpr int kExitOk = 0;
constexpr int kExitCheckFailed = 1;
constexpr int kExitBadInput = 2;

// The policy named by --policy (a file, or a bundled policy's id: CMM-607,
// L34106), or the bundled CMM-607 model when empty, under the readings given
// with --reading.
std::shared_ptr<const model::Policy> load_policy_option(const std::string& policy_path);

// `--reading AMB.ID=READING` (repeatable): work under another named reading
// of an ambiguity without editing the policy. main.cpp adds it to every
// subcommand; load_policy_option applies it.
void add_reading_option(CLI::App& cmd);
// `policy` under the --reading options given (itself when none); an unknown
// ambiguity or reading is a DiagnosticError naming the known ones.
std::shared_ptr<const model::Policy> apply_reading_option(std::shared_ptr<const model::Policy> policy);
// The --reading values given ("AMB.ID=READING" each), for `serve`, which
// applies each to the policies that name its ambiguity.
const std::vector<std::string>& reading_option_values();

// Reads a whole input file, `-` meaning standard input.
std::string read_input(const std::string& path);

// Reads and validates one case file (`-` = stdin).
model::Case read_case_file(const model::Policy& policy, const std::string& path);

// Runs `body`, mapping DiagnosticError and other failures to one stderr line
// and exit code 2 (user errors) or 3 (internal errors).
int guarded(const std::function<int()>& body);

// A file name made from policy or case text (an id): letters, digits, `.`,
// `_` and `-` kept, anything else (`/`, control characters, non-ASCII) as
// `_`, never starting with `.`, at most 120 bytes; `taken` (names already
// used in this folder) gets `-2`, `-3`... appended instead of a clash.
std::string safe_file_name(std::string_view text, const std::string& extension, std::set<std::string>& taken);

// Checks made on every subcommand once its options are parsed (throws
// DiagnosticError): a file option given as '' (`--policy ''`: an unset shell
// variable must not mean the bundled policy), a `--timeout` that is not a
// finite number (`nan`).
void check_common_options(const CLI::App& command);

// Adds `--format text|json` to a subcommand.
void add_format_option(CLI::App& cmd, std::string& format);

// A subcommand: registers its options on `app` and returns the code to run.
using CommandRunner = std::function<int()>;
CommandRunner add_evaluate_command(CLI::App& app);
CommandRunner add_prove_command(CLI::App& app);
CommandRunner add_generate_command(CLI::App& app);
CommandRunner add_render_command(CLI::App& app);
CommandRunner add_report_command(CLI::App& app);
CommandRunner add_analyze_command(CLI::App& app);
CommandRunner add_diff_command(CLI::App& app);
CommandRunner add_explain_command(CLI::App& app);
CommandRunner add_lint_command(CLI::App& app);
CommandRunner add_test_command(CLI::App& app);
CommandRunner add_coverage_command(CLI::App& app);
CommandRunner add_serve_command(CLI::App& app);

}  // namespace pp::cli
