#include "model/expr_parser.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdlib>

#include "model/diagnostic.h"

namespace pp::model {
namespace {

enum class Tok { End, Word, Number, Ref, LParen, RParen, LBrace, RBrace, Comma, Cmp, Arrow, Range };

struct Token {
  Tok kind = Tok::End;
  std::string text;
  Cmp cmp = Cmp::Eq;
  double number = 0;
  size_t pos = 0;
};

bool word_char(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '.' || c == '-';
}

class Parser {
 public:
  Parser(const std::string& text, const ExprContext& ctx) : text_(text), ctx_(ctx) { lex(); }

  Expr parse() {
    Expr e = implies();
    if (peek().kind != Tok::End) fail(peek(), "unexpected `" + peek().text + "` (expected `and`, `or`, `->` or the end)");
    return e;
  }

 private:
  [[noreturn]] void fail(const Token& t, const std::string& msg) const { fail_at(t.pos, msg); }
  [[noreturn]] void fail_at(size_t pos, const std::string& msg) const {
    int line = ctx_.line, column = ctx_.column;
    if (!locate_in_source(pos, line, column)) {
      // No source text: map the offset by the expression's own newlines.
      for (size_t i = 0; i < pos && i < text_.size(); ++i) {
        if (text_[i] == '\n') { line++; column = 1; }
        else column++;
      }
    }
    diagnose(ctx_.file).at(line, column).source(ctx_.source).fail(msg);
  }

  // Where offset `pos` of the expression lies in the file's text. YAML folds
  // a scalar written over several lines (plain, quoted and `>` scalars become
  // one line, `|` keeps its lines) and strips the indentation, but keeps
  // every character that is not white space: the k-th such character of the
  // expression is the k-th of the scalar's source, past a block indicator's
  // line. False when the source text is not at hand.
  bool locate_in_source(size_t pos, int& line, int& column) const {
    const std::string_view src = ctx_.source;
    if (src.empty()) return false;
    size_t at = 0;  // the offset of (ctx_.line, ctx_.column)
    for (int l = 1; l < ctx_.line; ++l) {
      at = src.find('\n', at);
      if (at == std::string_view::npos) return false;
      ++at;
    }
    at += static_cast<size_t>(ctx_.column - 1);
    if (at > src.size()) return false;
    // A block scalar (`>`, `|`, with `-`, `+` or an indent digit; its mark
    // may point past the indicator): its text starts on the next line.
    size_t head = at > 0 && at <= src.size() && (src[at - 1] == '>' || src[at - 1] == '|') ? at - 1 : at;
    if (head < src.size() && (src[head] == '>' || src[head] == '|')) {
      size_t eol = src.find('\n', head);
      if (eol == std::string_view::npos) return false;
      std::string_view rest = src.substr(head + 1, eol - head - 1);
      size_t cut = rest.find('#');
      if (rest.substr(0, cut).find_first_not_of("-+0123456789 \t\r") == std::string_view::npos) at = eol + 1;
    }
    auto space = [](char c) { return std::isspace(static_cast<unsigned char>(c)) != 0; };
    size_t k = 0;  // non-space characters before pos
    for (size_t i = 0; i < pos && i < text_.size(); ++i) k += !space(text_[i]);
    bool at_end = pos >= text_.size() || space(text_[pos]);
    size_t seen = 0, target = src.size();
    for (size_t i = at; i < src.size(); ++i) {
      if (space(src[i])) continue;
      if (seen == k && !at_end) { target = i; break; }
      ++seen;
      if (seen == k && at_end) { target = i + 1; break; }
    }
    if (k == 0 && at_end) target = at;
    if (target >= src.size() && target != at) return false;
    line = 1;
    column = 1;
    for (size_t i = 0; i < target; ++i) {
      if (src[i] == '\n') { ++line; column = 1; }
      else if ((static_cast<unsigned char>(src[i]) & 0xc0) != 0x80) ++column;  // a character, not a byte
    }
    return true;
  }

