// The fast path declines rather than judges: every branch that meets
// something it does not fully understand returns false, and the strict
// reader decides. What it accepts is a subset of what simdjson accepts
// (RFC 8259 JSON: only the four whitespace bytes, no escapes but in no
// string at all, numbers in the plain grammar) and of what the strict walk
// accepts (known fields once each, values of the right types and ranges).
#include "model/case_fast_reader.h"

#include <simdjson.h>

#include <cstring>
#ifdef __SSE2__
#include <emmintrin.h>
#endif

namespace pp::model {

namespace {

// Names the fast path compares as raw bytes: printable ASCII without `"`
// and `\`, so the JSON text of the name is the name itself.
bool plain(const std::string& s) {
  for (unsigned char c : s)
    if (c < 0x20 || c >= 0x7f || c == '"' || c == '\\') return false;
  return true;
}

std::uint64_t load64(const char* p) {
  std::uint64_t x;
  std::memcpy(&x, p, 8);
  return x;
}
std::uint32_t load32(const char* p) {
  std::uint32_t x;
  std::memcpy(&x, p, 4);
  return x;
}

#ifdef __SSE2__
inline unsigned equal16(const char* a, const char* b) {  // bit i: a[i] == b[i]
  __m128i x = _mm_loadu_si128(reinterpret_cast<const __m128i*>(a));
  __m128i y = _mm_loadu_si128(reinterpret_cast<const __m128i*>(b));
  return static_cast<unsigned>(_mm_movemask_epi8(_mm_cmpeq_epi8(x, y)));
}
#endif

// a[0..n) == b[0..n), in 16-byte blocks where SSE2 has them, else in
// word-sized loads (the last block may overlap the one before).
inline bool same_bytes(const char* a, const char* b, size_t n) {
#ifdef __SSE2__
  if (n >= 16) {
    if (n <= 32) return (equal16(a, b) & equal16(a + n - 16, b + n - 16)) == 0xffff;
    for (size_t i = 0; i + 16 < n; i += 16)
      if (equal16(a + i, b + i) != 0xffff) return false;
    return equal16(a + n - 16, b + n - 16) == 0xffff;
  }
#endif
  if (n >= 8) {
    for (size_t i = 0; i + 8 < n; i += 8)
      if (load64(a + i) != load64(b + i)) return false;
    return load64(a + n - 8) == load64(b + n - 8);
  }
  if (n >= 4) return load32(a) == load32(b) && load32(a + n - 4) == load32(b + n - 4);
  for (size_t i = 0; i < n; ++i)
    if (a[i] != b[i]) return false;
  return true;
}

// The length of `true` or `false` at p (8 bytes can be read there), 0 when
// neither; `b` is the value. Without branching on the value: true and false
// come in no order a predictor could learn.
inline int bool_at(const char* p, bool& b) {
  std::uint64_t w = load64(p);
  bool t = (w & 0xffffffffu) == load32("true");
  bool f = (w & 0xffffffffffu) == (load32("fals") | std::uint64_t{'e'} << 32);
  b = t;
  return (t | f) ? 5 - static_cast<int>(t) : 0;
}

// The same where at least 16 bytes can be read at a and at b, whatever n.
inline bool same_bytes_padded(const char* a, const char* b, size_t n) {
#ifdef __SSE2__
  if (n <= 16) return ((~equal16(a, b) & 0xffff) & ((1u << n) - 1)) == 0;
#endif
  return same_bytes(a, b, n);
}

// Bytes after a shape's literals, so that a 16-byte block read at any of them stays inside.
constexpr size_t kLiteralPadding = 16;

// kSpread[b]: byte i is bit i of b (a byte of the known bitset as 8 flags).
struct SpreadTable {
  std::uint64_t v[256];
  constexpr SpreadTable() : v() {
    for (unsigned b = 0; b < 256; ++b)
      for (unsigned i = 0; i < 8; ++i)
        if (b >> i & 1) v[b] |= std::uint64_t{1} << (8 * i);
  }
};
constexpr SpreadTable kSpread;

// A mantissa of 16 digits or more: a decimal that may share its double with
// another decimal (up to 15 significant digits, decimals and doubles map one
// to one).
constexpr std::uint64_t kManyDigits = 1'000'000'000'000'000;

// Exact powers of ten as doubles (10^22 is the largest exactly representable).
constexpr double kPow10[] = {1e0,  1e1,  1e2,  1e3,  1e4,  1e5,  1e6,  1e7,  1e8,  1e9,  1e10, 1e11,
                             1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22};

}  // namespace

FastCaseReader::FastCaseReader(const Vocabulary& v) : vocab_(v), code_fields_({"code", "units"}) {
  // The same tree as the strict reader's: case_id first, then each fact's path.
  struct Tmp {
    std::vector<std::string> names;
    std::vector<int> fact;
    std::vector<int> child;
  };
  std::vector<Tmp> tmp(1);
  tmp[0].names.push_back("case_id");
  tmp[0].fact.push_back(-2);
  tmp[0].child.push_back(-1);
  for (size_t fi = 0; fi < v.facts.size(); ++fi) {
    const std::string& fp = v.facts[fi].path;
    int node = 0;
    size_t start = 0;
    while (true) {
      size_t dot = fp.find('.', start);
      std::string seg = fp.substr(start, dot == std::string::npos ? std::string::npos : dot - start);
      int k = -1;
      for (size_t i = 0; i < tmp[static_cast<size_t>(node)].names.size(); ++i)
        if (tmp[static_cast<size_t>(node)].names[i] == seg) k = static_cast<int>(i);
      if (k < 0) {
        Tmp& t = tmp[static_cast<size_t>(node)];
        k = static_cast<int>(t.names.size());
        t.names.push_back(seg);
        t.fact.push_back(-1);
        t.child.push_back(-1);
      }
      if (dot == std::string::npos) {
        tmp[static_cast<size_t>(node)].fact[static_cast<size_t>(k)] = static_cast<int>(fi);
        break;
      }
      if (tmp[static_cast<size_t>(node)].child[static_cast<size_t>(k)] < 0) {
        int c = static_cast<int>(tmp.size());
        tmp[static_cast<size_t>(node)].child[static_cast<size_t>(k)] = c;
        tmp.emplace_back();
      }
      node = tmp[static_cast<size_t>(node)].child[static_cast<size_t>(k)];
      start = dot + 1;
    }
  }
  for (auto& t : tmp) {
    Node n;
    n.names = NameTable(t.names);
    for (size_t i = 0; i < t.names.size(); ++i) {
      enabled_ = enabled_ && plain(t.names[i]);
      Field f;
      f.fact = t.fact[i];
      f.node = t.child[i];
      // A field that is neither a fact nor case_id but has no children cannot
      // occur; an object field without a node would be a bug.
      if (f.fact == -1 && f.node < 0) enabled_ = false;
      n.fields.push_back(f);
    }
    enabled_ = enabled_ && t.names.size() <= 64;  // the `seen` bitmasks
    nodes_.push_back(std::move(n));
  }
  for (const auto& f : v.facts) {
    FactInfo fi;
    fi.type = f.type;
    fi.min = f.min;
    fi.max = f.max;
    fi.atoms = f.atoms.data();
    size_t expected_atoms = 1;
    if (f.type == FactType::Group) {
      std::vector<std::string> names;
      for (const auto& m : f.members) names.push_back(m.name);
      fi.names = NameTable(names);
      expected_atoms = names.size();
      for (const auto& n : names) enabled_ = enabled_ && plain(n);
    } else if (f.type == FactType::Enum || f.type == FactType::EnumSet || f.type == FactType::CodeList) {
      fi.names = NameTable(f.values);
      if (f.type != FactType::Enum) expected_atoms = f.values.size();
      for (const auto& n : f.values) enabled_ = enabled_ && plain(n);
    }
    enabled_ = enabled_ && f.atoms.size() == expected_atoms && fi.names.size() <= 64;
    facts_.push_back(std::move(fi));
  }
}

// One read: a cursor over the bytes, and the case being filled.
class FastCaseReader::Scan {
 public:
  // INVARIANT: known atoms are recorded as bits (a store through the byte
  // array `known` could alias the cursor and force it out of registers);
  // the caller copies them to `out.known` afterwards. A replay passes no
  // bits: its shape says which atoms its steps set.
  // `record`, when given, receives the shape of the case read (see Shape).
  Scan(const FastCaseReader& r, std::string_view json, Case& out, std::uint64_t* known_bits, Shape* record)
      : r_(r), p_(json.data()), end_(json.data() + json.size()), out_(out), value_(out.value.data()),
        bits_(known_bits), rec_(record), lit_(json.data()) {}

