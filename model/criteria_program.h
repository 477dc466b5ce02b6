// The criteria of a policy compiled to one flat program (model layer): the
// hot path of the concrete evaluator. Leaves that read one atom (literals,
// number comparisons, enum tests) run first from dense arrays; the rest
// (and, or, count, not, references) follow as register instructions in
// topological order, each reading its operands from one array of values.
//
// Bit words: each run first packs the atoms' known flags and truth values
// (value != 0) into 64-bit words, a word per 64 atoms. A literal is then
// two bits, and an and, or or count over literals that lie in one word
// (such as the 26 levels of request.levels) is a few mask operations
// instead of a loop. Policies of more than kMaxWords * 64 atoms, and
// programs built with `bit_words` false, read the arrays one atom at a time.
#pragma once
#include <cstdint>
#include <vector>

#include "model/policy.h"
#include "model/tri.h"

namespace pp::model {

class CriteriaProgram {
 public:
  explicit CriteriaProgram(const Policy& policy, bool bit_words = true);

  // Writes the Kleene value of every criterion of the policy to crit[0..n)
  // for the atoms' `known` flags and `value`s. `decision` is what an
  // Op::Decision node reads (criteria never contain one; properties may).
  void run(const std::uint8_t* known, const double* value, Tri decision, Tri* crit) const;

 private:
  struct LitLeaf { std::int32_t dst, atom; bool positive; };
  struct NumLeaf { std::int32_t dst, atom; Cmp cmp; double number; };
  struct EnumLeaf { std::int32_t dst, atom; std::uint64_t mask; };
  // Literals within bit word `word`: `pos` the atoms read as is, `neg` negated.
  struct MaskLits { std::uint32_t word; std::uint64_t pos, neg; };
  static constexpr size_t kMaxWords = 32;
  enum class Kind : std::uint8_t {
    True, False, Decision,  // constants
    Copy, Not,              // one operand slot at `arg`
    And, Or, Count,         // `n` operand slots at operands_[arg]
    AndLits, OrLits, CountLits,  // fused: over `n` literals at lits_[arg]
    AndMask, OrMask, CountMask,  // the same over the bit word masks_[arg]
  };
  struct Instr {
    Kind kind;
    Cmp cmp;
    std::uint32_t n;  // operands (32 bits cost nothing: an Instr is 24 bytes either way)
    std::int32_t dst;
    std::int32_t arg;
    double number;
  };

  // Emits `e`; returns the slot that holds its value (`dst` when >= 0).
  std::int32_t compile(const Expr& e, std::int32_t dst);
  std::int32_t slot(std::int32_t dst) { return dst >= 0 ? dst : static_cast<std::int32_t>(slots_++); }
  // Packs known flags and truth values into words k[] and t[] (bit_words_).
  void pack(const std::uint8_t* known, const double* value, std::uint64_t* k, std::uint64_t* t) const;

  size_t atoms_ = 0;
  bool bit_words_ = false;
  size_t criteria_ = 0;
  size_t slots_ = 0;  // INVARIANT: slots [0, criteria_) are the criteria, the rest temporaries
  std::vector<LitLeaf> lit_leaves_;
  std::vector<NumLeaf> num_leaves_;
  std::vector<EnumLeaf> enum_leaves_;
  std::vector<Instr> code_;
  std::vector<std::int32_t> operands_;
  std::vector<std::pair<std::int32_t, bool>> lits_;  // (atom, positive)
  std::vector<MaskLits> masks_;
};

}  // namespace pp::model