  void lex() {
    size_t i = 0;
    while (true) {
      while (i < text_.size() && std::isspace(static_cast<unsigned char>(text_[i]))) ++i;
      Token t;
      t.pos = i;
      if (i >= text_.size()) { toks_.push_back(t); return; }
      char c = text_[i];
      std::string_view two = std::string_view(text_).substr(i, 2);
      if (c == '(') { t.kind = Tok::LParen; t.text = "("; ++i; }
      else if (c == ')') { t.kind = Tok::RParen; t.text = ")"; ++i; }
      else if (c == '{') { t.kind = Tok::LBrace; t.text = "{"; ++i; }
      else if (c == '}') { t.kind = Tok::RBrace; t.text = "}"; ++i; }
      else if (c == ',') { t.kind = Tok::Comma; t.text = ","; ++i; }
      else if (two == "->") { t.kind = Tok::Arrow; t.text = "->"; i += 2; }
      else if (two == "<=" || two == ">=" || two == "==" || two == "!=") {
        t.kind = Tok::Cmp; t.text = std::string(two); i += 2;
        t.cmp = two == "<=" ? Cmp::Le : two == ">=" ? Cmp::Ge : two == "==" ? Cmp::Eq : Cmp::Ne;
      } else if (c == '<' || c == '>') {
        t.kind = Tok::Cmp; t.text = std::string(1, c); ++i;
        t.cmp = c == '<' ? Cmp::Lt : Cmp::Gt;
      } else if (c == '@') {
        ++i;
        size_t s = i;
        while (i < text_.size() && word_char(text_[i])) ++i;
        t.kind = Tok::Ref; t.text = text_.substr(s, i - s);
        if (t.text.empty()) fail_at(t.pos, "expected a criterion id after `@`");
      } else if (two == "..") {
        t.kind = Tok::Range; t.text = ".."; i += 2;
      } else if (word_char(c)) {
        size_t s = i;
        while (i < text_.size() && word_char(text_[i])) {
          if (text_.compare(i, 2, "..") == 0) break;
          if (text_[i] == '-' && i + 1 < text_.size() && text_[i + 1] == '>') break;
          ++i;
        }
        t.text = text_.substr(s, i - s);
        char* end = nullptr;
        double v = std::strtod(t.text.c_str(), &end);
        if (t.text.size() > 1 && t.text[0] == '0' && (t.text[1] == 'x' || t.text[1] == 'X'))
          fail_at(t.pos, "hexadecimal number `" + t.text + "` (expected a decimal number)");
        bool numeric = std::isdigit(static_cast<unsigned char>(t.text[0])) && end && *end == '\0' && std::isfinite(v);
        if (numeric) { t.kind = Tok::Number; t.number = v; }
        else t.kind = Tok::Word;
      } else {
        fail_at(i, std::string("unexpected character `") + c + "`");
      }
      toks_.push_back(t);
    }
  }

  const Token& peek() const { return toks_[pos_]; }
  Token next() { return toks_[pos_ < toks_.size() - 1 ? pos_++ : pos_]; }
  bool is_word(const char* w) const { return peek().kind == Tok::Word && peek().text == w; }

  // Nesting is bounded so that hostile input cannot exhaust the stack.
  struct DepthGuard {
    Parser& p;
    explicit DepthGuard(Parser& parser) : p(parser) {
      if (++p.depth_ > kMaxDepth)
        p.fail(p.peek(), "expression nested too deeply (at most 100 levels of parentheses, `not` and `->`)");
    }
    ~DepthGuard() { --p.depth_; }
  };
  static constexpr int kMaxDepth = 100;
  int depth_ = 0;

  Expr implies() {
    Expr lhs = disj();
    if (peek().kind == Tok::Arrow) {
      next();
      DepthGuard guard(*this);
      Expr rhs = implies();
      Expr n = Expr::make(Op::Not, {std::move(lhs)});
      return Expr::make(Op::Or, {std::move(n), std::move(rhs)});
    }
    return lhs;
  }
  Expr disj() {
    Expr e = conj();
    if (!is_word("or")) return e;
    std::vector<Expr> kids{std::move(e)};
    while (is_word("or")) { next(); kids.push_back(conj()); }
    return Expr::make(Op::Or, std::move(kids));
  }
  Expr conj() {
    Expr e = unary();
    if (!is_word("and")) return e;
    std::vector<Expr> kids{std::move(e)};
    while (is_word("and")) { next(); kids.push_back(unary()); }
    return Expr::make(Op::And, std::move(kids));
  }
  Expr unary() {
    if (is_word("not")) {
      next();
      DepthGuard guard(*this);
      return Expr::make(Op::Not, {unary()});
    }
    return primary();
  }

