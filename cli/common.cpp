#include "cli/common.h"

#include <CLI/CLI.hpp>
#include <iostream>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <iterator>

#include "model/case_reader.h"

namespace pp::cli {

std::shared_ptr<const model::Policy> load_policy_option(const std::string& policy_path) {
  if (policy_path.empty()) return model::load_bundled_policy();
  return model::load_policy_file(policy_path);
}

std::string read_input(const std::string& path) {
  if (path == "-") {
    std::string s((std::istreambuf_iterator<char>(std::cin)), std::istreambuf_iterator<char>());
    return s;
  }
  return model::read_file(path);
}

model::Case read_case_file(const model::Policy& policy, const std::string& path) {
  // Read at most one byte past the cap, so a huge input is refused unread.
  std::string text;
  std::FILE* f = path == "-" ? stdin : std::fopen(path.c_str(), "rb");
  if (!f) return model::CaseReader(policy).read(model::read_file(path), path);  // read_file names the error
  text.resize(model::kMaxCaseBytes + 1);
  size_t n = std::fread(text.data(), 1, text.size(), f);
  bool failed = std::ferror(f) != 0;
  if (f != stdin) std::fclose(f);
  if (failed) {
    model::Diagnostic d;
    d.location.file = path;
    d.message = "cannot read the file (is it a directory?)";
    throw model::DiagnosticError(d);
  }
  text.resize(n);
  model::CaseReader reader(policy);
  return reader.read(text, path == "-" ? "<stdin>" : path);
}

// Text mode shows the source line and a caret under an error's first line;
// `--format json` keeps stderr to that one line.
static bool g_source_excerpts = true;

int guarded(const std::function<int()>& body) {
  try {
    return body();
  } catch (const model::DiagnosticError& e) {
    std::cerr << (g_source_excerpts ? e.diagnostic().display() : e.diagnostic().str() + "\n");
    return kExitBadInput;
  } catch (const std::bad_alloc&) {
    std::cerr << "policyproof: error: out of memory\n";
    return kExitBadInput;
  } catch (const std::exception& e) {
    std::cerr << "policyproof: internal error: " << e.what() << "\n";
    return 3;
  }
}

std::string safe_file_name(std::string_view text, const std::string& extension, std::set<std::string>& taken) {
  std::string stem;
  for (char c : text.substr(0, 120)) {
    bool keep = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-';
    stem += keep ? c : '_';
  }
  if (stem.empty() || stem[0] == '.') stem.insert(stem.begin(), '_');
  std::string name = stem + extension;
  for (int n = 2; !taken.insert(name).second; ++n) name = stem + "-" + std::to_string(n) + extension;
  return name;
}

void check_common_options(const CLI::App& command) {
  auto fail = [&](const std::string& message) {
    model::Diagnostic d;
    d.location.file = "policyproof " + command.get_name();
    d.message = message;
    throw model::DiagnosticError(d);
  };
  for (const char* name : {"--policy", "--batch", "--case", "--output", "--witness-dir", "--emit-smt2", "--junit",
                           "--audit-log", "--properties"}) {
    const CLI::Option* opt = command.get_option_no_throw(name);
    if (!opt || opt->count() == 0) continue;
    for (const auto& value : opt->results())
      if (value.empty()) fail(std::string("`") + name + "` is empty (expected a file name; an unset shell variable?)");
  }
  if (const CLI::Option* opt = command.get_option_no_throw("--timeout"); opt && opt->count() > 0)
    for (const auto& value : opt->results()) {
      char* end = nullptr;
      double d = std::strtod(value.c_str(), &end);
      if (!std::isfinite(d) || *end != '\0')
        fail("`--timeout " + value + "` is not a number of seconds (expected a finite number from 0 to 86400)");
    }
}

void add_format_option(CLI::App& cmd, std::string& format) {
  cmd.add_option("--format", format, "output format")
      ->check(CLI::IsMember({"text", "json"}))
      ->each([](const std::string& v) { g_source_excerpts = v != "json"; });
}

}  // namespace pp::cli
