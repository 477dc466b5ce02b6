#include "model/text_lint.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#include "model/embedded_files.h"

namespace pp::model {

const char* to_string(LintSeverity s) {
  switch (s) {
    case LintSeverity::Error: return "error";
    case LintSeverity::Warning: return "warning";
    case LintSeverity::Info: return "info";
  }
  return "?";
}

int TextLint::count(LintSeverity s) const {
  return static_cast<int>(std::count_if(findings.begin(), findings.end(), [&](const TextFinding& f) { return f.severity == s; }));
}

std::optional<std::string> find_source_text(const Policy& policy, const std::string& policy_dir, std::string& note) {
  if (policy.source_file.empty()) {
    note = "the policy file names no source text (`policy.source`)";
    return std::nullopt;
  }
  if (!policy_dir.empty()) {
    std::filesystem::path path = std::filesystem::path(policy_dir) / policy.source_file;
    std::error_code ec;
    if (std::filesystem::is_regular_file(path, ec)) {
      std::ifstream in(path, std::ios::binary);
      std::ostringstream ss;
      ss << in.rdbuf();
      if (in) {
        note = "read from " + path.string();
        return ss.str();
      }
    }
  }
  if (auto bundled = embedded_file(policy.source_file)) {
    note = "the copy of " + policy.source_file + " bundled with policyproof";
    return std::string(*bundled);
  }
  note = "`" + policy.source_file + "` was found neither beside the policy file nor among the bundled files";
  return std::nullopt;
}

std::string normalize_policy_text(const std::string& s) {
  std::string t;
  t.reserve(s.size());
  for (size_t i = 0; i < s.size(); ++i) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    if (c == '<') {  // tags (<b>, <sup>) are markup
      size_t close = s.find('>', i + 1);
      if (close != std::string::npos && close - i < 40 && s.find(' ', i + 1) > close) {
        i = close;
        continue;
      }
    }
    if (c == '*' || c == '`') continue;
    if (c == 0xC2 && i + 1 < s.size() && static_cast<unsigned char>(s[i + 1]) == 0xAE) {  // ®
      ++i;
      continue;
    }
    if (c == 0xE2 && i + 2 < s.size() && static_cast<unsigned char>(s[i + 1]) == 0x80) {
      unsigned char d = static_cast<unsigned char>(s[i + 2]);
      if (d == 0x98 || d == 0x99 || d == 0x9C || d == 0x9D) {  // typographic quotes
        t += d <= 0x99 ? '\'' : '"';
        i += 2;
        continue;
      }
    }
    t += static_cast<char>(c);
  }
  std::string out;
  out.reserve(t.size());
  bool space = false;
  for (unsigned char c : t) {
    if (std::isspace(c)) {
      space = true;
      continue;
    }
    if (space && !out.empty() && std::string_view(",.;:)").find(static_cast<char>(c)) == std::string_view::npos) out += ' ';
    space = false;
    out += static_cast<char>(std::tolower(c));
  }
  return out;
}