  const Fact& fact_of(const Token& t, int fi) const { (void)t; return ctx_.vocab->facts[fi]; }

  // A PATH token naming a fact (whole) -> fact index, or -1.
  int find_fact(const std::string& p) const { return ctx_.vocab->find_fact(p); }

  std::uint64_t parse_set(const Fact& f, std::vector<int>* members) {
    const Token open = next();
    if (open.kind != Tok::LBrace) fail(open, "expected `{` to start a set of `" + f.path + "` values");
    std::uint64_t mask = 0;
    auto index_of = [&](const Token& t) {
      if (t.kind != Tok::Word && t.kind != Tok::Number) fail(t, "expected a value of `" + f.path + "`");
      for (size_t i = 0; i < f.values.size(); ++i)
        if (f.values[i] == t.text) return static_cast<int>(i);
      std::string exp;
      for (size_t i = 0; i < f.values.size(); ++i) exp += (i ? ", " : "") + f.values[i];
      fail(t, "unknown value `" + t.text + "` of `" + f.path + "` (expected one of " + exp + ")");
    };
    while (true) {
      Token a = next();
      int ia = index_of(a);
      int ib = ia;
      if (peek().kind == Tok::Range) {
        next();
        Token b = next();
        ib = index_of(b);
        if (ib < ia) fail(a, "empty range `" + a.text + ".." + b.text + "` (the values are ordered as the vocabulary lists them)");
      }
      // A set: a value named twice (`{T5..L5, L1}`) is in it once, so that
      // `count` counts it once.
      for (int i = ia; i <= ib; ++i) {
        bool had = members ? std::find(members->begin(), members->end(), i) != members->end()
                           : ((mask >> i) & 1) != 0;
        if (i < 64) mask |= (std::uint64_t{1} << i);
        if (members && !had) members->push_back(i);
      }
      Token sep = next();
      if (sep.kind == Tok::RBrace) break;
      if (sep.kind != Tok::Comma) fail(sep, "expected `,` or `}` in a set");
    }
    return mask;
  }

  Expr atom_expr(int atom) { Expr e; e.op = Op::Atom; e.atom = atom; return e; }

  Expr quantifier(const std::string& q) {
    Token pt = next();
    if (pt.kind != Tok::Word) fail(pt, "expected a fact path after `" + q + "`");
    int fi = find_fact(pt.text);
    if (fi < 0) fail(pt, "unknown fact `" + pt.text + "`");
    const Fact& f = ctx_.vocab->facts[fi];
    if (f.type != FactType::EnumSet && f.type != FactType::CodeList && f.type != FactType::Group)
      fail(pt, "`" + q + "` needs a set or group fact, and `" + f.path + "` is not one");
    std::vector<int> members;
    bool has_set = false;
    if (is_word("in")) {
      next();
      if (f.type == FactType::Group) {
        // groups: a set of member names
        Fact tmp = f;
        tmp.values.clear();
        for (const auto& m : f.members) tmp.values.push_back(m.name);
        parse_set(tmp, &members);
      } else {
        parse_set(f, &members);
      }
      has_set = true;
    } else if (q != "count") {
      fail(peek(), "expected `in {...}` after `" + q + " " + f.path + "`");
    }
    if (!has_set)
      for (size_t i = 0; i < f.atoms.size(); ++i) members.push_back(static_cast<int>(i));
    std::vector<Expr> kids;
    if (q == "all") {
      // every true atom lies in the set: no atom outside it is true
      std::vector<bool> in(f.atoms.size(), false);
      for (int m : members) in[m] = true;
      for (size_t i = 0; i < f.atoms.size(); ++i)
        if (!in[i]) kids.push_back(Expr::make(Op::Not, {atom_expr(f.atoms[i])}));
      if (kids.empty()) return Expr::constant(true);
      return kids.size() == 1 ? kids[0] : Expr::make(Op::And, std::move(kids));
    }
    for (int m : members) kids.push_back(atom_expr(f.atoms[m]));
    if (q == "count") {
      Token c = next();
      if (c.kind != Tok::Cmp) fail(c, "expected a comparison (<, <=, >, >=, ==, !=) after `count " + f.path + "`");
      Token n = next();
      if (n.kind != Tok::Number) fail(n, "expected a number after `" + c.text + "`");
      Expr e = Expr::make(Op::Count, std::move(kids));
      e.cmp = c.cmp;
      e.number = n.number;
      return e;
    }
    if (q == "none") {
      if (kids.empty()) return Expr::constant(true);
      return Expr::make(Op::Not, {kids.size() == 1 ? kids[0] : Expr::make(Op::Or, std::move(kids))});
    }
    if (kids.empty()) return Expr::constant(false);
    return kids.size() == 1 ? kids[0] : Expr::make(Op::Or, std::move(kids));
  }