  bool document() {
    ws();
    if (!at('{') || !object(0)) return false;
    ws();
    if (p_ != end_) return false;  // INVARIANT: nothing but whitespace after the case
    if (rec_) step(Step::End, 0);
    return true;
  }

  // Reads a case of the recorded shape: each literal must come back byte
  // for byte, and each value is read by the same code the general scan
  // used at that place. Returns false at the first difference.
  bool replay(const Shape& shape) {
    const char* lits = shape.literals.data();  // INVARIANT: kLiteralPadding bytes follow
    const Step* s = shape.steps.data();  // INVARIANT: the last step is End, where the loop returns
    while (true) {
      // A run of booleans, the most common steps, inline and with the
      // cursor in a register (no call, no dispatch).
      const char* p = p_;
      while (s->kind == Step::Bool && static_cast<size_t>(end_ - p) >= s->length + 16) {
        if (!same_bytes_padded(p, lits + s->offset, s->length)) return false;
        p += s->length;
        bool b;
        int n = bool_at(p, b);
        if (n == 0) return false;
        value_[s->arg] = b ? 1.0 : 0.0;
        p += n;
        ++s;
      }
      p_ = p;
      if (static_cast<size_t>(end_ - p_) < s->length || !same_bytes(p_, lits + s->offset, s->length)) return false;
      p_ += s->length;
      bool ok = false;
      switch (s->kind) {
        case Step::End: return p_ == end_;
        case Step::CaseId: ok = case_id(); break;
        case Step::Bool: ok = bool_value(s->arg); break;
        case Step::Number: ok = number_value(fact_info(s->arg)); break;
        case Step::Enum: ok = enum_value(fact_info(s->arg)); break;
        case Step::EnumSet: ok = enum_set_value(fact_info(s->arg)); break;
        case Step::GroupArray: ok = group_array_value(fact_info(s->arg)); break;
        case Step::CodeList: ok = code_list(fact_info(s->arg), s->arg); break;
      }
      if (!ok) return false;
      ++s;
    }
  }

