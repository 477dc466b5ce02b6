#include "model/yaml_reader.h"

#include "model/yaml_fast_parser.h"

#include <yaml-cpp/depthguard.h>
#include <yaml-cpp/eventhandler.h>
#include <yaml-cpp/parser.h>
#include <yaml-cpp/yaml.h>

#include <cmath>
#include <map>
#include <optional>
#include <set>
#include <sstream>
#include <string_view>

namespace pp::model {

namespace {

// The root of the last document the parser handled: seen, null, where.
struct SecondDocument : YAML::EventHandler {
  bool root_seen = false, root_null = false;
  YAML::Mark root_mark;
  void root(const YAML::Mark& m, bool null) {
    if (root_seen) return;
    root_seen = true;
    root_null = null;
    root_mark = m;
  }
  void OnDocumentStart(const YAML::Mark&) override { root_seen = root_null = false; root_mark = YAML::Mark::null_mark(); }
  void OnDocumentEnd() override {}
  void OnNull(const YAML::Mark& m, YAML::anchor_t) override { root(m, true); }
  void OnAlias(const YAML::Mark& m, YAML::anchor_t) override { root(m, false); }
  void OnScalar(const YAML::Mark& m, const std::string&, YAML::anchor_t, const std::string&) override { root(m, false); }
  void OnSequenceStart(const YAML::Mark& m, const std::string&, YAML::anchor_t, YAML::EmitterStyle::value) override {
    root(m, false);
  }
  void OnSequenceEnd() override {}
  void OnMapStart(const YAML::Mark& m, const std::string&, YAML::anchor_t, YAML::EmitterStyle::value) override {
    root(m, false);
  }
  void OnMapEnd() override {}
};

// The first byte that is not UTF-8 (or is a control character YAML does not
// allow), as a message with its line:column; nullopt when the text is clean.
struct BadByte {
  size_t offset;
  std::string message;
};

std::optional<BadByte> first_bad_byte(std::string_view t) {
  size_t i = 0;
  auto hex = [](unsigned char c) {
    static const char d[] = "0123456789abcdef";
    return std::string("0x") + d[c >> 4] + d[c & 15];
  };
  while (i < t.size()) {
    auto c = static_cast<unsigned char>(t[i]);
    if (c < 0x80) {
      if ((c < 0x20 && c != '\n' && c != '\t' && c != '\r') || c == 0x7f)
        return BadByte{i, "control character " + hex(c) + " (expected text: tabs and newlines are the only controls)"};
      ++i;
      continue;
    }
    int len = c >= 0xc2 && c <= 0xdf ? 2 : c >= 0xe0 && c <= 0xef ? 3 : c >= 0xf0 && c <= 0xf4 ? 4 : 0;
    bool ok = len > 0 && i + len <= t.size();
    for (int k = 1; ok && k < len; ++k) ok = (static_cast<unsigned char>(t[i + k]) & 0xc0) == 0x80;
    if (ok && len >= 3) {
      auto c1 = static_cast<unsigned char>(t[i + 1]);
      if (c == 0xe0 && c1 < 0xa0) ok = false;  // overlong
      if (c == 0xed && c1 >= 0xa0) ok = false;  // surrogate
      if (c == 0xf0 && c1 < 0x90) ok = false;  // overlong
      if (c == 0xf4 && c1 >= 0x90) ok = false;  // past U+10FFFF
    }
    if (!ok) return BadByte{i, "invalid UTF-8 (byte " + hex(c) + "; expected a UTF-8 text file, not Latin-1 or another encoding)"};
    i += static_cast<size_t>(len);
  }
  return std::nullopt;
}

// Every node reached from `root`, aliases followed each time they are used:
// what a walk over the document costs. Bounded, so that a few anchors
// multiplied by aliases (a "billion laughs") are refused, not expanded.
template <class Node>
void check_expansion(const YamlReader& r, const Node& root) {
  size_t nodes = 0, bytes = 0;
  std::vector<Node> stack{root};
  while (!stack.empty()) {
    Node n = stack.back();
    stack.pop_back();
    if (++nodes > kMaxYamlNodes || bytes > kMaxYamlBytes * 4)
      r.fail(YamlMark{n.Mark().line, n.Mark().column}, "the document expands to too much (over " + std::to_string(kMaxYamlNodes) +
                    " nodes or 32 MiB of text, counting each use of an alias; expected a policy without repeated aliases)");
    if (n.IsScalar()) bytes += n.Scalar().size();
    else if (n.IsSequence())
      for (const auto& k : n) stack.push_back(k);
    else if (n.IsMap())
      for (const auto& kv : n) {
        stack.push_back(kv.first);
        stack.push_back(kv.second);
      }
  }
}

// Whether yaml-cpp could find a document after the first: only after a
// document marker (`---` or `...` at the start of a line), or when the first
// document is not a block mapping (`{a: 1} {b: 2}` is two documents to it).
// A block mapping without markers is one document, so the second pass (a
// whole parse again) is skipped for every ordinary policy file.
bool may_hold_second_document(const std::string& text, const YAML::Node& first) {
  if (!first.IsMap() || first.Style() == YAML::EmitterStyle::Flow) return true;
  for (size_t at = 0; at < text.size();) {
    if (text.compare(at, 3, "---") == 0 || text.compare(at, 3, "...") == 0) return true;
    size_t nl = text.find('\n', at);
    if (nl == std::string::npos) break;
    at = nl + 1;
  }
  return false;
}

// yaml-cpp's tree as the loaders read it. A node an alias names is converted
// once and shared (yaml-cpp hands out the anchored node itself, found again by
// where it starts), so the tree is no larger than yaml-cpp's.
class FromYamlCpp {
 public:
  explicit FromYamlCpp(YamlDocument& doc) : doc_(doc) {}
  const YamlData* convert(const YAML::Node& n) {
    YAML::Mark m = n.Mark();
    YamlMark mark{m.line, m.column};
    bool container = n.IsMap() || n.IsSequence();
    std::pair<int, bool> key{m.pos, n.IsMap()};
    if (container && m.pos >= 0) {
      auto it = seen_.find(key);
      if (it != seen_.end()) return it->second;
    }
    if (n.IsScalar()) {
      YamlData& d = doc_.add(YamlKind::Scalar, mark);
      d.scalar = n.Scalar();
      d.quoted = n.Tag() == "!";
      return &d;
    }
    if (!container) return &doc_.add(n.IsDefined() ? YamlKind::Null : YamlKind::Undefined, mark);
    YamlData& d = doc_.add(n.IsMap() ? YamlKind::Map : YamlKind::Sequence, mark);
    d.flow = n.Style() == YAML::EmitterStyle::Flow;
    if (m.pos >= 0) seen_.emplace(key, &d);
    for (const auto& kv : n) {
      if (n.IsMap()) d.pairs.emplace_back(convert(kv.first), convert(kv.second));
      else d.items.push_back(convert(kv));
    }
    return &d;
  }

