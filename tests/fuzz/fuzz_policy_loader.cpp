// libFuzzer target: the policy loader must refuse bad policy files with a
// DiagnosticError (file:line:col) and never crash or hang.
#include <cstddef>
#include <cstdint>
#include <string>

#include "model/policy.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  try {
    pp::model::PolicySource src{std::string(reinterpret_cast<const char*>(data), size), "fuzz.yaml", ""};
    (void)pp::model::load_policy(src);
  } catch (const pp::model::DiagnosticError& e) {
    if (e.diagnostic().str().find('\n') != std::string::npos) __builtin_trap();
  }
  return 0;
}
