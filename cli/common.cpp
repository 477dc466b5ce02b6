#include "cli/common.h"

#include <CLI/CLI.hpp>
#include <iostream>
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
  std::string text = read_input(path);
  model::CaseReader reader(policy);
  return reader.read(text, path == "-" ? "<stdin>" : path);
}

int guarded(const std::function<int()>& body) {
  try {
    return body();
  } catch (const model::DiagnosticError& e) {
    std::cerr << e.diagnostic().str() << "\n";
    return kExitBadInput;
  } catch (const std::bad_alloc&) {
    std::cerr << "policyproof: error: out of memory\n";
    return kExitBadInput;
  } catch (const std::exception& e) {
    std::cerr << "policyproof: internal error: " << e.what() << "\n";
    return 3;
  }
}

void add_format_option(CLI::App& cmd, std::string& format) {
  cmd.add_option("--format", format, "output format")->check(CLI::IsMember({"text", "json"}));
}

}  // namespace pp::cli
