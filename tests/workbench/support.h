// Test support for the workbench tests: the bundled policy's YAML, edited as
// an analyst would, loaded with the bundled vocabulary.
#pragma once
#include <catch2/catch.hpp>
#include <memory>
#include <string>

#include "model/embedded_files.h"
#include "model/policy.h"

namespace pp::test {

inline std::string bundled_policy_text() { return std::string(*model::embedded_file("cmm-607.yaml")); }

// `text` with the first `from` replaced by `to` (the test fails when `from` is absent).
inline std::string edit(std::string text, const std::string& from, const std::string& to) {
  auto at = text.find(from);
  REQUIRE(at != std::string::npos);
  return text.replace(at, from.size(), to);
}

inline std::shared_ptr<const model::Policy> load_text(const std::string& text) {
  model::PolicySource src;
  src.text = text;
  src.file = "cmm-607.yaml";
  return model::load_policy(src);
}

}  // namespace pp::test
