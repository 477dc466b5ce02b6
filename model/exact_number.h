// Numbers compared exactly (model layer). A case's number is read as the
// nearest double, and a policy's constant means its shortest decimal (the
// Z3 side reads it so: solver/encoding.cpp decimal_literal). Rounding keeps
// order, so a number whose double differs from a constant compares to it as
// written; only a number whose double *equals* a constant can be misjudged
// (`6.0000000000000001` weeks reads as 6.0). Such a number is compared with
// the constant's decimal exactly, and stored one double above or below it,
// so every later comparison (both evaluators, Z3) sees it on the right side.
#pragma once
#include <string_view>
#include <vector>

namespace pp::model {

struct Policy;

// The sign of (the JSON number `text`) - (the shortest decimal of `k`),
// compared as exact decimals: -1, 0 or 1.
int compare_decimal(std::string_view text, double k);

// Per atom, the constants its number is compared with (criteria, domain
// relations, the fact's min and max), sorted; empty for other atoms.
std::vector<std::vector<double>> number_constants(const Policy& policy);

// The double to store for the JSON number `text` read as `v`: `v` itself,
// unless `v` is one of `constants` and `text` is not exactly that constant;
// then the next double toward the number as written.
double exact_value(std::string_view text, double v, const std::vector<double>& constants);

}  // namespace pp::model
