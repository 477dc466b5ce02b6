#include "model/yaml_reader.h"

#include <cmath>
#include <set>

namespace pp::model {

YAML::Node YamlReader::parse(const std::string& text) const {
  text_ = text;
  try {
    return YAML::Load(text);
  } catch (const YAML::ParserException& e) {
    fail(e.mark, "invalid YAML: " + e.msg);
  } catch (const YAML::Exception& e) {
    fail(e.mark, "invalid YAML: " + e.msg);
  }
}

Location YamlReader::where(const YAML::Node& n) const {
  Location l;
  l.file = file_;
  YAML::Mark m = n.Mark();
  if (m.line >= 0) { l.line = m.line + 1; l.column = m.column + 1; }
  return l;
}

void YamlReader::fail(const YAML::Node& at, const std::string& msg) const {
  Location l = where(at);
  diagnose(file_).at(l.line, l.column).source(text_).fail(msg);
}

void YamlReader::fail(const YAML::Mark& at, const std::string& msg) const {
  if (at.line < 0) diagnose(file_).fail(msg);
  diagnose(file_).at(at.line + 1, at.column + 1).source(text_).fail(msg);
}

void YamlReader::expect_map(const YAML::Node& n, const std::string& what,
                            std::initializer_list<const char*> allowed) const {
  if (!n.IsMap()) fail(n, "expected " + what + " as a mapping of keys to values");
  std::set<std::string> seen;
  for (const auto& kv : n) {
    if (!kv.first.IsScalar()) fail(kv.first, "expected a plain key in " + what);
    std::string k = kv.first.Scalar();
    if (!seen.insert(k).second) fail(kv.first, "duplicate key `" + k + "` in " + what);
    bool ok = false;
    std::string exp;
    for (const char* a : allowed) {
      if (k == a) ok = true;
      exp += exp.empty() ? std::string(a) : std::string(", ") + a;
    }
    if (!ok) fail(kv.first, "unknown key `" + k + "` in " + what + " (expected one of " + exp + ")");
  }
}

void YamlReader::expect_seq(const YAML::Node& n, const std::string& what) const {
  if (!n.IsSequence()) fail(n, "expected " + what + " as a list");
}

std::string YamlReader::str(const YAML::Node& map, const char* key, bool required) const {
  YAML::Node v = map[key];
  if (!v) {
    if (required) fail(map, std::string("missing required key `") + key + "`");
    return {};
  }
  if (!v.IsScalar()) fail(v, std::string("expected `") + key + "` to be a string");
  return v.Scalar();
}

double YamlReader::number(const YAML::Node& map, const char* key, double fallback) const {
  YAML::Node v = map[key];
  if (!v) return fallback;
  double d = 0;
  if (!v.IsScalar() || !YAML::convert<double>::decode(v, d) || !std::isfinite(d))
    fail(v, std::string("expected `") + key + "` to be a finite number");
  return d;
}

bool YamlReader::boolean(const YAML::Node& map, const char* key, bool fallback) const {
  YAML::Node v = map[key];
  if (!v) return fallback;
  bool b = false;
  if (!v.IsScalar() || !YAML::convert<bool>::decode(v, b))
    fail(v, std::string("expected `") + key + "` to be true or false");
  return b;
}

std::vector<std::string> YamlReader::str_list(const YAML::Node& map, const char* key) const {
  std::vector<std::string> out;
  YAML::Node v = map[key];
  if (!v) return out;
  if (!v.IsSequence()) fail(v, std::string("expected `") + key + "` to be a list");
  for (const auto& item : v) {
    if (!item.IsScalar()) fail(item, std::string("expected the items of `") + key + "` to be strings");
    out.push_back(item.Scalar());
  }
  return out;
}

void YamlReader::scalar_start(const YAML::Node& n, int& line, int& column) const {
  YAML::Mark m = n.Mark();
  line = m.line + 1;
  column = m.column + 1;
  if (n.Tag() == "!") column += 1;  // quoted scalar: text starts after the quote
}

}  // namespace pp::model
