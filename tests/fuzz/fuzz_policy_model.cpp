// libFuzzer target: the policy loader past YAML syntax. The first byte picks
// what the rest is, so that mutations land in the vocabulary and expression
// parsers instead of breaking the YAML around them:
//   0: an expression (`when:`), parsed against the bundled policy;
//   1: a vocabulary file (facts, values, domain relations);
//   2: a policy whose criteria are lines of the input, inside a fixed frame
//      (bundled vocabulary), so references, kinds and cycles are reached;
//   else: a whole policy file.
// Every refusal must be one DiagnosticError line; nothing may crash or hang.
#include <cstddef>
#include <cstdint>
#include <string>

#include "model/policy.h"
#include "model/vocabulary.h"

namespace {

void check(const pp::model::DiagnosticError& e) {
  if (e.diagnostic().str().find('\n') != std::string::npos) __builtin_trap();
}

std::string framed_policy(const std::string& body) {
  std::string text =
      "policy: {id: FUZZ, version: v1, vocabulary: vertebral-augmentation.facts.yaml}\n"
      "sections: [{id: S, title: S}]\n"
      "criteria:\n";
  size_t start = 0, n = 0;
  while (start <= body.size() && n < 64) {
    size_t end = body.find('\n', start);
    std::string line = body.substr(start, end == std::string::npos ? std::string::npos : end - start);
    std::string id = "C" + std::to_string(n++);
    // Odd lines are conditions, even lines pathways over the criteria before.
    if (n % 2) text += "  - {id: " + id + ", section: S, kind: condition, title: t, text: t, when: \"" + line + "\"}\n";
    else text += "  - {id: " + id + ", section: S, kind: pathway, title: t, text: t, " + line + "}\n";
    if (end == std::string::npos) break;
    start = end + 1;
  }
  return text;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  static auto bundled = pp::model::load_bundled_policy();
  std::string text(reinterpret_cast<const char*>(data) + 1, size - 1);
  try {
    switch (data[0] % 4) {
      case 0:
        (void)pp::model::parse_expression(*bundled, text, "fuzz.yaml", 1, 1, data[0] & 4);
        break;
      case 1:
        (void)pp::model::load_vocabulary(text, "fuzz.facts.yaml");
        break;
      case 2:
        (void)pp::model::load_policy(pp::model::PolicySource{framed_policy(text), "fuzz.yaml", ""});
        break;
      default:
        (void)pp::model::load_policy(pp::model::PolicySource{text, "fuzz.yaml", ""});
    }
  } catch (const pp::model::DiagnosticError& e) {
    check(e);
  }
  return 0;
}