  Expr primary() {
    Token t = next();
    switch (t.kind) {
      case Tok::LParen: {
        DepthGuard guard(*this);
        Expr e = implies();
        Token r = next();
        if (r.kind != Tok::RParen) fail(r, "expected `)`");
        return e;
      }
      case Tok::Ref: {
        if (!ctx_.resolve_ref) fail(t, "criterion references (`@" + t.text + "`) are not allowed here");
        int idx = ctx_.resolve_ref(t.text);
        if (idx < 0) fail(t, "unknown criterion `" + t.text + "`");
        Expr e; e.op = Op::Ref; e.ref = idx;
        return e;
      }
      case Tok::Word: break;
      case Tok::End: fail(t, "unexpected end of expression (expected a condition)");
      default: fail(t, "unexpected `" + t.text + "` (expected a condition)");
    }
    if (t.text == "true") return Expr::constant(true);
    if (t.text == "false") return Expr::constant(false);
    if (t.text == "approved") {
      if (!ctx_.allow_decision) fail(t, "`approved` (the decision) is allowed only in properties");
      Expr e; e.op = Op::Decision;
      return e;
    }
    if (t.text == "any" || t.text == "all" || t.text == "none" || t.text == "count") return quantifier(t.text);

    // A fact path, or a group member path.
    int fi = find_fact(t.text);
    if (fi < 0) {
      int ai = ctx_.vocab->find_atom(t.text);
      if (ai >= 0) {
        const Atom& a = ctx_.vocab->atoms[ai];
        const Fact& owner = ctx_.vocab->facts[a.fact];
        if (owner.type == FactType::Group) return atom_expr(ai);
      }
      fail(t, "unknown fact `" + t.text + "`");
    }
    const Fact& f = ctx_.vocab->facts[fi];
    switch (f.type) {
      case FactType::Bool: return atom_expr(f.atoms[0]);
      case FactType::Number: {
        Token c = next();
        if (c.kind != Tok::Cmp) fail(c, "expected a comparison after number fact `" + f.path + "`");
        Token n = next();
        if (n.kind != Tok::Number) fail(n, "expected a number after `" + c.text + "`");
        Expr e; e.op = Op::NumCmp; e.atom = f.atoms[0]; e.cmp = c.cmp; e.number = n.number;
        return e;
      }
      case FactType::Enum: {
        Token c = next();
        Expr e; e.op = Op::EnumIn; e.atom = f.atoms[0];
        if (c.kind == Tok::Word && c.text == "in") {
          e.mask = parse_set(f, nullptr);
          return e;
        }
        if (c.kind != Tok::Cmp || (c.cmp != Cmp::Eq && c.cmp != Cmp::Ne))
          fail(c, "expected `==`, `!=` or `in` after enum fact `" + f.path + "`");
        Token v = next();
        int idx = -1;
        for (size_t i = 0; i < f.values.size(); ++i)
          if (f.values[i] == v.text) idx = static_cast<int>(i);
        if (idx < 0) {
          std::string exp;
          for (size_t i = 0; i < f.values.size(); ++i) exp += (i ? ", " : "") + f.values[i];
          fail(v, "unknown value `" + v.text + "` of `" + f.path + "` (expected one of " + exp + ")");
        }
        e.mask = std::uint64_t{1} << idx;
        if (c.cmp == Cmp::Ne) return Expr::make(Op::Not, {e});
        return e;
      }
      default:
        fail(t, "`" + f.path + "` is a set; use `any`, `all`, `none` or `count` with it");
    }
  }

  const std::string& text_;
  const ExprContext& ctx_;
  std::vector<Token> toks_;
  size_t pos_ = 0;
};

}  // namespace

Expr parse_expr(const std::string& text, const ExprContext& ctx) {
  Parser p(text, ctx);
  return p.parse();
}

}  // namespace pp::model
