// The quick YAML path (libyaml, model/yaml_fast_parser.h) builds the tree
// yaml-cpp builds: same shapes, scalars, quoting, styles and marks, on every
// YAML file of the repository and of the fuzz corpus, and hands back every
// input it does not take exactly.
#include <catch2/catch.hpp>

#include <filesystem>
#include <string>

#include "model/diagnostic.h"
#include "model/yaml_fast_parser.h"
#include "model/yaml_reader.h"
#include "support/run.h"

namespace fs = std::filesystem;
using pp::model::YamlKind;
using pp::model::YamlNode;

namespace {

// Both parses of `text`: the same tree, or the same error line. Where
// libyaml takes a document yaml-cpp 0.7 refuses (valid YAML such as a `?`
// inside a plain scalar of a flow mapping), the quick path's reading stands:
// `refused` counts them.
void agree(const std::string& text, const std::string& name, int& quick, int* refused = nullptr) {
  pp::model::YamlReader r(name);
  std::string quick_error, reference_error;
  YamlNode q, ref;
  try {
    q = r.parse(text);
  } catch (const pp::model::DiagnosticError& e) {
    quick_error = e.diagnostic().str();
  }
  try {
    ref = r.parse_with_yaml_cpp(text);
  } catch (const pp::model::DiagnosticError& e) {
    reference_error = e.diagnostic().str();
  }
  INFO(name);
  bool took = pp::model::parse_yaml_fast(text).has_value();
  if (took) ++quick;
  if (took && quick_error.empty() && !reference_error.empty()) {
    CHECK(refused != nullptr);  // only where a test expects it
    if (refused) ++*refused;
    return;
  }
  CHECK(quick_error == reference_error);
  if (quick_error.empty()) CHECK(pp::model::yaml_difference(q, ref) == "");
}

}  // namespace

TEST_CASE("the quick YAML path builds yaml-cpp's tree for every YAML file here", "[load][yaml]") {
  int files = 0, quick = 0;
  for (const char* dir : {"model", "tests", "docs", "examples"}) {
    fs::path root = fs::path(PP_SOURCE_DIR) / dir;
    if (!fs::exists(root)) continue;
    for (const auto& e : fs::recursive_directory_iterator(root)) {
      if (!e.is_regular_file()) continue;
      std::string p = e.path().string();
      bool yaml = e.path().extension() == ".yaml" || e.path().extension() == ".yml" ||
                  p.find("/fuzz/corpus/") != std::string::npos;
      if (!yaml || fs::file_size(e.path()) > (1u << 20)) continue;
      // Files named yaml-cpp-refuses-* hold valid YAML yaml-cpp 0.7 refuses.
      bool refusal = p.find("yaml-cpp-refuses-") != std::string::npos;
      int refused = 0;
      agree(pp::test::slurp(p), p, quick, refusal ? &refused : nullptr);
      if (refusal) CHECK(refused == 1);
      // The bundled policies and their companions go the quick way.
      if (p.find("/model/policies/") != std::string::npos) CHECK(pp::model::parse_yaml_fast(pp::test::slurp(p)));
      ++files;
    }
  }
  CHECK(files > 50);
  CHECK(quick > files / 2);  // most files go the quick way
}

TEST_CASE("the quick YAML path agrees on the shapes YAML allows", "[load][yaml]") {
  int quick = 0;
  const char* texts[] = {
      "a: 1\nb: 'two'\nc: \"th\\u00e9ree\"\nd:\ne: ~\nf: null\ng: [1, 2, {h: i}]\n",
      "- a\n- - b\n  - c\n- {x: y}\n-\n- |\n  literal\n  text\n- >\n  folded\n  text\n",
      "key: &a {x: 1}\nother: *a\nlist: &l [1, 2]\nmore: [*l, *l]\n",
      "k:\n- a\n- b\nm: v\n",
      "é: \"ü\"\nwhen: \"x > 1 and y\"\n  # comment\nz: 'it''s'\n",
      "plain: multi\n  line\n  scalar\nn: -1.5e3\nb: yes\n",
      "? complex\n: value\n",
      "---\na: 1\n...\n",
      "a: 1\n---\nb: 2\n",
      "%YAML 1.2\n---\na: 1\n",
      "a: !!str 5\n",
      "a: [1, 2\n",
      "{a: 1} {b: 2}",
      ",",
      "",
      "# only a comment\n",
      "a: *unknown\n",
      "a:\r\n  b: c\r\n",
      "\xEF\xBB\xBF" "a: 1\n",
      "a: 1\na: 2\n",
      "a:\tb\n",
      "&a [*a]\n",
      "a: 1\nd:\n",
      "a: 1\nd:",
      "a: 1\nd:   # why\n\n  # more\ne: 2\n",
      "- \n",
      "{a: , b: 1}\n",
      "[a, b, ]\n",
      "a:\n  -\n  - x\n",
      "- i]: AMB.x\n  q: 1\n",
      "# c\npolicy: {id: X, version: v1, voca",  // found by the fuzzer (a read past the end)
      "a: x\xC2\x85" "b: 1\nc:\n",
      "a: x\xE2\x80\xA8" "b: 1\nc:\n",
      "a: {b: \n",
      "# \n~",  // found by the fuzzer: a null document
      "#? \n? a",  // found by the fuzzer: an explicit key without a value
      "? a\nb: 1\n",
      "? a\n: 1\n",
      "- ? a\n",
      "{? a, b: 1}\n",
      "[a, ? b]\n",
      "q: is it?\nr: 'why ? not'\n",
      "null\n",
      "policy: {id: X, version: vR120,&vocabulary: broken.facts.yaml}\ncriteria: []\n",
  };
  for (const char* t : texts) agree(t, "inline.yaml", quick);
  CHECK(quick >= 8);
  // Found by the fuzzer: valid YAML that yaml-cpp 0.7 refuses ("end of map
  // flow not found"); libyaml reads the `?` as part of the plain scalar.
  int refused = 0;
  std::string text = "policy: {id: X, vocabulary: a.f?cts.yaml}\n";
  agree(text, "inline.yaml", quick, &refused);
  CHECK(refused == 1);
  CHECK(pp::model::YamlReader("inline.yaml").parse(text)["policy"]["vocabulary"].Scalar() == "a.f?cts.yaml");
}
