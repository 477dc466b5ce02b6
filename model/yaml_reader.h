// Strict access to a parsed YAML document, with file:line:col diagnostics
// (model layer; used by the policy, vocabulary and properties loaders).
#pragma once
#include <initializer_list>
#include <set>
#include <string>
#include <vector>

#include <yaml-cpp/exceptions.h>

#include "model/diagnostic.h"
#include "model/yaml_tree.h"

namespace pp::model {

// Limits of a policy, vocabulary or properties file: its size, and the nodes
// a walk over it meets, counting each use of an alias (YAML anchors would
// otherwise let a small file expand to gigabytes).
constexpr size_t kMaxYamlBytes = 8u << 20;
constexpr size_t kMaxYamlNodes = 2'000'000;

class YamlReader {
 public:
  explicit YamlReader(std::string file) : file_(std::move(file)) {}

  // Parses text; syntax errors become diagnostics at the parser's mark. Also
  // refused, with their line:column: bytes that are not UTF-8 (a Latin-1
  // file), control characters, a second document, nesting past the YAML
  // reader's depth, and over kMaxYamlBytes or (aliases expanded) kMaxYamlNodes.
  // Plain documents go the quick way (model/yaml_fast_parser.h); the rest,
  // and every error, through yaml-cpp.
  YamlNode parse(const std::string& text) const;
  // The same, always through yaml-cpp: the reference the quick path is
  // tested against.
  YamlNode parse_with_yaml_cpp(const std::string& text) const;

  [[noreturn]] void fail(const YamlNode& at, const std::string& msg) const;
  [[noreturn]] void fail(const YamlMark& at, const std::string& msg) const;
  Location where(const YamlNode& n) const;

  // Runs a reader over a parsed file. A yaml-cpp exception that escapes it
  // (a key asked of a node whose shape was not checked first) is a bug in
  // the reader, but the user still gets one located line, never a crash.
  template <class F>
  auto guarded(F&& read) const -> decltype(read()) {
    try {
      return read();
    } catch (const YamlShapeError& e) {
      fail(e.mark, "unexpected shape here (" + e.msg + ")");
    } catch (const YAML::Exception& e) {
      fail(YamlMark{e.mark.line, e.mark.column}, "unexpected shape here (" + e.msg + ")");
    }
  }

  // A mapping whose keys are all in `allowed` (and none twice).
  void expect_map(const YamlNode& n, const std::string& what, std::initializer_list<const char*> allowed) const;
  void expect_seq(const YamlNode& n, const std::string& what) const;
  std::string str(const YamlNode& map, const char* key, bool required = true) const;
  // An id (`map[key]`): letters, digits, `_`, `.` and `-` (ids become file
  // names, anchors and solver names), not already in `seen`.
  std::string id(const YamlNode& map, const char* key, std::set<std::string>& seen, const std::string& what) const;
  double number(const YamlNode& map, const char* key, double fallback) const;
  bool boolean(const YamlNode& map, const char* key, bool fallback) const;
  std::vector<std::string> str_list(const YamlNode& map, const char* key) const;
  // Where an expression scalar's text starts (1-based line, column), past a quote.
  void scalar_start(const YamlNode& n, int& line, int& column) const;

  const std::string& file() const { return file_; }
  // The text last parsed (for the source line under an error).
  const std::string& text() const { return text_; }

 private:
  YamlNode parse(const std::string& text, bool quick_path) const;
  std::string file_;
  mutable std::string text_;
  mutable YamlMark second_mark_;  // where a second document starts (parse)
};

}  // namespace pp::model
