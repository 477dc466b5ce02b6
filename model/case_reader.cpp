// The strict case reader: simdjson DOM, walking the JSON along a tree of
// the vocabulary's fact paths. Every value is visited (unknown fields are
// errors), so nothing is left unvalidated; recursion depth is bounded by the
// vocabulary tree, not by the input. Cases in the common form are read first
// by the fast path (case_fast_reader.h); whatever it declines is read here.
#include "model/case_reader.h"

#include <nlohmann/json.hpp>
#include <simdjson.h>

#include <algorithm>

#include "model/exact_number.h"

#include <algorithm>
#include <cmath>

#include "model/case_fast_reader.h"
#include "model/evaluator.h"

namespace pp::model {

namespace dom = simdjson::dom;

namespace {

struct PathNode {
  std::string name;
  int fact = -1;                  // leaf: the fact read here
  std::vector<PathNode> children;  // inner: the fields of an object
};

std::string expected_list(const std::vector<std::string>& names) {
  std::string out;
  for (size_t i = 0; i < names.size(); ++i) {
    if (i) out += i + 1 == names.size() ? " or " : ", ";
    out += names[i];
  }
  return out;
}

}  // namespace

struct CaseReader::Impl {
  const Policy& policy;
  const Vocabulary& vocab;
  Evaluator evaluator;
  FastCaseReader fast;
  bool use_fast = true;
  PathNode root;
  std::vector<std::vector<std::string>> member_names;  // per fact (groups)
  std::vector<std::string> number_expected;           // per fact (numbers)
  std::vector<std::vector<double>> number_constants;  // per atom (exact_number.h)
  dom::parser parser{kMaxCaseBytes};
  std::string buffer;
  // per-read state
  const std::string* file = nullptr;
  long batch_line = 0;
  std::string_view current;  // the text being read, set on a syntax error
  // The JSON path, kept as segments and spelled out only for an error.
  struct Seg { std::string_view key; long index; };
  std::vector<Seg> segs;
  std::string fixed_path;  // set instead of segs for whole-case errors
  Case* out = nullptr;

  Impl(const Policy& p, bool fast_path) : policy(p), vocab(p.vocab), evaluator(p), fast(p.vocab), use_fast(fast_path),
      number_constants(model::number_constants(p)) {
    fast.set_number_constants(number_constants);
    for (const auto& f : vocab.facts) {
      std::vector<std::string> names;
      for (const auto& m : f.members) names.push_back(m.name);
      member_names.push_back(std::move(names));
      number_expected.push_back("a number >= " + fmt_num(f.min) + (f.max < 1e300 ? " and <= " + fmt_num(f.max) : ""));
    }
    root.children.push_back(PathNode{"case_id", -2, {}});
    for (size_t fi = 0; fi < vocab.facts.size(); ++fi) {
      const std::string& fp = vocab.facts[fi].path;
      PathNode* node = &root;
      size_t start = 0;
      while (true) {
        size_t dot = fp.find('.', start);
        std::string seg = fp.substr(start, dot == std::string::npos ? std::string::npos : dot - start);
        PathNode* next = nullptr;
        for (auto& ch : node->children)
          if (ch.name == seg) next = &ch;
        if (!next) {
          node->children.push_back(PathNode{seg, -1, {}});
          next = &node->children.back();
        }
        node = next;
        if (dot == std::string::npos) break;
        start = dot + 1;
      }
      node->fact = static_cast<int>(fi);
    }
  }

  std::string spelled_path() const {
    std::string p;
    for (const auto& s : segs) {
      if (s.index >= 0) {
        p += "[" + std::to_string(s.index) + "]";
      } else {
        if (!p.empty()) p += '.';
        p += s.key;
      }
    }
    return p;
  }

  [[noreturn]] void fail(const std::string& msg) const {
    diagnose(*file).batch_line(batch_line).json_path(fixed_path.empty() ? spelled_path() : fixed_path).fail(msg);
  }

  // Where a syntax error is (simdjson says what, not where): a SAX pass of
  // nlohmann's parser, which builds nothing and keeps its own stack, on the
  // error path only. 1-based line and column (in bytes); {0, 0} if none found.
  static std::pair<int, int> error_position(std::string_view text) {
    struct Finder : nlohmann::json_sax<nlohmann::json> {
      size_t at = 0;
      bool null() override { return true; }
      bool boolean(bool) override { return true; }
      bool number_integer(number_integer_t) override { return true; }
      bool number_unsigned(number_unsigned_t) override { return true; }
      bool number_float(number_float_t, const string_t&) override { return true; }
      bool string(string_t&) override { return true; }
      bool binary(binary_t&) override { return true; }
      bool start_object(std::size_t) override { return true; }
      bool key(string_t&) override { return true; }
      bool end_object() override { return true; }
      bool start_array(std::size_t) override { return true; }
      bool end_array() override { return true; }
      bool parse_error(std::size_t position, const std::string&, const nlohmann::detail::exception&) override {
        at = position;
        return false;
      }
    } finder;
    try {
      nlohmann::json::sax_parse(text.begin(), text.end(), &finder);
    } catch (...) {
      return {0, 0};
    }
    if (finder.at == 0) return {0, 0};
    size_t end = std::min(finder.at - 1, text.size());  // the byte where it went wrong (0-based)
    int line = 1, column = 1;
    for (size_t i = 0; i < end; ++i) {
      if (text[i] == '\n') {
        ++line;
        column = 1;
      } else {
        ++column;
      }
    }
    return {line, column};
  }