namespace {

// ---------------------------------------------------------------- the source's bullets

struct Bullet {
  std::string text;  // normalized, marker dropped
  int line = 0;
};

size_t indent_of(const std::string& line) { return line.find_first_not_of(" \t"); }

// The length of a list marker at the start of `s` ("- ", "* ", "1. ", "a. ",
// "iv. "), 0 when none.
size_t marker_length(std::string_view s) {
  if (s.size() >= 2 && (s[0] == '-' || s[0] == '*' || s[0] == '+') && s[1] == ' ') return 2;
  size_t i = 0;
  while (i < s.size() && i < 5 && std::isalnum(static_cast<unsigned char>(s[i]))) ++i;
  if (i == 0 || i + 1 >= s.size() || s[i] != '.' || s[i + 1] != ' ') return 0;
  std::string_view tok = s.substr(0, i);
  bool digits = std::all_of(tok.begin(), tok.end(), [](char c) { return std::isdigit(static_cast<unsigned char>(c)); });
  bool roman = std::all_of(tok.begin(), tok.end(), [](char c) { return std::string_view("ivxlc").find(c) != std::string_view::npos; });
  if (digits || roman || tok.size() == 1) return i + 2;
  return 0;
}

// Lists of the source: runs of items (markdown bullets or outline items with
// their continuation lines), broken by headings and by unindented paragraphs.
std::vector<std::vector<Bullet>> source_lists(const std::string& src) {
  std::vector<std::vector<Bullet>> lists;
  std::vector<Bullet> cur;
  std::string raw;  // the current item, raw
  size_t item_indent = 0;
  int line_no = 0;
  auto close_item = [&] {
    if (!raw.empty()) cur.back().text = normalize_policy_text(raw);
    raw.clear();
  };
  auto close_list = [&] {
    close_item();
    if (!cur.empty()) lists.push_back(std::move(cur));
    cur.clear();
  };
  std::istringstream in(src);
  std::string line;
  while (std::getline(in, line)) {
    ++line_no;
    size_t ind = indent_of(line);
    if (ind == std::string::npos) continue;  // blank lines do not end a list
    std::string_view rest = std::string_view(line).substr(ind);
    if (rest[0] == '#') {
      close_list();
      continue;
    }
    if (size_t m = marker_length(rest)) {
      close_item();
      cur.push_back(Bullet{"", line_no});
      raw = std::string(rest.substr(m));
      item_indent = ind;
      continue;
    }
    if (!cur.empty() && ind > item_indent) {
      raw += ' ';
      raw += rest;
      continue;
    }
    close_list();
  }
  close_list();
  return lists;
}

// The share of `bullet` covered by occurrences of `texts` in it (1 when the
// bullet lies inside one of them).
double coverage_of(const std::string& bullet, const std::vector<std::string>& texts) {
  if (bullet.empty()) return 1;
  std::vector<char> covered(bullet.size(), 0);
  for (const auto& t : texts) {
    if (t.empty()) continue;
    if (t.find(bullet) != std::string::npos) return 1;
    for (size_t at = bullet.find(t); at != std::string::npos; at = bullet.find(t, at + 1))
      std::fill(covered.begin() + static_cast<long>(at), covered.begin() + static_cast<long>(at + t.size()), 1);
  }
  return static_cast<double>(std::count(covered.begin(), covered.end(), 1)) / static_cast<double>(bullet.size());
}

// ---------------------------------------------------------------- numbers in the text

struct Bound {
  bool present = false;
  double value = 0;
  bool inclusive = false;
};

// One number the text states, with what the words around it say of it.
struct TextNumber {
  double value = 0;
  Bound lower, upper;     // from a range or a boundary word; neither: just mentioned
  std::string unit;       // the word after it, singular ("week", "level"), or ""
  std::string quote;      // the words, as normalized
};

bool is_alpha(char c) { return std::isalpha(static_cast<unsigned char>(c)) != 0; }
bool is_digit(char c) { return std::isdigit(static_cast<unsigned char>(c)) != 0; }

const std::vector<std::pair<std::string, double>>& number_words() {
  static const std::vector<std::pair<std::string, double>> w = {
      {"one", 1}, {"two", 2}, {"three", 3}, {"four", 4}, {"five", 5}, {"six", 6}, {"seven", 7},
      {"eight", 8}, {"nine", 9}, {"ten", 10}, {"eleven", 11}, {"twelve", 12}, {"twenty", 20}};
  return w;
}

// A number at `i` of `s` (digits, or a number word at a word start); sets
// `end`. Numbers glued to letters (T5, 1500E) are names, not numbers.
std::optional<double> number_at(const std::string& s, size_t i, size_t& end) {
  if (i > 0 && (is_alpha(s[i - 1]) || is_digit(s[i - 1]) || s[i - 1] == '.')) return std::nullopt;
  if (i > 1 && s[i - 1] == '-' && is_alpha(s[i - 2])) return std::nullopt;
  if (is_digit(s[i])) {
    size_t j = i;
    while (j < s.size() && is_digit(s[j])) ++j;
    if (j + 1 < s.size() && s[j] == '.' && is_digit(s[j + 1])) {
      ++j;
      while (j < s.size() && is_digit(s[j])) ++j;
    }
    if (j < s.size() && is_alpha(s[j])) return std::nullopt;
    end = j;
    return std::stod(s.substr(i, j - i));
  }
  for (const auto& [word, v] : number_words()) {
    if (s.compare(i, word.size(), word) != 0) continue;
    size_t j = i + word.size();
    if (j < s.size() && is_alpha(s[j])) continue;
    end = j;
    // "two (2)": the digits repeat the word
    if (s.compare(j, 2, " (") == 0) {
      size_t k = j + 2, e2 = 0;
      if (k < s.size() && is_digit(s[k]))
        if (auto d = number_at(s, k, e2); d && *d == v && e2 < s.size() && s[e2] == ')') end = e2 + 1;
    }
    return v;
  }
  return std::nullopt;
}

bool ends_with(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

// The boundary word or sign just before position `i`: sets the bound it
// means; returns the words' length (0 when none).
size_t boundary_before(const std::string& s, size_t i, bool& lower, bool& inclusive) {
  std::string_view head = std::string_view(s).substr(0, i);
  while (!head.empty() && (head.back() == ' ' || head.back() == '(')) head.remove_suffix(1);
  struct Word { const char* w; bool lower, inclusive; };
  static const Word words[] = {
      {">=", true, true}, {"\xE2\x89\xA5", true, true}, {"<=", false, true}, {"\xE2\x89\xA4", false, true},
      {">", true, false}, {"<", false, false},
      {"no more than", false, true}, {"not more than", false, true}, {"at most", false, true},
      {"up to", false, true}, {"maximum of", false, true}, {"no greater than", false, true},
      {"no less than", true, true}, {"not less than", true, true}, {"at least", true, true},
      {"minimum of", true, true}, {"no fewer than", true, true},
      {"more than", true, false}, {"greater than", true, false}, {"over", true, false},
      {"exceeding", true, false}, {"in excess of", true, false}, {"longer than", true, false},
      {"less than", false, false}, {"fewer than", false, false}, {"under", false, false},
      {"shorter than", false, false}, {"within", false, true}, {"for", true, true}};
  for (const auto& w : words) {
    std::string_view ww(w.w);
    if (!ends_with(head, ww)) continue;
    size_t at = head.size() - ww.size();
    if (is_alpha(ww[0]) && at > 0 && is_alpha(head[at - 1])) continue;  // a whole word
    lower = w.lower;
    inclusive = w.inclusive;
    return i - at;
  }
  return 0;
}

std::string singular(std::string w) {
  if (w == "vertebrae") return "vertebra";
  if (w.size() > 3 && w.back() == 's') w.pop_back();
  return w;
}

bool is_duration(const std::string& unit) {
  return unit == "week" || unit == "month" || unit == "day" || unit == "year" || unit == "hour";
}

std::vector<TextNumber> text_numbers(const std::string& s) {
  std::vector<TextNumber> out;
  size_t i = 0;
  while (i < s.size()) {
    size_t end = 0;
    auto v = number_at(s, i, end);
    if (!v) {
      ++i;
      continue;
    }
    TextNumber n;
    n.value = *v;
    size_t start = i, stop = end;
    // a range: "0-6", "6 - 12", "6 to 12"
    size_t j = end;
    while (j < s.size() && s[j] == ' ') ++j;
    size_t dash = 0;
    if (j < s.size() && s[j] == '-') dash = 1;
    else if (s.compare(j, 3, "\xE2\x80\x93") == 0) dash = 3;
    else if (s.compare(j, 3, "to ") == 0) dash = 2;
    bool range = false;
    if (dash) {
      size_t k = j + dash;
      while (k < s.size() && s[k] == ' ') ++k;
      size_t e2 = 0;
      if (k < s.size() && is_digit(s[k])) {
        if (auto w = number_at(s, k, e2)) {
          n.lower = {true, *v, true};
          n.upper = {true, *w, true};
          n.value = *w;
          stop = e2;
          range = true;
        }
      }
    }
    // the unit: the next word
    size_t u = stop;
    while (u < s.size() && (s[u] == ' ' || s[u] == ')')) ++u;
    size_t ue = u;
    while (ue < s.size() && is_alpha(s[ue])) ++ue;
    n.unit = singular(s.substr(u, ue - u));
    if (n.unit == "or" || n.unit == "and" || n.unit == "to") n.unit.clear();  // "(8) or more": no unit
    // "type 1", "grade 2": a label, not a quantity
    {
      std::string_view head = std::string_view(s).substr(0, start);
      while (!head.empty() && head.back() == ' ') head.remove_suffix(1);
      bool label = false;
      for (const char* w : {"type", "grade", "class", "stage", "step", "phase", "part", "section", "tier", "category"})
        if (ends_with(head, w) && (head.size() == std::strlen(w) || !is_alpha(head[head.size() - std::strlen(w) - 1])))
          label = true;
      if (label) {
        i = stop;
        continue;
      }
    }
    bool lower = false, inclusive = false;
    if (!range) {
      // "four (4) or more", "3 or fewer"
      for (const auto& [w, lo] : std::initializer_list<std::pair<const char*, bool>>{
               {" or more", true}, {" or greater", true}, {" or higher", true}, {" or above", true}, {" or longer", true},
               {" or less", false}, {" or fewer", false}, {" or lower", false}, {" or below", false}, {" or shorter", false}}) {
        if (s.compare(stop, std::strlen(w), w) != 0) continue;
        (lo ? n.lower : n.upper) = {true, *v, true};
        stop += std::strlen(w);
        break;
      }
    }
    if (!range && !n.lower.present && !n.upper.present) {
      if (size_t len = boundary_before(s, start, lower, inclusive)) {
        bool is_for = s.compare(start - len, 3, "for") == 0;
        if (!is_for || is_duration(n.unit)) {
          start -= len;
          (lower ? n.lower : n.upper) = {true, *v, inclusive};
        }
      }
    }
    n.quote = s.substr(start, (ue > stop ? ue : stop) - start);
    out.push_back(n);
    i = stop;
  }
  return out;
}

// ---------------------------------------------------------------- comparisons in the condition

struct Comparison {
  std::string name;   // the number atom, or the counted set's fact path
  Bound lower, upper;
  std::string shown;  // "pain.duration_weeks <= 6" (negation folded in)
};

std::string number_text(double v) {
  std::ostringstream ss;
  ss << v;
  return ss.str();
}

void add_comparison(std::vector<Comparison>& out, const std::string& name, Cmp cmp, double v, bool positive) {
  if (!positive) {
    switch (cmp) {
      case Cmp::Lt: cmp = Cmp::Ge; break;
      case Cmp::Le: cmp = Cmp::Gt; break;
      case Cmp::Gt: cmp = Cmp::Le; break;
      case Cmp::Ge: cmp = Cmp::Lt; break;
      case Cmp::Eq: cmp = Cmp::Ne; break;
      case Cmp::Ne: cmp = Cmp::Eq; break;
    }
  }
  Comparison c;
  c.name = name;
  c.shown = name + " " + to_string(cmp) + " " + number_text(v);
  switch (cmp) {
    case Cmp::Lt: c.upper = {true, v, false}; break;
    case Cmp::Le: c.upper = {true, v, true}; break;
    case Cmp::Gt: c.lower = {true, v, false}; break;
    case Cmp::Ge: c.lower = {true, v, true}; break;
    case Cmp::Eq: c.lower = {true, v, true}; c.upper = {true, v, true}; break;
    case Cmp::Ne: return;
  }
  out.push_back(c);
}

// Per fact: the members a condition reads true (positive) and false (negated).
struct MemberUse {
  std::set<int> positive, negative;
};

void walk(const Policy& p, const Expr& e, bool positive, std::vector<Comparison>& cmps, std::map<int, MemberUse>& members,
          int depth = 0) {
  const auto& atoms = p.vocab.atoms;
  switch (e.op) {
    case Op::NumCmp: add_comparison(cmps, atoms[e.atom].name, e.cmp, e.number, positive); return;
    case Op::Count:
      if (!e.kids.empty() && e.kids[0].op == Op::Atom)
        add_comparison(cmps, p.vocab.facts[atoms[e.kids[0].atom].fact].path, e.cmp, e.number, positive);
      return;
    case Op::Atom: {
      const auto& a = atoms[e.atom];
      if (a.member >= 0) (positive ? members[a.fact].positive : members[a.fact].negative).insert(a.member);
      return;
    }
    case Op::EnumIn: {
      const auto& a = atoms[e.atom];
      for (int b = 0; b < 64; ++b)
        if (e.mask >> b & 1) (positive ? members[a.fact].positive : members[a.fact].negative).insert(b);
      return;
    }
    case Op::Not: walk(p, e.kids[0], !positive, cmps, members, depth); return;
    case Op::And:
    case Op::Or:
      for (const auto& k : e.kids) walk(p, k, positive, cmps, members, depth);
      return;
    case Op::Ref:
      // `@NI.chronic_pain.longstanding`: the referenced criterion's
      // comparisons are this one's too (references are acyclic; the depth
      // bounds a malformed model all the same).
      if (depth < 16 && e.ref >= 0 && static_cast<size_t>(e.ref) < p.criteria.size())
        walk(p, p.criteria[static_cast<size_t>(e.ref)].expr, positive, cmps, members, depth + 1);
      return;
    default: return;
  }
}

// How many of the condition's unit one unit of the text is: months against
// a count of weeks are 4 to 4.348 weeks (four-week to calendar months).
struct Factor { double lo = 1, hi = 1; };

std::optional<Factor> unit_factor(const std::string& text_unit, const std::string& name) {
  if (text_unit.size() >= 3 && name.find(text_unit) != std::string::npos) return Factor{};
  if (name.find("week") != std::string::npos) {
    if (text_unit == "month") return Factor{4, 365.25 / 12 / 7};
    if (text_unit == "year") return Factor{52, 365.25 / 7};
    if (text_unit == "day") return Factor{1.0 / 7, 1.0 / 7};
  }
  return std::nullopt;
}

bool matches(const Bound& text, const Factor& f, const Bound& cond) {
  const double eps = 1e-6;
  return cond.present && cond.inclusive == text.inclusive && cond.value >= text.value * f.lo - eps &&
         cond.value <= text.value * f.hi + eps;
}

bool value_matches(double text, const Factor& f, double cond) {
  return cond >= text * f.lo - 1e-6 && cond <= text * f.hi + 1e-6;
}

std::string bound_words(const Bound& b, bool lower, const std::string& unit) {
  std::string v = number_text(b.value) + (unit.empty() ? "" : " " + unit + (b.value == 1 ? "" : "s"));
  if (lower) return (b.inclusive ? "at least " : "more than ") + v;
  return (b.inclusive ? "at most " : "less than ") + v;
}

// The words of `text` that normalize to `norm` (case kept), else `norm`.
std::string original_quote(const std::string& text, const std::string& norm) {
  std::string lower = text;
  std::transform(lower.begin(), lower.end(), lower.begin(), [](unsigned char ch) { return std::tolower(ch); });
  auto at = lower.find(norm);
  return at == std::string::npos ? norm : text.substr(at, norm.size());
}

void check_numbers(const Policy& p, const Criterion& c, TextLint& out) {
  std::vector<Comparison> cmps;
  std::map<int, MemberUse> members;
  walk(p, c.expr, true, cmps, members);
  std::string norm = normalize_policy_text(c.text);
  auto report = [&](const std::string& kind, LintSeverity sev, const std::string& quote, const std::string& msg) {
    TextFinding f;
    f.kind = kind;
    f.severity = sev;
    f.criterion = c.id;
    f.quote = quote;
    f.condition = c.when_source;
    f.message = msg;
    f.line = c.line;
    f.column = c.column;
    out.findings.push_back(std::move(f));
  };
  for (const auto& n : text_numbers(norm)) {
    // the comparisons the number is about: by unit, else all of them
    std::vector<std::pair<const Comparison*, Factor>> cands;
    for (const auto& k : cmps)
      if (auto f = unit_factor(n.unit, k.name)) cands.emplace_back(&k, *f);
    if (cands.empty())
      for (const auto& k : cmps) cands.emplace_back(&k, Factor{});
    const std::string said = original_quote(c.text, n.quote);
    std::string quote = "\"" + said + "\"";
    if (cands.empty()) {
      report("text_number", LintSeverity::Warning, said,
             c.id + ": the text says " + quote + " but the condition `" + c.when_source + "` compares no number");
      continue;
    }
    bool any_side = false;
    for (int side = 0; side < 2; ++side) {
      const Bound& tb = side == 0 ? n.lower : n.upper;
      if (!tb.present) continue;
      any_side = true;
      bool ok = false;
      const Comparison* same_side = nullptr;
      for (const auto& [k, f] : cands) {
        const Bound& cb = side == 0 ? k->lower : k->upper;
        if (!cb.present) continue;
        if (matches(tb, f, cb)) ok = true;
        if (!same_side) same_side = k;
      }
      if (ok) continue;
      // A bound at the edge of the fact's domain ("0-6 weeks", "a 0-10
      // scale") needs no comparison.
      if (tb.inclusive) {
        int fact = p.vocab.find_fact(cands[0].first->name);
        int atom = p.vocab.find_atom(cands[0].first->name);
        if (fact < 0 && atom >= 0) fact = p.vocab.atoms[atom].fact;
        if (fact >= 0) {
          const Fact& fa = p.vocab.facts[fact];
          double lo = fa.type == FactType::Number ? fa.min : 0;
          double hi = fa.type == FactType::Number ? fa.max : static_cast<double>(fa.atoms.size());
          if (side == 0 ? tb.value <= lo : tb.value >= hi) continue;
        }
      }
      const Comparison* shown = same_side ? same_side : cands[0].first;
      std::string cond = same_side ? "`" + shown->shown + "`" : "`" + c.when_source + "`";
      std::string cond_says;
      if (same_side) {
        const Bound& cb = side == 0 ? same_side->lower : same_side->upper;
        if (cb.value == tb.value && cb.inclusive != tb.inclusive)
          cond_says = tb.inclusive ? "leaves " + number_text(tb.value) + " out" : "lets " + number_text(tb.value) + " in";
        else
          cond_says = "says " + bound_words(cb, side == 0, "");
      } else {
        cond_says = std::string("has no ") + (side == 0 ? "lower" : "upper") + " bound";
      }
      report("text_number", LintSeverity::Error, said,
             c.id + ": the text says " + quote + " (" + bound_words(tb, side == 0, n.unit) +
                 ") but the condition " + cond + " " + cond_says);
    }
    if (!any_side) {
      bool found = false;
      for (const auto& [k, f] : cands)
        for (const Bound* b : {&k->lower, &k->upper})
          if (b->present && value_matches(n.value, f, b->value)) found = true;
      if (!found)
        report("text_number", LintSeverity::Warning, said,
               c.id + ": the text says " + quote + " but the condition `" + c.when_source + "` compares with no " +
                   number_text(n.value));
    }
  }
  // Ranges of ordered values: "T5-L5", "T1-T4".
  for (size_t i = 0; i < norm.size(); ++i) {
    if (!is_alpha(norm[i]) || (i > 0 && (is_alpha(norm[i - 1]) || is_digit(norm[i - 1])))) continue;
    auto token = [&](size_t at, size_t& end) {
      size_t j = at;
      while (j < norm.size() && is_alpha(norm[j])) ++j;
      size_t d = j;
      while (j < norm.size() && is_digit(norm[j])) ++j;
      if (d == at || d == j || (j < norm.size() && is_alpha(norm[j]))) return std::string();
      end = j;
      return norm.substr(at, j - at);
    };
    size_t e1 = 0, e2 = 0;
    std::string a = token(i, e1);
    if (a.empty() || e1 >= norm.size()) continue;
    size_t k = e1;
    if (norm[k] == '-') k += 1;
    else if (norm.compare(k, 3, "\xE2\x80\x93") == 0) k += 3;
    else continue;
    std::string b = token(k, e2);
    if (b.empty()) continue;
    for (const auto& [fact, use] : members) {
      const auto& f = p.vocab.facts[fact];
      auto find = [&](const std::string& v) {
        for (size_t x = 0; x < f.values.size(); ++x) {
          std::string lv = f.values[x];
          std::transform(lv.begin(), lv.end(), lv.begin(), [](unsigned char ch) { return std::tolower(ch); });
          if (lv == v) return static_cast<int>(x);
        }
        return -1;
      };
      int ia = find(a), ib = find(b);
      if (ia < 0 || ib < 0 || ia > ib) continue;
      std::set<int> range, rest;
      for (int x = 0; x < static_cast<int>(f.values.size()); ++x) (x >= ia && x <= ib ? range : rest).insert(x);
      if (use.positive == range || use.negative == rest) continue;
      auto names = [&](const std::set<int>& s) {  // runs of consecutive values as A..B
        std::string o = "{";
        for (auto it = s.begin(); it != s.end();) {
          int a = *it, b = a;
          for (++it; it != s.end() && *it == b + 1; ++it) b = *it;
          o += (o.size() > 1 ? ", " : "") + f.values[a] + (b > a ? (b == a + 1 ? ", " : "..") + f.values[b] : "");
        }
        return o + "}";
      };
      std::set<int> allowed = use.positive;
      if (allowed.empty())
        for (int x = 0; x < static_cast<int>(f.values.size()); ++x)
          if (!use.negative.count(x)) allowed.insert(x);
      std::string q = original_quote(c.text, norm.substr(i, e2 - i));
      report("text_range", LintSeverity::Error, q,
             c.id + ": the text says \"" + q + "\" (" + f.path + " in " + names(range) + ") but the condition `" +
                 c.when_source + "` " + (use.positive.empty() ? "allows " : "reads ") + names(allowed));
    }
    i = e2;
  }
}

}  // namespace

TextLint lint_policy_text(const Policy& policy, const std::string* source, const std::string& source_note) {
  TextLint out;
  out.source_note = source_note;
  auto add = [&](const std::string& kind, LintSeverity sev, const Criterion* c, const std::string& quote,
                 const std::string& msg) {
    TextFinding f;
    f.kind = kind;
    f.severity = sev;
    if (c) {
      f.criterion = c->id;
      f.condition = c->when_source;
      f.line = c->line;
      f.column = c->column;
    }
    f.quote = quote;
    f.message = msg;
    out.findings.push_back(std::move(f));
  };

  // 1. Every quoted wording occurs verbatim in the source.
  if (!source) {
    add("text_no_source", LintSeverity::Info, nullptr, "",
        "the quotes were not checked against the policy text: " + (source_note.empty() ? "no source text" : source_note));
  } else {
    std::string src = normalize_policy_text(*source);
    auto check = [&](const Criterion* c, const std::string& what, const std::string& text) {
      if (text.empty() || src.find(normalize_policy_text(text)) != std::string::npos) return;
      add("text_verbatim", LintSeverity::Error, c, text,
          what + ": the quoted text \"" + text + "\" does not occur in " + policy.source_file);
    };
    for (const auto& c : policy.criteria) check(&c, c.id, c.text);
    for (const auto& c : policy.categories) check(nullptr, "category " + c.id, c.text);
    check(nullptr, "decision", policy.decision_text);
    check(nullptr, "default denial", policy.default_denial_text);
    for (const auto& c : policy.codes) check(nullptr, "code " + c.code, c.description);
    for (const auto& d : policy.definitions) check(nullptr, "definition " + d.term, d.text);
    for (const auto& a : policy.ambiguities) check(nullptr, a.id, a.quote);

    // 2. Every bullet of a list that encodes criteria is encoded.
    std::vector<std::string> texts;
    for (const auto& c : policy.criteria) texts.push_back(normalize_policy_text(c.text));
    for (const auto& c : policy.categories) texts.push_back(normalize_policy_text(c.text));
    texts.push_back(normalize_policy_text(policy.decision_text));
    texts.push_back(normalize_policy_text(policy.default_denial_text));
    for (const auto& list : source_lists(*source)) {
      bool encodes = std::any_of(list.begin(), list.end(), [&](const Bullet& b) { return coverage_of(b.text, texts) >= 0.6; });
      if (!encodes) continue;
      for (const auto& b : list) {
        if (coverage_of(b.text, texts) >= 0.6) continue;
        add("text_unencoded", LintSeverity::Warning, nullptr, b.text,
            policy.source_file + ":" + std::to_string(b.line) + ": the bullet \"" + b.text +
                "\" is encoded by no criterion");
      }
    }
  }

  // 3. Every criterion takes part in the decision.
  std::vector<char> used(policy.criteria.size(), 0);
  for (int x : policy.pathways) used[x] = 1;
  for (int x : policy.exclusions) used[x] = 1;
  for (const auto& c : policy.criteria) {
    for (int ch : c.children) used[ch] = 1;
    std::vector<int> refs;
    collect_refs(c.expr, refs);
    for (int r : refs) used[r] = 1;
  }
  for (size_t i = 0; i < policy.criteria.size(); ++i)
    if (!used[i])
      add("unused", LintSeverity::Error, &policy.criteria[i], policy.criteria[i].text,
          policy.criteria[i].id + ": no pathway, exclusion or other criterion uses it, so its text \"" +
              policy.criteria[i].text + "\" decides nothing");

  // 4. Numbers, boundary words and ranges against the condition.
  for (const auto& c : policy.criteria)
    if (c.combinator == Combinator::Leaf) check_numbers(policy, c, out);
  return out;
}

TextLint lint_policy_text(const Policy& policy, const std::string& policy_dir) {
  std::string note;
  auto src = find_source_text(policy, policy_dir, note);
  return lint_policy_text(policy, src ? &*src : nullptr, note);
}

}  // namespace pp::model
