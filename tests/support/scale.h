// Test support: loop sizes. Under the sanitizers (PP_SANITIZED, defined by
// tests/CMakeLists.txt when PP_SANITIZE is set) a test that draws thousands of
// generated cases draws a tenth of them: every path still runs under
// ASan+UBSan, and the CI step fits its time (CONTRIBUTING.md).
#pragma once
#include <algorithm>

namespace pp::test {

#ifdef PP_SANITIZED
constexpr bool kSanitized = true;
#else
constexpr bool kSanitized = false;
#endif

// `n`, or n / 10 (at least `floor`) under the sanitizers.
constexpr int scaled(int n, int floor = 50) { return kSanitized ? std::max(std::min(n, floor), n / 10) : n; }

}  // namespace pp::test
