// Strict access to a parsed YAML document, with file:line:col diagnostics
// (model layer; used by the policy, vocabulary and properties loaders).
#pragma once
#include <initializer_list>
#include <string>
#include <vector>

#include <yaml-cpp/yaml.h>

#include "model/diagnostic.h"

namespace pp::model {

class YamlReader {
 public:
  explicit YamlReader(std::string file) : file_(std::move(file)) {}

  // Parses text; syntax errors become diagnostics at the parser's mark.
  YAML::Node parse(const std::string& text) const;

  [[noreturn]] void fail(const YAML::Node& at, const std::string& msg) const;
  [[noreturn]] void fail(const YAML::Mark& at, const std::string& msg) const;
  Location where(const YAML::Node& n) const;

  // A mapping whose keys are all in `allowed` (and none twice).
  void expect_map(const YAML::Node& n, const std::string& what, std::initializer_list<const char*> allowed) const;
  void expect_seq(const YAML::Node& n, const std::string& what) const;
  std::string str(const YAML::Node& map, const char* key, bool required = true) const;
  double number(const YAML::Node& map, const char* key, double fallback) const;
  bool boolean(const YAML::Node& map, const char* key, bool fallback) const;
  std::vector<std::string> str_list(const YAML::Node& map, const char* key) const;
  // Where an expression scalar's text starts (1-based line, column), past a quote.
  void scalar_start(const YAML::Node& n, int& line, int& column) const;

  const std::string& file() const { return file_; }
  // The text last parsed (for the source line under an error).
  const std::string& text() const { return text_; }

 private:
  std::string file_;
  mutable std::string text_;
};

}  // namespace pp::model
