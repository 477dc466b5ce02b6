// libFuzzer target: the properties file (model/properties.h) against the
// bundled policy: every refusal is one DiagnosticError line, never a crash.
#include <cstddef>
#include <cstdint>
#include <string>

#include "model/policy.h"
#include "model/properties.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static auto bundled = pp::model::load_bundled_policy();
  try {
    (void)pp::model::load_properties(*bundled, std::string(reinterpret_cast<const char*>(data), size),
                                     "fuzz.properties.yaml");
  } catch (const pp::model::DiagnosticError& e) {
    if (e.diagnostic().str().find('\n') != std::string::npos) __builtin_trap();
  }
  return 0;
}
