// Standard output and error, checked (cli layer): every byte any subcommand
// writes to stdout (std::cout, printf, fwrite(stdout)) goes through one write
// function that checks it. The first failed write (a full disk, a closed
// descriptor, a broken pipe with SIGPIPE ignored) ends the run at once with
// one line, `<stdout>: error: cannot write: <reason>`, and exit code 2: a run
// never goes on to report success for output it did not deliver.
// On a terminal, control characters (escape sequences) in what is printed
// are shown escaped (`\x1b`), so a case or policy cannot drive the terminal.
#pragma once
#include <string>
#include <string_view>

namespace pp::cli {

// The exit code of a run whose output could not be written.
constexpr int kExitWriteFailed = 2;

// Called first in main: gives closed descriptors 0-2 a harmless stand-in (so
// no file the run opens becomes "standard output"), and routes stdout and
// stderr through the checked writer.
void install_checked_output();

// Called last in main with the subcommand's exit code: flushes standard
// output; a failed write (which ends the run where it happens) cannot pass.
int finish_output(int exit_code);

// `text` with every control character but newline and tab written as `\xHH`
// (C1 controls too, as UTF-8 or as single bytes), for a terminal.
std::string escape_controls(std::string_view text);

}  // namespace pp::cli