 private:
  YamlDocument& doc_;
  std::map<std::pair<int, bool>, const YamlData*> seen_;
};

}  // namespace

YamlNode YamlReader::parse(const std::string& text) const { return parse(text, true); }

YamlNode YamlReader::parse_with_yaml_cpp(const std::string& text) const { return parse(text, false); }

YamlNode YamlReader::parse(const std::string& text, bool quick_path) const {
  text_ = text;
  if (text.size() > kMaxYamlBytes) diagnose(file_).fail("file too large (expected at most 8 MiB)");
  if (auto bad = first_bad_byte(text)) {
    YAML::Mark m;
    m.line = 0;
    m.column = 0;
    for (size_t i = 0; i < bad->offset; ++i) {
      if (text[i] == '\n') { ++m.line; m.column = 0; }
      else if ((static_cast<unsigned char>(text[i]) & 0xc0) != 0x80) ++m.column;  // a character, not a byte
    }
    fail(YamlMark{m.line, m.column}, bad->message);
  }
  if (auto quick = quick_path ? parse_yaml_fast(text) : std::nullopt) {
    check_expansion(*this, *quick);
    return *quick;
  }
  // The first document, then whether a second one follows: at most two
  // documents are parsed. (YAML::LoadAll loops while the parser yields
  // documents, and yaml-cpp 0.7 yields them forever on some inputs, such as
  // one starting with `,`: a 158-byte file ran out of memory.)
  std::vector<YAML::Node> docs;
  try {
    docs.push_back(YAML::Load(text));
    if (docs[0].IsNull()) docs.clear();
    if (may_hold_second_document(text, docs.empty() ? YAML::Node() : docs[0])) {
      SecondDocument second;
      std::istringstream in(text);
      YAML::Parser parser(in);
      if (parser.HandleNextDocument(second) && parser.HandleNextDocument(second) && second.root_seen &&
          !second.root_null) {
        docs.push_back(YAML::Node());
        second_mark_ = YamlMark{second.root_mark.line, second.root_mark.column};
      }
    }
  } catch (const YAML::DeepRecursion& e) {
    fail(YamlMark{e.mark.line, e.mark.column}, "nested too deeply for the YAML reader (expected at most a few hundred levels of lists and mappings)");
  } catch (const YAML::ParserException& e) {
    fail(YamlMark{e.mark.line, e.mark.column}, "invalid YAML: " + e.msg);
  } catch (const YAML::Exception& e) {
    fail(YamlMark{e.mark.line, e.mark.column}, "invalid YAML: " + e.msg);
  }
  if (docs.size() > 1) {
    YamlMark m = second_mark_;
    if (m.line < 0) {  // an empty second document: point at its `---`
      size_t at = text.find("\n---", text.find_first_not_of(" \t\r\n") + 1);
      m.line = 0;
      m.column = 0;
      for (size_t i = 0; at != std::string::npos && i <= at; ++i)
        if (text[i] == '\n') ++m.line;
    }
    fail(YamlMark{m.line, m.column}, "a second YAML document (expected one document per file; remove the `---` or split the file)");
  }
  YAML::Node root = docs.empty() ? YAML::Node() : docs[0];
  check_expansion(*this, root);
  auto doc = std::make_shared<YamlDocument>();
  const YamlData* top = FromYamlCpp(*doc).convert(root);
  return YamlNode(std::move(doc), top);
}

Location YamlReader::where(const YamlNode& n) const {
  Location l;
  l.file = file_;
  YamlMark m = n.Mark();
  if (m.line >= 0) { l.line = m.line + 1; l.column = m.column + 1; }
  return l;
}

void YamlReader::fail(const YamlNode& at, const std::string& msg) const {
  Location l = where(at);
  diagnose(file_).at(l.line, l.column).source(text_).fail(msg);
}

void YamlReader::fail(const YamlMark& at, const std::string& msg) const {
  if (at.line < 0) diagnose(file_).fail(msg);
  diagnose(file_).at(at.line + 1, at.column + 1).source(text_).fail(msg);
}

void YamlReader::expect_map(const YamlNode& n, const std::string& what,
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

void YamlReader::expect_seq(const YamlNode& n, const std::string& what) const {
  if (!n.IsSequence()) fail(n, "expected " + what + " as a list");
}

std::string YamlReader::str(const YamlNode& map, const char* key, bool required) const {
  YamlNode v = map[key];
  if (!v) {
    if (required) fail(map, std::string("missing required key `") + key + "`");
    return {};
  }
  if (!v.IsScalar()) fail(v, std::string("expected `") + key + "` to be a string");
  return v.Scalar();
}

std::string YamlReader::id(const YamlNode& map, const char* key, std::set<std::string>& seen,
                           const std::string& what) const {
  std::string v = str(map, key);
  bool ok = !v.empty();
  for (char c : v)
    ok = ok && ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '.' || c == '-');
  if (!ok) fail(map[key], "invalid " + what + " id `" + v + "` (expected letters, digits, `_`, `.` and `-`)");
  if (!seen.insert(v).second) fail(map[key], what + " `" + v + "` is defined twice");
  return v;
}

double YamlReader::number(const YamlNode& map, const char* key, double fallback) const {
  YamlNode v = map[key];
  if (!v) return fallback;
  double d = 0;
  // A number as yaml-cpp reads one (its conversion, on the scalar's text).
  if (!v.IsScalar() || !YAML::convert<double>::decode(YAML::Node(v.Scalar()), d) || !std::isfinite(d))
    fail(v, std::string("expected `") + key + "` to be a finite number");
  return d;
}

bool YamlReader::boolean(const YamlNode& map, const char* key, bool fallback) const {
  YamlNode v = map[key];
  if (!v) return fallback;
  bool b = false;
  if (!v.IsScalar() || !YAML::convert<bool>::decode(YAML::Node(v.Scalar()), b))
    fail(v, std::string("expected `") + key + "` to be true or false");
  return b;
}

std::vector<std::string> YamlReader::str_list(const YamlNode& map, const char* key) const {
  std::vector<std::string> out;
  YamlNode v = map[key];
  if (!v) return out;
  if (!v.IsSequence()) fail(v, std::string("expected `") + key + "` to be a list");
  for (const auto& item : v) {
    if (!item.IsScalar()) fail(item, std::string("expected the items of `") + key + "` to be strings");
    out.push_back(item.Scalar());
  }
  return out;
}

void YamlReader::scalar_start(const YamlNode& n, int& line, int& column) const {
  YamlMark m = n.Mark();
  line = m.line + 1;
  column = m.column + 1;
  if (n.IsQuoted()) column += 1;  // quoted scalar: text starts after the quote
}

}  // namespace pp::model
