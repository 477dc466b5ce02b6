#include "model/yaml_fast_parser.h"

#include <yaml.h>

#include <string_view>

namespace pp::model {

namespace {

constexpr size_t kMaxDepth = 200;  // past this yaml-cpp's depth guard decides

// Owns a libyaml parser and its current event.
struct Parser {
  yaml_parser_t p;
  yaml_event_t e;
  bool has_event = false;
  explicit Parser(const std::string& text) {
    yaml_parser_initialize(&p);
    yaml_parser_set_encoding(&p, YAML_UTF8_ENCODING);
    yaml_parser_set_input_string(&p, reinterpret_cast<const unsigned char*>(text.data()), text.size());
  }
  ~Parser() {
    if (has_event) yaml_event_delete(&e);
    yaml_parser_delete(&p);
  }
  bool next() {
    if (has_event) yaml_event_delete(&e);
    has_event = yaml_parser_parse(&p, &e) != 0;
    return has_event;
  }
};

// libyaml counts columns in characters; yaml-cpp (and so every mark the
// loaders report) in bytes.
class ByteColumns {
 public:
  explicit ByteColumns(const std::string& text) : text_(text) {
    line_starts_.push_back(0);
    for (size_t i = 0; i < text.size(); ++i)
      if (text[i] == '\n') line_starts_.push_back(i + 1);
  }
  YamlMark mark(const yaml_mark_t& m) const {
    YamlMark out;
    out.line = static_cast<int>(m.line);
    if (m.line >= line_starts_.size()) return out;
    size_t at = line_starts_[m.line];
    for (size_t chars = 0; chars < m.column && at < text_.size(); ++chars) {
      ++at;
      while (at < text_.size() && (static_cast<unsigned char>(text_[at]) & 0xc0) == 0x80) ++at;
    }
    out.column = static_cast<int>(at - line_starts_[m.line]);
    return out;
  }
  // Where yaml-cpp places an empty value (`key:` with nothing after it): at
  // the next token, past blanks, line breaks and comments, from where
  // libyaml places it.
  YamlMark next_token(const YamlMark& m) const {
    if (m.line < 0 || static_cast<size_t>(m.line) >= line_starts_.size() || m.column < 0) return YamlMark{m.line, 0};
    size_t at = line_starts_[static_cast<size_t>(m.line)] + static_cast<size_t>(m.column);
    size_t line = static_cast<size_t>(m.line);
    while (at < text_.size()) {
      char c = text_[at];
      if (c == '#' && (at == 0 || text_[at - 1] == ' ' || text_[at - 1] == '\t' || text_[at - 1] == '\n')) {
        while (at < text_.size() && text_[at] != '\n') ++at;
        continue;
      }
      if (c != ' ' && c != '\t' && c != '\n') break;
      if (c == '\n') ++line;
      ++at;
    }
    if (at >= text_.size()) return YamlMark{static_cast<int>(line), 0};  // yaml-cpp's end of input
    return YamlMark{static_cast<int>(line), static_cast<int>(at - line_starts_[line])};
  }