 private:
  const FactInfo& fact_info(int index) const { return r_.facts_[static_cast<size_t>(index)]; }

  // Records the literal bytes since the last value and the value about to
  // be read at p_; `done()` after the value marks where the next literal starts.
  void step(Step::Kind kind, int arg) {
    if (!rec_) return;
    Step s;
    s.kind = kind;
    s.arg = arg;
    s.offset = static_cast<std::uint32_t>(rec_->literals.size());
    s.length = static_cast<std::uint32_t>(p_ - lit_);
    rec_->literals.append(lit_, s.length);
    rec_->steps.push_back(s);
  }
  bool done(bool ok) {
    lit_ = p_;
    return ok;
  }

  bool at(char c) const { return p_ < end_ && *p_ == c; }
  void ws() {
    while (p_ < end_ && (*p_ == ' ' || *p_ == '\n' || *p_ == '\r' || *p_ == '\t')) ++p_;
  }

  // At a `"`: the string must be one of `t`'s names; `hint` is the likeliest.
  bool name(const NameTable& t, size_t hint, int& index) {
    if (hint < t.size()) {
      const std::string& q = t.quoted(hint);
      size_t len = q.size();  // the name and its closing quote
      if (static_cast<size_t>(end_ - p_) > len && same_bytes(p_ + 1, q.data(), len)) {
        p_ += len + 1;
        index = static_cast<int>(hint);
        return true;
      }
    }
    const char* s = ++p_;
    while (p_ < end_) {
      unsigned char c = static_cast<unsigned char>(*p_);
      if (c == '"') break;
      if (c < 0x20 || c >= 0x7f || c == '\\') return false;
      ++p_;
    }
    if (p_ == end_) return false;
    index = t.find(std::string_view(s, static_cast<size_t>(p_ - s)));
    ++p_;
    return index >= 0;
  }

