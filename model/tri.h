// Kleene's three truth values, as the concrete evaluator computes them (model layer).
#pragma once
#include <cstdint>

namespace pp::model {

enum class Tri : std::uint8_t { False = 0, True = 1, Unknown = 2 };
const char* to_string(Tri t);  // "false" | "true" | "unknown"

}  // namespace pp::model