 private:
  const std::string& text_;
  std::vector<size_t> line_starts_;
};

// Whether the text may hold an explicit key (`? key`), where yaml-cpp places
// a missing value elsewhere than libyaml does: a `?` and a blank, first on a
// line (after any `- `), or after `{`, `[` or `,`. A `?` inside a scalar that
// looks so only sends the text the slow way.
bool may_hold_explicit_key(std::string_view t) {
  auto blank_after = [&](size_t i) { return i + 1 >= t.size() || t[i + 1] == ' ' || t[i + 1] == '\t' || t[i + 1] == '\n'; };
  bool line_start = true;
  for (size_t i = 0; i < t.size(); ++i) {
    char c = t[i];
    if (c == '\n') {
      line_start = true;
      continue;
    }
    if (line_start && (c == ' ' || c == '\t' || (c == '-' && blank_after(i)))) continue;
    if (c == '?' && blank_after(i)) {
      if (line_start) return true;
      size_t j = i;
      while (j > 0 && (t[j - 1] == ' ' || t[j - 1] == '\t')) --j;
      if (j > 0 && (t[j - 1] == '{' || t[j - 1] == '[' || t[j - 1] == ',')) return true;
    }
    line_start = false;
  }
  return false;
}

bool is_null_word(std::string_view s) { return s.empty() || s == "~" || s == "null" || s == "Null" || s == "NULL"; }

}  // namespace

std::optional<YamlNode> parse_yaml_fast(const std::string& text) {
  // Line breaks the two count differently: a carriage return, and the
  // breaks YAML 1.1 adds (NEL U+0085, LS U+2028, PS U+2029), which libyaml
  // counts as new lines and yaml-cpp does not.
  if (text.find('\r') != std::string::npos || text.find("\xC2\x85") != std::string::npos ||
      text.find("\xE2\x80\xA8") != std::string::npos || text.find("\xE2\x80\xA9") != std::string::npos)
    return std::nullopt;
  if (text.size() >= 3 && text.compare(0, 3, "\xEF\xBB\xBF") == 0) return std::nullopt;
  if (may_hold_explicit_key(text)) return std::nullopt;
  auto doc = std::make_shared<YamlDocument>();
  ByteColumns columns(text);
  Parser parser(text);
  std::vector<YamlData*> open;          // the lists and mappings being read
  std::vector<const YamlData*> pending_key;  // per open mapping: a key read, its value not yet
  const YamlData* root = nullptr;
  int documents = 0;

  // Places a finished node in what is open (or as the root).
  auto place = [&](const YamlData* d) -> bool {
    if (open.empty()) {
      if (root) return false;
      root = d;
      return true;
    }
    YamlData* parent = open.back();
    if (parent->kind == YamlKind::Sequence) {
      parent->items.push_back(d);
    } else if (!pending_key.back()) {
      pending_key.back() = d;
    } else {
      parent->pairs.emplace_back(pending_key.back(), d);
      pending_key.back() = nullptr;
    }
    return true;
  };

  while (true) {
    if (!parser.next()) return std::nullopt;  // a syntax error: yaml-cpp words it
    const yaml_event_t& e = parser.e;
    switch (e.type) {
      case YAML_STREAM_START_EVENT:
      case YAML_NO_EVENT:
        break;
      case YAML_STREAM_END_EVENT:
        // A null document is no document to yaml-cpp (its root has no mark).
        if (!root || documents != 1 || root->kind == YamlKind::Null) return std::nullopt;
        return YamlNode(doc, root);
      case YAML_DOCUMENT_START_EVENT:
        if (++documents > 1) return std::nullopt;
        if (e.data.document_start.version_directive ||
            e.data.document_start.tag_directives.start != e.data.document_start.tag_directives.end)
          return std::nullopt;
        break;
      case YAML_DOCUMENT_END_EVENT:
        break;
      case YAML_ALIAS_EVENT:
        return std::nullopt;
      case YAML_SCALAR_EVENT: {
        const auto& s = e.data.scalar;
        if (s.tag || s.anchor) return std::nullopt;
        std::string_view value(reinterpret_cast<const char*>(s.value), s.length);
        bool plain = s.style == YAML_PLAIN_SCALAR_STYLE;
        YamlMark mark = columns.mark(e.start_mark);
        if (plain && value.empty()) mark = columns.next_token(mark);
        YamlData& d = doc->add(plain && is_null_word(value) ? YamlKind::Null : YamlKind::Scalar, mark);
        if (d.kind == YamlKind::Scalar) d.scalar.assign(value);
        d.quoted = !plain;
        if (!place(&d)) return std::nullopt;
        break;
      }
      case YAML_SEQUENCE_START_EVENT:
      case YAML_MAPPING_START_EVENT: {
        bool seq = e.type == YAML_SEQUENCE_START_EVENT;
        if (seq ? e.data.sequence_start.tag || e.data.sequence_start.anchor
                : e.data.mapping_start.tag || e.data.mapping_start.anchor)
          return std::nullopt;
        if (open.size() >= kMaxDepth) return std::nullopt;
        YamlData& d = doc->add(seq ? YamlKind::Sequence : YamlKind::Map, columns.mark(e.start_mark));
        d.flow = seq ? e.data.sequence_start.style == YAML_FLOW_SEQUENCE_STYLE
                     : e.data.mapping_start.style == YAML_FLOW_MAPPING_STYLE;
        open.push_back(&d);
        pending_key.push_back(nullptr);
        break;
      }
      case YAML_SEQUENCE_END_EVENT:
      case YAML_MAPPING_END_EVENT: {
        if (open.empty() || pending_key.back()) return std::nullopt;
        const YamlData* d = open.back();
        open.pop_back();
        pending_key.pop_back();
        if (!place(d)) return std::nullopt;
        break;
      }
    }
  }
}

}  // namespace pp::model