  // After a value in an object or array: `,` (more follows) or the closer.
  // Returns 1 for `,`, 0 for the closer, -1 for anything else.
  int next(char closer) {
    ws();
    if (p_ == end_) return -1;
    char c = *p_++;
    if (c == ',') { ws(); return 1; }
    return c == closer ? 0 : -1;
  }

  bool colon() {
    ws();
    if (!at(':')) return false;
    ++p_;
    ws();
    return true;
  }

  bool object(int node_index) {
    ++p_;  // '{'
    ws();
    if (at('}')) { ++p_; return true; }
    const Node& node = r_.nodes_[static_cast<size_t>(node_index)];
    std::uint64_t seen = 0;
    size_t hint = 0;
    while (true) {
      int i;
      if (!at('"') || !name(node.names, hint, i)) return false;
      if (seen >> i & 1) return false;
      seen |= std::uint64_t{1} << i;
      hint = static_cast<size_t>(i) + 1;
      if (!colon()) return false;
      const Field& f = node.fields[static_cast<size_t>(i)];
      bool ok;
      if (f.fact >= 0) {
        ok = fact(f.fact);
      } else if (f.fact == -2) {
        step(Step::CaseId, 0);
        ok = done(case_id());
      } else {
        ok = at('{') && object(f.node);
      }
      if (!ok) return false;
      int n = next('}');
      if (n <= 0) return n == 0;
    }
  }

  bool case_id() {
    if (!at('"')) return false;
    const char* s = ++p_;
    bool ascii = true;
    while (p_ < end_) {
      unsigned char c = static_cast<unsigned char>(*p_);
      if (c == '"') break;
      if (c < 0x20 || c == '\\') return false;
      ascii &= c < 0x80;
      ++p_;
    }
    if (p_ == end_) return false;
    size_t n = static_cast<size_t>(p_ - s);
    if (!ascii && !simdjson::validate_utf8(s, n)) return false;
    ++p_;
    out_.case_id.assign(s, n);
    out_.has_case_id = true;
    return true;
  }

  bool boolean(bool& b) {
    if (end_ - p_ >= 4 && load32(p_) == load32("true")) { p_ += 4; b = true; return true; }
    if (end_ - p_ >= 5 && load32(p_) == load32("fals") && p_[4] == 'e') { p_ += 5; b = false; return true; }
    return false;
  }

  static bool digit(char c) { return c >= '0' && c <= '9'; }

  // A JSON number in the plain grammar whose double simdjson computes the
  // same way: integers of at most 18 digits (int64, then converted), and
  // decimals of at most 15 significant digits with a power of ten up to 22
  // (one exactly rounded multiplication or division, as in Clinger's fast
  // path). Negative zero and everything else declines. The caller checks
  // that a delimiter follows, which refuses leading zeros ("01").
  bool number(double& d, bool& integer, std::uint64_t& mantissa) {
    bool neg = at('-');
    if (neg) ++p_;
    if (p_ == end_ || !digit(*p_)) return false;
    std::uint64_t m = 0;
    int digits = 0, exp10 = 0;
    if (*p_ == '0') {
      ++p_;
    } else {
      while (p_ < end_ && digit(*p_)) {
        if (++digits > 18) return false;
        m = m * 10 + static_cast<std::uint64_t>(*p_++ - '0');
      }
    }
    integer = true;
    if (at('.')) {
      integer = false;
      ++p_;
      if (p_ == end_ || !digit(*p_)) return false;
      while (p_ < end_ && digit(*p_)) {
        if (++digits > 18) return false;
        m = m * 10 + static_cast<std::uint64_t>(*p_++ - '0');
        --exp10;
      }
    }
    if (at('e') || at('E')) {
      integer = false;
      ++p_;
      bool eneg = false;
      if (at('+') || at('-')) eneg = *p_++ == '-';
      if (p_ == end_ || !digit(*p_)) return false;
      int e = 0;
      while (p_ < end_ && digit(*p_)) {
        if (e > 1000) return false;
        e = e * 10 + (*p_++ - '0');
      }
      exp10 += eneg ? -e : e;
    }
    if (neg && m == 0) return false;
    mantissa = m;
    if (integer) {
      auto i = static_cast<std::int64_t>(m);
      d = static_cast<double>(neg ? -i : i);
      return true;
    }
    if (m == 0) { d = 0.0; return true; }
    if (m > (std::uint64_t{1} << 53) || exp10 < -22 || exp10 > 22) return false;
    double x = static_cast<double>(m);
    x = exp10 < 0 ? x / kPow10[-exp10] : x * kPow10[exp10];
    d = neg ? -x : x;
    return true;
  }

