// Bad policy files: each is refused with exit 2 and one line naming
// file:line:col and what was expected (its first line says which).
#include <catch2/catch.hpp>
#include <dirent.h>

#include "support/diagnostics.h"
#include "support/run.h"

TEST_CASE("bad policy files are refused at file:line:col") {
  std::string dir = std::string(PP_SOURCE_DIR) + "/tests/load/bad";
  DIR* d = opendir(dir.c_str());
  REQUIRE(d);
  int checked = 0;
  while (dirent* e = readdir(d)) {
    std::string name = e->d_name;
    if (name.size() < 5 || name.substr(name.size() - 5) != ".yaml") continue;
    std::string text = pp::test::slurp(dir + "/" + name);
    if (text.rfind("# expect: ", 0) != 0) continue;  // a helper file (e.g. a vocabulary)
    std::string expect = text.substr(10, text.find('\n') - 10);
    auto r = pp::test::run("evaluate --policy tests/load/bad/" + name + " model/policies/example-case.json");
    INFO(name << "\n" << r.err);
    CHECK(r.exit_code == 2);
    // The one-line diagnostic, then the source line and a caret under the column.
    CHECK(pp::test::first_line(r.err).rfind(expect, 0) == 0);  // `expect` is the line's start
    CHECK(pp::test::count_lines(r.err) == 3);
    CHECK(pp::test::excerpt_problem(r.err) == "");
    CHECK(r.out.empty());
    // With --format json, stderr is the one line.
    auto j = pp::test::run("evaluate --format json --policy tests/load/bad/" + name + " model/policies/example-case.json");
    CHECK(j.exit_code == 2);
    CHECK(j.err == pp::test::first_line(r.err));
    ++checked;
  }
  closedir(d);
  CHECK(checked >= 10);
}

TEST_CASE("a policy file loads from disk and gives the bundled decisions") {
  auto r1 = pp::test::run("evaluate --format json model/policies/example-case.json");
  auto r2 = pp::test::run("evaluate --format json --policy model/policies/cmm-607.yaml model/policies/example-case.json");
  CHECK(r1.exit_code == 0);
  CHECK(r2.exit_code == 0);
  CHECK(r1.out == r2.out);  // same bytes, same sha256
}
