#include "model/exact_number.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <string>

#include "model/policy.h"

namespace pp::model {

namespace {

// A decimal as sign, significant digits (no leading or trailing zeros) and
// the power of ten p with value = 0.DIGITS * 10^p.
struct Decimal {
  bool negative = false;
  std::string digits;  // empty: zero
  long point = 0;
};

Decimal parse_decimal(std::string_view t) {
  Decimal d;
  size_t i = 0;
  if (i < t.size() && (t[i] == '-' || t[i] == '+')) d.negative = t[i++] == '-';
  long int_digits = 0;
  bool seen_point = false;
  for (; i < t.size(); ++i) {
    char c = t[i];
    if (c == '.') { seen_point = true; continue; }
    if (c < '0' || c > '9') break;
    if (d.digits.empty() && c == '0') {  // a leading zero
      if (seen_point) --int_digits;
      continue;
    }
    d.digits += c;
    if (!seen_point) ++int_digits;
  }
  long exp = 0;
  if (i < t.size() && (t[i] == 'e' || t[i] == 'E')) {
    ++i;
    bool neg = false;
    if (i < t.size() && (t[i] == '+' || t[i] == '-')) neg = t[i++] == '-';
    for (; i < t.size() && t[i] >= '0' && t[i] <= '9'; ++i) exp = std::min(exp * 10 + (t[i] - '0'), 100000L);
    if (neg) exp = -exp;
  }
  while (!d.digits.empty() && d.digits.back() == '0') d.digits.pop_back();
  d.point = int_digits + exp;
  if (d.digits.empty()) d.negative = false;
  return d;
}

int compare_magnitude(const Decimal& a, const Decimal& b) {
  if (a.digits.empty() || b.digits.empty()) return a.digits.empty() ? (b.digits.empty() ? 0 : -1) : 1;
  if (a.point != b.point) return a.point < b.point ? -1 : 1;
  int c = a.digits.compare(b.digits);  // no trailing zeros: a prefix is the smaller
  return c < 0 ? -1 : c > 0 ? 1 : 0;
}

void collect(const Expr& e, std::vector<std::vector<double>>& out) {
  // Iterative: an expression may be long (an and of many operands).
  std::vector<const Expr*> stack{&e};
  while (!stack.empty()) {
    const Expr* x = stack.back();
    stack.pop_back();
    if (x->op == Op::NumCmp && x->atom >= 0 && static_cast<size_t>(x->atom) < out.size())
      out[static_cast<size_t>(x->atom)].push_back(x->number);
    for (const auto& k : x->kids) stack.push_back(&k);
  }
}

}  // namespace

int compare_decimal(std::string_view text, double k) {
  char buf[64];
  auto r = std::to_chars(buf, buf + sizeof buf, k);  // the shortest decimal that reads back as k
  Decimal a = parse_decimal(text), b = parse_decimal(std::string_view(buf, static_cast<size_t>(r.ptr - buf)));
  if (a.negative != b.negative) {
    if (a.digits.empty() && b.digits.empty()) return 0;
    return a.negative ? -1 : 1;
  }
  int m = compare_magnitude(a, b);
  return a.negative ? -m : m;
}

std::vector<std::vector<double>> number_constants(const Policy& policy) {
  std::vector<std::vector<double>> out(policy.vocab.atoms.size());
  for (const auto& c : policy.criteria) collect(c.expr, out);
  for (const auto& r : policy.relations) collect(r.expr, out);
  for (const auto& f : policy.vocab.facts)
    if (f.type == FactType::Number && !f.atoms.empty()) {
      auto& v = out[static_cast<size_t>(f.atoms[0])];
      v.push_back(f.min);
      if (f.max < 1e300) v.push_back(f.max);
    }
  for (auto& v : out) {
    std::sort(v.begin(), v.end());
    v.erase(std::unique(v.begin(), v.end()), v.end());
  }
  return out;
}

double exact_value(std::string_view text, double v, const std::vector<double>& constants) {
  if (!std::binary_search(constants.begin(), constants.end(), v)) return v;
  int s = compare_decimal(text, v);
  if (s == 0) return v;
  return std::nextafter(v, s > 0 ? HUGE_VAL : -HUGE_VAL);
}

}  // namespace pp::model