  // A syntax error with its place: `file:line:column:`; in a batch, where each line is a case, `file:N:` and the
  // column in the message.
  [[noreturn]] void fail_syntax(const std::string& msg) const {
    if (!current.empty()) {
      auto [line, column] = error_position(current);
      if (line > 0) {
        if (batch_line > 0)
          diagnose(*file).batch_line(batch_line).fail("at column " + std::to_string(column) + ": " + msg);
        diagnose(*file).at(line, column).fail(msg);  // one line, as every bad input
      }
    }
    fail(msg);
  }

  [[noreturn]] void fail_json(simdjson::error_code e) const {
    switch (e) {
      case simdjson::NUMBER_ERROR:
        fail_syntax("malformed JSON: number out of range or invalid (expected a finite JSON number)");
      case simdjson::UTF8_ERROR:
        fail("malformed JSON: invalid UTF-8 (expected UTF-8 text)");
      case simdjson::STRING_ERROR:
      case simdjson::UNESCAPED_CHARS:
      case simdjson::UNCLOSED_STRING:
        fail_syntax("malformed JSON: invalid string (bad escape, control character or unclosed quote)");
      case simdjson::DEPTH_ERROR:
        fail("malformed JSON: nested too deeply (expected a case object)");
      case simdjson::EMPTY:
        fail("empty input (expected a case object)");
      case simdjson::TAPE_ERROR:
      case simdjson::INCOMPLETE_ARRAY_OR_OBJECT:
        fail_syntax("malformed JSON: missing or extra comma, colon, brace or bracket (expected one JSON object)");
      case simdjson::CAPACITY:
        fail("case too large (expected at most " + std::to_string(kMaxCaseBytes) + " bytes)");
      default:
        fail_syntax(std::string("malformed JSON: ") + simdjson::error_message(e) + " (expected one JSON object)");
    }
  }

  static const char* type_name(dom::element_type t) {
    switch (t) {
      case dom::element_type::ARRAY: return "an array";
      case dom::element_type::OBJECT: return "an object";
      case dom::element_type::INT64:
      case dom::element_type::UINT64:
      case dom::element_type::DOUBLE: return "a number";
      case dom::element_type::STRING: return "a string";
      case dom::element_type::BOOL: return "a boolean";
      case dom::element_type::NULL_VALUE: return "null";
    }
    return "a value";
  }

  [[noreturn]] void fail_type(dom::element e, const std::string& expected) const {
    fail("expected " + expected + ", got " + type_name(e.type()));
  }

  dom::object as_object(dom::element e, const std::string& expected) const {
    if (!e.is_object()) fail_type(e, expected);
    return dom::object(e);
  }
  dom::array as_array(dom::element e, const std::string& expected) const {
    if (!e.is_array()) fail_type(e, expected);
    return dom::array(e);
  }
  std::string_view as_string(dom::element e, const std::string& expected) const {
    if (!e.is_string()) fail_type(e, expected);
    return std::string_view(e);
  }
  bool as_bool(dom::element e) const {
    if (!e.is_bool()) fail_type(e, "true or false");
    return bool(e);
  }

  void read_object(dom::object obj, const PathNode& node) {
    std::uint64_t seen = 0;  // INVARIANT: a node has at most 64 fields
    for (auto [key, value] : obj) {
      int idx = -1;
      for (size_t i = 0; i < node.children.size(); ++i)
        if (node.children[i].name == key) { idx = static_cast<int>(i); break; }
      segs.push_back({key, -1});
      if (idx < 0) {
        std::vector<std::string> names;
        for (const auto& ch : node.children) names.push_back("`" + ch.name + "`");
        fail("unknown field `" + std::string(key) + "` (expected " + expected_list(names) + ")");
      }
      if (seen >> idx & 1) fail("duplicate field (each field may appear once)");
      seen |= std::uint64_t{1} << idx;
      const PathNode& child = node.children[idx];
      if (child.fact == -2) {
        out->case_id.assign(as_string(value, "a string"));
        out->has_case_id = true;
      } else if (child.fact >= 0) {
        read_fact(value, vocab.facts[child.fact]);
      } else {
        read_object(as_object(value, "an object"), child);
      }
      segs.pop_back();
    }
  }

