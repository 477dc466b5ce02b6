// libFuzzer target: the case reader must refuse bad input with a
// DiagnosticError and never crash, hang or leak; and its fast path must give
// exactly what the strict DOM walk gives (the same case, or the same message).
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>

#include "model/case_reader.h"
#include "model/evaluator.h"

namespace {

// The case read, serialised for comparison, or "!" and the one-line message.
std::string outcome(pp::model::CaseReader& reader, std::string_view text, bool evaluate) {
  static auto policy = pp::model::load_bundled_policy();
  static pp::model::Evaluator evaluator(*policy);
  try {
    pp::model::Case c = reader.read(text, "fuzz.json");
    if (evaluate) (void)evaluator.evaluate(c);  // a case that reads must also evaluate
    std::string s = c.case_id + '\0' + static_cast<char>(c.has_case_id);
    s.append(reinterpret_cast<const char*>(c.known.data()), c.known.size());
    s.append(reinterpret_cast<const char*>(c.value.data()), c.value.size() * sizeof(double));
    for (const auto& l : c.cpt) s += l.code + '\0' + std::to_string(l.units);
    return s;
  } catch (const pp::model::DiagnosticError& e) {
    std::string m = e.diagnostic().str();
    // INVARIANT: user errors are one line
    if (m.find('\n') != std::string::npos) __builtin_trap();
    return "!" + m;
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static auto policy = pp::model::load_bundled_policy();
  static pp::model::CaseReader fast(*policy);
  static pp::model::CaseReader strict(*policy, false);
  std::string_view text(reinterpret_cast<const char*>(data), size);
  // The fast path reads a case against the shape of the last case it read
  // in full: an input "A\nB" reads A (which sets the shape when it is a
  // case) and then B against it, as consecutive lines of a batch are read.
  size_t nl = text.find('\n');
  std::string_view first = nl == std::string_view::npos ? text : text.substr(0, nl);
  // INVARIANT: the fast path answers exactly as the strict walk does
  if (outcome(fast, first, true) != outcome(strict, first, false)) __builtin_trap();
  if (nl != std::string_view::npos) {
    std::string_view second = text.substr(nl + 1);
    if (outcome(fast, second, true) != outcome(strict, second, false)) __builtin_trap();
  }
  return 0;
}
