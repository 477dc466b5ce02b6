// libFuzzer target: the policy loader must refuse bad policy files with a
// DiagnosticError (file:line:col) and never crash or hang. And the quick
// YAML path (libyaml) must build the tree yaml-cpp builds wherever both read
// the text, or give way.
#include <cstddef>
#include <cstdint>
#include <string>

#include "model/policy.h"
#include "model/yaml_fast_parser.h"
#include "model/yaml_reader.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string text(reinterpret_cast<const char*>(data), size);
  try {
    pp::model::PolicySource src{text, "fuzz.yaml", ""};
    (void)pp::model::load_policy(src);
  } catch (const pp::model::DiagnosticError& e) {
    if (e.diagnostic().str().find('\n') != std::string::npos) __builtin_trap();
  }
  if (pp::model::parse_yaml_fast(text)) {
    pp::model::YamlReader r("fuzz.yaml");
    pp::model::YamlNode quick, reference;
    std::string quick_error, reference_error;
    try {
      quick = r.parse(text);
    } catch (const pp::model::DiagnosticError& e) {
      quick_error = e.diagnostic().str();
    }
    try {
      reference = r.parse_with_yaml_cpp(text);
    } catch (const pp::model::DiagnosticError& e) {
      reference_error = e.diagnostic().str();
    }
    // Both read it: the same tree. libyaml may take valid YAML that yaml-cpp
    // 0.7 refuses (a `?` inside a flow plain scalar); never the other way.
    if (quick_error.empty() && reference_error.empty() && !pp::model::yaml_difference(quick, reference).empty())
      __builtin_trap();
    if (!quick_error.empty() && quick_error != reference_error) __builtin_trap();
  }
  return 0;
}
