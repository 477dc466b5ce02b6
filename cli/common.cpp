#include "cli/common.h"

#include <CLI/CLI.hpp>
#include <iostream>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <iterator>
#include <map>
#include <vector>

#include "model/bundled_policies.h"
#include "model/case_reader.h"

namespace pp::cli {

namespace {
std::vector<std::string>& reading_options() {
  static std::vector<std::string> readings;
  return readings;
}
}  // namespace

void add_reading_option(CLI::App& cmd) {
  cmd.add_option("--reading", reading_options(),
                 "work under another named reading of an ambiguity: AMB.ID=READING (repeatable; `analyze` lists them)")
      ->allow_extra_args(false)  // one value per --reading: the case file after it stays positional
      ->take_all()
      ->type_name("AMB.ID=READING");
}

const std::vector<std::string>& reading_option_values() { return reading_options(); }

std::shared_ptr<const model::Policy> apply_reading_option(std::shared_ptr<const model::Policy> policy) {
  const auto& given = reading_options();
  if (given.empty()) return policy;
  std::map<std::string, std::string> readings;
  for (const auto& g : given) {
    auto eq = g.find('=');
    if (eq == std::string::npos || eq == 0 || eq + 1 == g.size())
      model::diagnose("--reading").fail("expected AMB.ID=READING, got `" + g + "`");
    std::string amb = g.substr(0, eq), rd = g.substr(eq + 1);
    if (auto it = readings.find(amb); it != readings.end() && it->second != rd)
      model::diagnose("--reading").fail("ambiguity `" + amb + "` given two readings (`" + it->second + "`, `" + rd + "`)");
    readings[amb] = rd;
  }
  return policy->under(readings, "--reading");
}

std::shared_ptr<const model::Policy> load_policy_option(const std::string& policy_path) {
  if (policy_path.empty()) return apply_reading_option(model::load_bundled_policy());
  // A bundled policy named by its id (`--policy L34106`), unless a file of that name exists.
  std::error_code ec;
  if (policy_path.find('/') == std::string::npos && !std::filesystem::exists(policy_path, ec))
    if (auto src = model::bundled_policy_source(policy_path))
      return apply_reading_option(src->file == "cmm-607.yaml" ? model::load_bundled_policy() : model::load_policy(*src));
  return apply_reading_option(model::load_policy_file(policy_path));
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
    model::diagnose(path).fail("cannot read the file (is it a directory?)");
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
    model::diagnose("policyproof " + command.get_name()).fail(message);
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
