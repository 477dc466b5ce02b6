// libFuzzer target: the case reader must refuse bad input with a
// DiagnosticError and never crash, hang or leak.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "model/case_reader.h"
#include "model/evaluator.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static auto policy = pp::model::load_bundled_policy();
  static pp::model::CaseReader reader(*policy);
  static pp::model::Evaluator evaluator(*policy);
  try {
    auto c = reader.read(std::string_view(reinterpret_cast<const char*>(data), size), "fuzz.json");
    (void)evaluator.evaluate(c);  // a case that reads must also evaluate
  } catch (const pp::model::DiagnosticError& e) {
    // INVARIANT: user errors are one line
    if (e.diagnostic().str().find('\n') != std::string::npos) __builtin_trap();
  }
  return 0;
}
