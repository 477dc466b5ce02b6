// A case: one prior-authorization request, as values of the vocabulary's
// atoms, each known or unknown (model layer).
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "model/vocabulary.h"

namespace pp::model {

struct CptLine {
  std::string code;
  std::uint64_t units = 1;
};

struct Case {
  std::string case_id;
  bool has_case_id = false;
  // Per atom: known flag and value (bool 0/1, number, or enum value index).
  std::vector<std::uint8_t> known;
  std::vector<double> value;
  std::vector<CptLine> cpt;  // request.cpt as stated (for display); atoms hold the codes

  explicit Case(const Vocabulary& v) : known(v.atoms.size(), 0), value(v.atoms.size(), 0.0) {}
  Case() = default;

  bool is_known(int atom) const { return known[atom] != 0; }
  void set(int atom, double v) { known[atom] = 1; value[atom] = v; }
  void unset(int atom) { known[atom] = 0; value[atom] = 0; }
  bool slot_known(const Slot& s) const;  // every atom of the slot known
};

// Every absent bool false and every absent number 0 (--assume-absent).
// Absent enums stay unknown (there is no "absent" value for them).
void assume_absent(const Vocabulary& v, Case& c);

struct Policy;
// The same completion, respecting the policy's domain relations: an absent
// bool that a relation forces (`modic -> endplate_degeneration` with modic
// given) is completed true, not false, so the completed case is one the
// reader would accept written out.
void assume_absent(const Policy& p, Case& c);

}  // namespace pp::model