  static int index_in(const std::vector<std::string>& values, std::string_view s) {
    for (size_t i = 0; i < values.size(); ++i)
      if (values[i] == s) return static_cast<int>(i);
    return -1;
  }

  [[noreturn]] void fail_value(const char* what, std::string_view got, const std::vector<std::string>& values) const {
    fail(std::string("unknown ") + what + " `" + std::string(got) + "` (expected " + expected_list(values) + ")");
  }

  // An array of distinct names from `values`; returns the bitmask of those named.
  std::uint64_t read_names(dom::array arr, const std::vector<std::string>& values, const char* what, size_t* count) {
    std::uint64_t seen = 0;
    size_t n = 0;
    for (dom::element ev : arr) {
      segs.push_back({{}, static_cast<long>(n)});
      std::string_view s = as_string(ev, std::string("a ") + what + " (string)");
      int i = index_in(values, s);
      if (i < 0) fail_value(what, s, values);
      if (seen >> i & 1) fail("duplicated " + std::string(what) + " `" + std::string(s) + "` (expected each once)");
      seen |= std::uint64_t{1} << i;
      segs.pop_back();
      ++n;
    }
    if (count) *count = n;
    return seen;
  }

  void read_fact(dom::element v, const Fact& f) {
    switch (f.type) {
      case FactType::Bool:
        out->set(f.atoms[0], as_bool(v) ? 1.0 : 0.0);
        return;
      case FactType::Number: {
        const std::string& expected = number_expected[&f - vocab.facts.data()];
        double d = 0;
        if (v.is_double()) d = double(v);
        else if (v.is_int64()) d = static_cast<double>(int64_t(v));
        else if (v.is_uint64()) d = static_cast<double>(uint64_t(v));
        else fail_type(v, expected);
        // Equal to a constant as a double: compared as written (exact_number.h).
        if (std::isfinite(d) && std::binary_search(number_constants[f.atoms[0]].begin(), number_constants[f.atoms[0]].end(), d))
          d = exact_value(raw_number(f), d, number_constants[f.atoms[0]]);
        if (!std::isfinite(d) || d < f.min || d > f.max) fail("number out of range (expected " + expected + ")");
        out->set(f.atoms[0], d);
        return;
      }
      case FactType::Enum: {
        std::string_view s = as_string(v, "a " + f.item + " (string)");
        int i = index_in(f.values, s);
        if (i < 0) fail_value(f.item.c_str(), s, f.values);
        out->set(f.atoms[0], i);
        return;
      }
      case FactType::EnumSet: {
        size_t n = 0;
        std::uint64_t seen = read_names(as_array(v, "an array of " + f.item + " names"), f.values, f.item.c_str(), &n);
        if (n == 0) fail("empty array (expected at least one " + f.item + ")");
        for (size_t i = 0; i < f.atoms.size(); ++i) out->set(f.atoms[i], (seen >> i & 1) ? 1.0 : 0.0);
        return;
      }
      case FactType::CodeList: {
        dom::array arr = as_array(v, "an array of {\"code\", \"units\"} objects");
        std::uint64_t seen = 0;
        size_t n = 0;
        out->cpt.clear();
        for (dom::element ev : arr) {
          segs.push_back({{}, static_cast<long>(n)});
          dom::object obj = as_object(ev, "an object with `code` and `units`");
          int code = -1;
          bool has_units = false;
          std::uint64_t units = 0;
          for (auto [key, fv] : obj) {
            segs.push_back({key, -1});
            if (key == "code") {
              if (code >= 0) fail("duplicate field (each field may appear once)");
              std::string_view s = as_string(fv, "a code (string)");
              code = index_in(f.values, s);
              if (code < 0) fail_value("code", s, f.values);
              if (seen >> code & 1) fail("duplicated code `" + std::string(s) + "` (expected each code once; use `units`)");
              seen |= std::uint64_t{1} << code;
            } else if (key == "units") {
              if (has_units) fail("duplicate field (each field may appear once)");
              has_units = true;
              if (fv.type() == dom::element_type::INT64 && int64_t(fv) >= 1) units = static_cast<std::uint64_t>(int64_t(fv));
              else if (fv.type() == dom::element_type::UINT64) units = uint64_t(fv);
              else fail("expected an integer >= 1");
            } else {
              fail("unknown field `" + std::string(key) + "` (expected `code` or `units`)");
            }
            segs.pop_back();
          }
          if (code < 0) fail("missing field `code` (expected one of " + expected_list(f.values) + ")");
          if (!has_units) fail("missing field `units` (expected an integer >= 1)");
          out->cpt.push_back(CptLine{f.values[code], units});
          segs.pop_back();
          ++n;
        }
        for (size_t i = 0; i < f.atoms.size(); ++i) out->set(f.atoms[i], (seen >> i & 1) ? 1.0 : 0.0);
        return;
      }
      case FactType::Group: {
        const std::vector<std::string>& names = member_names[&f - vocab.facts.data()];
        if (v.is_array()) {
          std::uint64_t seen = read_names(dom::array(v), names, f.item.c_str(), nullptr);
          for (size_t i = 0; i < f.atoms.size(); ++i) out->set(f.atoms[i], (seen >> i & 1) ? 1.0 : 0.0);
          return;
        }
        if (!v.is_object()) fail_type(v, "an object of name: true|false, or an array of names");
        std::uint64_t seen = 0;
        for (auto [key, fv] : dom::object(v)) {
          segs.push_back({key, -1});
          int i = index_in(names, key);
          if (i < 0) {
            std::vector<std::string> quoted;
            for (const auto& nm : names) quoted.push_back("`" + nm + "`");
            fail("unknown field `" + std::string(key) + "` (expected " + expected_list(quoted) + ")");
          }
          if (seen >> i & 1) fail("duplicate field (each field may appear once)");
          seen |= std::uint64_t{1} << i;
          out->set(f.atoms[i], as_bool(fv) ? 1.0 : 0.0);
          segs.pop_back();
        }
        return;
      }
    }
  }