  void set(int atom, double v) {
    value_[atom] = v;
    if (bits_) bits_[atom >> 6] |= std::uint64_t{1} << (atom & 63);  // a replay knows them from its shape
  }

  void set_bits(const FactInfo& f, std::uint64_t seen) {
    for (size_t i = 0; i < f.names.size(); ++i) set(f.atoms[i], (seen >> i & 1) ? 1.0 : 0.0);
  }

  // `[` names `]`, distinct; `hint` guesses each next name follows the last.
  bool names(const NameTable& t, std::uint64_t& seen, size_t& count) {
    if (!at('[')) return false;
    ++p_;
    ws();
    seen = 0;
    count = 0;
    if (at(']')) { ++p_; return true; }
    size_t hint = 0;
    while (true) {
      int i;
      if (!at('"') || !name(t, hint, i)) return false;
      if (seen >> i & 1) return false;
      seen |= std::uint64_t{1} << i;
      hint = static_cast<size_t>(i) + 1;
      ++count;
      int n = next(']');
      if (n <= 0) return n == 0;
    }
  }

  // The values, one per kind of step; each reads one JSON value at p_.
  bool bool_value(int atom) {
    bool b;
    if (end_ - p_ >= 8) {
      int n = bool_at(p_, b);
      if (n == 0) return false;
      p_ += n;
    } else if (!boolean(b)) {
      return false;
    }
    set(atom, b ? 1.0 : 0.0);
    return true;
  }
  bool number_value(const FactInfo& f) {
    double d;
    bool integer;
    std::uint64_t m;
    if (!number(d, integer, m) || d < f.min || d > f.max) return false;
    if (m >= kManyDigits && r_.equals_constant(f.atoms[0], d)) return false;  // compared as written: strict path
    set(f.atoms[0], d);
    return true;
  }
  bool enum_value(const FactInfo& f) {
    int i;
    if (!at('"') || !name(f.names, 0, i)) return false;
    set(f.atoms[0], i);
    return true;
  }
  bool enum_set_value(const FactInfo& f) {
    std::uint64_t seen;
    size_t n;
    if (!names(f.names, seen, n) || n == 0) return false;
    set_bits(f, seen);
    return true;
  }
  bool group_array_value(const FactInfo& f) {
    std::uint64_t seen;
    size_t n;
    if (!names(f.names, seen, n)) return false;
    set_bits(f, seen);
    return true;
  }

