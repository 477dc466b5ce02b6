#include "model/criteria_program.h"

#include <bit>
#include <cstring>
#ifdef __SSE2__
#include <emmintrin.h>
#endif

namespace pp::model {

namespace {

bool literal(const Expr& k, std::pair<std::int32_t, bool>& lit) {
  if (k.op == Op::Atom) { lit = {k.atom, true}; return true; }
  if (k.op == Op::Not && k.kids[0].op == Op::Atom) { lit = {k.kids[0].atom, false}; return true; }
  return false;
}

// Count's value: the count lies in [lo, lo+unk]; decided when the comparison
// agrees on every value in it.
inline Tri count_value(int lo, int unk, Cmp cmp, double number) {
  bool any_true = false, any_false = false;
  for (int n = lo; n <= lo + unk && !(any_true && any_false); ++n)
    (compare(n, cmp, number) ? any_true : any_false) = true;
  return any_true && any_false ? Tri::Unknown : any_true ? Tri::True : Tri::False;
}

}  // namespace

CriteriaProgram::CriteriaProgram(const Policy& policy, bool bit_words)
    : atoms_(policy.vocab.atoms.size()),
      bit_words_(bit_words && (atoms_ + 63) / 64 <= kMaxWords),
      criteria_(policy.criteria.size()),
      slots_(criteria_) {
  // INVARIANT: criteria are topologically ordered, so the instructions of
  // every referenced criterion come before those of the criteria using it.
  for (size_t i = 0; i < policy.criteria.size(); ++i) compile(policy.criteria[i].expr, static_cast<std::int32_t>(i));
}

std::int32_t CriteriaProgram::compile(const Expr& e, std::int32_t dst) {
  auto emit = [&](Kind kind, std::int32_t d, std::int32_t arg, size_t n = 0) {
    code_.push_back(Instr{kind, e.cmp, static_cast<std::uint32_t>(n), d, arg, e.number});
    return d;
  };
  switch (e.op) {
    case Op::True: return emit(Kind::True, slot(dst), 0);
    case Op::False: return emit(Kind::False, slot(dst), 0);
    case Op::Decision: return emit(Kind::Decision, slot(dst), 0);
    case Op::Ref: return dst < 0 ? e.ref : emit(Kind::Copy, dst, e.ref);
    case Op::Atom: {
      std::int32_t d = slot(dst);
      lit_leaves_.push_back({d, e.atom, true});
      return d;
    }
    case Op::NumCmp: {
      std::int32_t d = slot(dst);
      num_leaves_.push_back({d, e.atom, e.cmp, e.number});
      return d;
    }
    case Op::EnumIn: {
      std::int32_t d = slot(dst);
      enum_leaves_.push_back({d, e.atom, e.mask});
      return d;
    }
    case Op::Not: {
      if (e.kids[0].op == Op::Atom) {
        std::int32_t d = slot(dst);
        lit_leaves_.push_back({d, e.kids[0].atom, false});
        return d;
      }
      std::int32_t k = compile(e.kids[0], -1);
      return emit(Kind::Not, slot(dst), k);
    }
    case Op::And:
    case Op::Or:
    case Op::Count: {
      std::vector<std::pair<std::int32_t, bool>> lits(e.kids.size());
      bool all = !e.kids.empty();
      for (size_t k = 0; k < e.kids.size() && all; ++k) all = literal(e.kids[k], lits[k]);
      if (all && bit_words_) {
        // One word, and (for a count) no atom twice: a mask instruction.
        std::uint32_t word = static_cast<std::uint32_t>(lits[0].first / 64);
        MaskLits m{word, 0, 0};
        bool fits = true;
        for (auto [a, positive] : lits) {
          std::uint64_t bit = std::uint64_t{1} << (a & 63);
          if (static_cast<std::uint32_t>(a / 64) != word || (e.op == Op::Count && ((m.pos | m.neg) & bit))) fits = false;
          (positive ? m.pos : m.neg) |= bit;
        }
        if (fits) {
          Kind kind = e.op == Op::And ? Kind::AndMask : e.op == Op::Or ? Kind::OrMask : Kind::CountMask;
          masks_.push_back(m);
          return emit(kind, slot(dst), static_cast<std::int32_t>(masks_.size() - 1), lits.size());
        }
      }
      if (all) {
        Kind kind = e.op == Op::And ? Kind::AndLits : e.op == Op::Or ? Kind::OrLits : Kind::CountLits;
        std::int32_t at = static_cast<std::int32_t>(lits_.size());
        lits_.insert(lits_.end(), lits.begin(), lits.end());
        return emit(kind, slot(dst), at, lits.size());
      }
      std::vector<std::int32_t> ops;
      for (const auto& k : e.kids) ops.push_back(compile(k, -1));
      Kind kind = e.op == Op::And ? Kind::And : e.op == Op::Or ? Kind::Or : Kind::Count;
      std::int32_t at = static_cast<std::int32_t>(operands_.size());
      operands_.insert(operands_.end(), ops.begin(), ops.end());
      return emit(kind, slot(dst), at, ops.size());
    }
  }
  return emit(Kind::True, slot(dst), 0);
}

namespace {

// The Kleene value of a leaf: `b` when the atom is known (k is 0 or 1),
// else Unknown; without a branch (known and unknown atoms interleave in no
// order a predictor could learn).
inline Tri leaf(bool k, bool b) { return static_cast<Tri>(k ? static_cast<unsigned>(b) : 2u); }

// And and Or from the set of operand values seen (bit t: some operand is t).
// INVARIANT: Tri's values are 0 (False), 1 (True), 2 (Unknown).
constexpr Tri F = Tri::False, T = Tri::True, U = Tri::Unknown;
constexpr Tri kAndOf[8] = {T, F, T, F, U, F, U, F};  // a False decides; else an Unknown
constexpr Tri kOrOf[8] = {F, F, T, T, U, U, T, T};   // a True decides; else an Unknown

}  // namespace

void CriteriaProgram::pack(const std::uint8_t* known, const double* value, std::uint64_t* k,
                           std::uint64_t* t) const {
  size_t words = (atoms_ + 63) / 64;
  for (size_t w = 0; w < words; ++w) k[w] = t[w] = 0;
  size_t a = 0;
#ifdef __SSE2__
  // 16 atoms at a time; a block never straddles two words (64 = 4 * 16)
  auto block = [&](const std::uint8_t* kn, const double* val) {
    __m128i kb = _mm_loadu_si128(reinterpret_cast<const __m128i*>(kn));
    auto unknown = static_cast<unsigned>(_mm_movemask_epi8(_mm_cmpeq_epi8(kb, _mm_setzero_si128())));
    unsigned truth = 0;
    for (int j = 0; j < 16; j += 2)
      truth |= static_cast<unsigned>(_mm_movemask_pd(_mm_cmpneq_pd(_mm_loadu_pd(val + j), _mm_setzero_pd()))) << j;
    k[a >> 6] |= static_cast<std::uint64_t>(~unknown & 0xffffu) << (a & 63);
    t[a >> 6] |= static_cast<std::uint64_t>(truth) << (a & 63);
  };
  for (; a + 16 <= atoms_; a += 16) block(known + a, value + a);
  if (a < atoms_) {  // the last few atoms, from a copy padded with unknowns
    std::uint8_t kn[16] = {};
    double val[16] = {};
    std::memcpy(kn, known + a, atoms_ - a);
    std::memcpy(val, value + a, (atoms_ - a) * sizeof(double));
    block(kn, val);
    a = atoms_;
  }
#endif
  for (; a < atoms_; ++a) {
    k[a >> 6] |= static_cast<std::uint64_t>(known[a] != 0) << (a & 63);
    t[a >> 6] |= static_cast<std::uint64_t>(value[a] != 0) << (a & 63);
  }
}

void CriteriaProgram::run(const std::uint8_t* known, const double* value, Tri decision, Tri* crit) const {
  Tri small[512];
  std::vector<Tri> big;
  Tri* v = small;
  if (slots_ > sizeof small) { big.resize(slots_); v = big.data(); }
  std::uint64_t kw[kMaxWords], tw[kMaxWords];  // known and truth words
  if (bit_words_) {
    pack(known, value, kw, tw);
    for (const LitLeaf& l : lit_leaves_) {
      unsigned w = static_cast<unsigned>(l.atom) >> 6, b = static_cast<unsigned>(l.atom) & 63;
      v[l.dst] = leaf(kw[w] >> b & 1, (tw[w] >> b & 1) == static_cast<unsigned>(l.positive));
    }
  } else {
    for (const LitLeaf& l : lit_leaves_)
      v[l.dst] = leaf(known[l.atom] != 0, (value[l.atom] != 0) == l.positive);
  }
  for (const NumLeaf& l : num_leaves_)
    v[l.dst] = leaf(known[l.atom] != 0, compare(value[l.atom], l.cmp, l.number));
  for (const EnumLeaf& l : enum_leaves_) {
    bool k = known[l.atom] != 0;
    double x = k ? value[l.atom] : 0.0;  // a known enum atom holds a value index (< 64)
    v[l.dst] = leaf(k, (l.mask >> (static_cast<unsigned>(x) & 63)) & 1);
  }
  const std::int32_t* const operands = operands_.data();
  const std::pair<std::int32_t, bool>* const lits = lits_.data();
  for (const Instr& in : code_) {
    Tri r = Tri::Unknown;
    switch (in.kind) {
      case Kind::True: r = Tri::True; break;
      case Kind::False: r = Tri::False; break;
      case Kind::Decision: r = decision; break;
      case Kind::Copy: r = v[in.arg]; break;
      case Kind::Not: {
        Tri t = v[in.arg];
        r = t == Tri::Unknown ? t : t == Tri::True ? Tri::False : Tri::True;
        break;
      }
      case Kind::And:
      case Kind::Or: {
        unsigned seen = 0;
        const std::int32_t* o = operands + in.arg;
        for (std::uint32_t k = 0; k < in.n; ++k) seen |= 1u << static_cast<unsigned>(v[o[k]]);
        r = (in.kind == Kind::And ? kAndOf : kOrOf)[seen];
        break;
      }
      case Kind::Count: {
        int lo = 0, unk = 0;
        const std::int32_t* o = operands + in.arg;
        for (std::uint32_t k = 0; k < in.n; ++k) {
          lo += v[o[k]] == Tri::True;
          unk += v[o[k]] == Tri::Unknown;
        }
        r = count_value(lo, unk, in.cmp, in.number);
        break;
      }
      case Kind::AndLits:
      case Kind::OrLits: {
        // every literal is read (no early exit: it would branch on the data)
        unsigned seen = 0;
        const auto* l = lits + in.arg;
        for (std::uint32_t k = 0; k < in.n; ++k) {
          int a = l[k].first;
          seen |= 1u << static_cast<unsigned>(leaf(known[a] != 0, (value[a] != 0) == l[k].second));
        }
        r = (in.kind == Kind::AndLits ? kAndOf : kOrOf)[seen];
        break;
      }
      case Kind::AndMask:
      case Kind::OrMask:
      case Kind::CountMask: {
        const MaskLits& m = masks_[static_cast<size_t>(in.arg)];
        std::uint64_t k = kw[m.word], t = tw[m.word];
        std::uint64_t is_true = (m.pos & k & t) | (m.neg & k & ~t);     // literals known true
        std::uint64_t is_false = (m.pos & k & ~t) | (m.neg & k & t);    // literals known false
        std::uint64_t unknown = (m.pos | m.neg) & ~k;
        if (in.kind == Kind::CountMask) {
          r = count_value(std::popcount(is_true), std::popcount(unknown), in.cmp, in.number);
        } else {
          unsigned seen = (is_false != 0) | (is_true != 0) << 1 | (unknown != 0) << 2;
          r = (in.kind == Kind::AndMask ? kAndOf : kOrOf)[seen];
        }
        break;
      }
      case Kind::CountLits: {
        int lo = 0, unk = 0;
        const auto* l = lits + in.arg;
        for (std::uint32_t k = 0; k < in.n; ++k) {
          int a = l[k].first;
          bool kn = known[a] != 0;
          unk += !kn;
          lo += kn & ((value[a] != 0) == l[k].second);
        }
        r = count_value(lo, unk, in.cmp, in.number);
        break;
      }
    }
    v[in.dst] = r;
  }
  std::memcpy(crit, v, criteria_ * sizeof(Tri));
}

}  // namespace pp::model