  static std::string fmt_num(double d) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%g", d);
    return buf;
  }

  void check_relations() {
    int i = evaluator.first_false_relation(*out);
    if (i < 0) return;
    const Relation& r = policy.relations[static_cast<size_t>(i)];
    std::vector<int> atoms;
    collect_atoms(r.expr, atoms);
    fixed_path = atoms.empty() ? "" : vocab.atoms[atoms.front()].name;
    fail("contradicts domain relation `" + r.id + "`: " + r.rule_source + (r.text.empty() ? "" : " (" + r.text + ")"));
  }

  // The number of fact `f` as written in the case being read (the DOM keeps
  // only its double): found again with simdjson's On Demand API. Rare: only
  // for a number whose double equals one of the policy's constants.
  std::string raw_number(const Fact& f) {
    std::string pointer = "/" + f.path;
    std::replace(pointer.begin(), pointer.end(), '.', '/');
    simdjson::ondemand::parser od;
    simdjson::ondemand::document doc;
    if (od.iterate(simdjson::padded_string_view(buffer.data(), buffer.size(), buffer.capacity())).get(doc)) return {};
    simdjson::ondemand::value v;
    if (doc.at_pointer(pointer).get(v)) return {};
    return std::string(v.raw_json_token());
  }

  void read(std::string_view json, Case& c) {
    out = &c;
    segs.clear();
    fixed_path.clear();
    if (use_fast && json.size() <= kMaxCaseBytes && fast.read(json, c)) {
      check_case();
      return;
    }
    c.known.assign(vocab.atoms.size(), 0);
    c.value.assign(vocab.atoms.size(), 0.0);
    c.cpt.clear();
    c.case_id.clear();
    c.has_case_id = false;
    current = {};
    if (json.size() > kMaxCaseBytes) fail_json(simdjson::CAPACITY);
    if (json.substr(0, 3) == "\xEF\xBB\xBF") fail("starts with a byte-order mark (expected UTF-8 JSON without one)");
    buffer.reserve(json.size() + simdjson::SIMDJSON_PADDING);
    buffer.assign(json.data(), json.size());
    dom::element doc;
    auto err = parser.parse(buffer.data(), buffer.size(), false).get(doc);
    if (err) {
      current = json;
      fail_json(err);
    }
    if (!doc.is_object()) fail_type(doc, "a case object at the top level");
    read_object(dom::object(doc), root);
    check_case();
  }

  // What is checked once the JSON has been read: the case is not empty and
  // contradicts no domain relation.
  void check_case() {
    const Case& c = *out;
    bool any_known = c.has_case_id || std::any_of(c.known.begin(), c.known.end(), [](std::uint8_t k) { return k != 0; });
    if (!any_known) fail("empty case (expected `case_id` or at least one fact)");
    check_relations();
  }
};

CaseReader::CaseReader(const Policy& policy, bool fast_path) : impl_(std::make_unique<Impl>(policy, fast_path)) {}
CaseReader::~CaseReader() = default;

Case CaseReader::read(std::string_view json, const std::string& file, long batch_line) {
  Case c(impl_->vocab);
  read_into(json, file, batch_line, c);
  return c;
}

void CaseReader::read_into(std::string_view json, const std::string& file, long batch_line, Case& out) {
  impl_->file = &file;
  impl_->batch_line = batch_line;
  impl_->read(json, out);
}

}  // namespace pp::model