  bool fact(int index) {
    const FactInfo& f = fact_info(index);
    switch (f.type) {
      case FactType::Bool: step(Step::Bool, f.atoms[0]); return done(bool_value(f.atoms[0]));
      case FactType::Number: step(Step::Number, index); return done(number_value(f));
      case FactType::Enum: step(Step::Enum, index); return done(enum_value(f));
      case FactType::EnumSet: step(Step::EnumSet, index); return done(enum_set_value(f));
      case FactType::Group: {
        if (at('[')) {
          step(Step::GroupArray, index);
          return done(group_array_value(f));
        }
        if (!at('{')) return false;
        ++p_;
        ws();
        if (at('}')) { ++p_; return true; }
        std::uint64_t seen = 0;
        size_t hint = 0;
        while (true) {
          int i;
          if (!at('"') || !name(f.names, hint, i) || (seen >> i & 1)) return false;
          seen |= std::uint64_t{1} << i;
          hint = static_cast<size_t>(i) + 1;
          if (!colon()) return false;
          step(Step::Bool, f.atoms[i]);
          if (!done(bool_value(f.atoms[i]))) return false;
          int k = next('}');
          if (k <= 0) return k == 0;
        }
      }
      case FactType::CodeList: step(Step::CodeList, index); return done(code_list(f, index));
    }
    return false;
  }

  bool code_list(const FactInfo& f, int index) {
    if (!at('[')) return false;
    ++p_;
    ws();
    out_.cpt.clear();
    std::uint64_t seen = 0;
    if (at(']')) {
      ++p_;
      set_bits(f, seen);
      return true;
    }
    const auto& values = r_.vocab_.facts[static_cast<size_t>(index)].values;
    while (true) {
      if (!at('{')) return false;
      ++p_;
      ws();
      int code = -1;
      std::uint64_t units = 0;
      for (int k = 0; k < 2; ++k) {
        int field;
        if (!at('"') || !name(r_.code_fields_, static_cast<size_t>(k), field)) return false;
        if (!colon()) return false;
        if (field == 0) {
          if (code >= 0 || !at('"') || !name(f.names, 0, code) || (seen >> code & 1)) return false;
          seen |= std::uint64_t{1} << code;
        } else {
          double d;
          bool integer;
          std::uint64_t m;
          if (units != 0 || at('-') || !number(d, integer, m) || !integer || m == 0) return false;
          units = m;
        }
        int n = next('}');
        if (n != (k == 0 ? 1 : 0)) return false;
      }
      if (code < 0 || units == 0) return false;
      out_.cpt.push_back(CptLine{values[static_cast<size_t>(code)], units});
      int n = next(']');
      if (n < 0) return false;
      if (n == 0) break;
    }
    set_bits(f, seen);
    return true;
  }

  const FastCaseReader& r_;
  const char* p_;
  const char* end_;
  Case& out_;
  double* value_;
  std::uint64_t* bits_;
  Shape* rec_;
  const char* lit_;  // where the literal before the next value starts (recording)
};

void FastCaseReader::reset(Case& out) {
  size_t n = vocab_.atoms.size();
  out.known.resize(n);
  out.value.assign(n, 0.0);
  out.cpt.clear();
  out.case_id.clear();
  out.has_case_id = false;
}

bool FastCaseReader::read(std::string_view json, Case& out) {
  if (!enabled_) return false;
  reset(out);
  size_t n = vocab_.atoms.size();
  if (!shape_.steps.empty()) {
    // The same steps set the same atoms: the shape's known flags are this case's.
    if (Scan(*this, json, out, nullptr, nullptr).replay(shape_)) {
      ++shape_hits_;
      std::memcpy(out.known.data(), shape_.known.data(), n);
      return true;
    }
    reset(out);
  }
  recording_.steps.clear();
  recording_.literals.clear();
  known_bits_.assign((n + 63) / 64, 0);
  if (!Scan(*this, json, out, known_bits_.data(), &recording_).document()) return false;
  std::uint8_t* known = out.known.data();
  size_t i = 0;
  for (; i + 8 <= n; i += 8) {
    std::uint64_t flags = kSpread.v[known_bits_[i >> 6] >> (i & 63) & 0xff];
    std::memcpy(known + i, &flags, 8);
  }
  for (; i < n; ++i) known[i] = known_bits_[i >> 6] >> (i & 63) & 1;
  recording_.known.assign(out.known.begin(), out.known.end());
  recording_.literals.append(kLiteralPadding, '\0');  // a replay reads literals in 16-byte blocks
  std::swap(shape_, recording_);  // the next case is likely to have this one's shape
  return true;
}

}  // namespace pp::model
