// The golden-file support itself: a mismatch is shown as a unified diff
// (tests/support/golden.h), so a failing golden test says what changed.
#include <catch2/catch.hpp>

#include "support/golden.h"

using pp::test::golden::unified_diff;

TEST_CASE("golden support: equal texts give no diff") { CHECK(unified_diff("a\nb\n", "a\nb\n", "g", "a").empty()); }

TEST_CASE("golden support: a changed line is a hunk with three lines of context") {
  std::string expected = "1\n2\n3\n4\n5\n6\n7\n8\n9\n";
  std::string actual = "1\n2\n3\n4\nfive\n6\n7\n8\n9\n";
  CHECK(unified_diff(expected, actual, "golden", "actual") ==
        "--- golden\n+++ actual\n@@ -2,7 +2,7 @@\n 2\n 3\n 4\n-5\n+five\n 6\n 7\n 8\n");
}

TEST_CASE("golden support: far-apart changes are separate hunks, and a missing golden shows every line added") {
  std::string expected, actual;
  for (int i = 1; i <= 20; ++i) expected += std::to_string(i) + "\n";
  actual = expected;
  actual.replace(0, 2, "one\n");
  actual += "21\n";
  std::string d = unified_diff(expected, actual, "g", "a");
  CHECK(d.find("@@ -1,4 +1,4 @@\n-1\n+one\n 2\n") != std::string::npos);
  CHECK(d.find("@@ -18,3 +18,4 @@\n 18\n 19\n 20\n+21\n") != std::string::npos);
  CHECK(unified_diff("", "x\n", "g", "a") == "--- g\n+++ a\n@@ -0,0 +1,1 @@\n+x\n");
}
