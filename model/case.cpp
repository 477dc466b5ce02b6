#include "model/case.h"

namespace pp::model {

bool Case::slot_known(const Slot& s) const {
  for (int a : s.atoms)
    if (!known[a]) return false;
  return true;
}

void assume_absent(const Vocabulary& v, Case& c) {
  for (const auto& f : v.facts) {
    if (f.type == FactType::Enum || f.type == FactType::EnumSet) continue;  // no "absent" value
    for (int a : f.atoms)
      if (!c.known[a]) c.set(a, f.type == FactType::Number ? (f.min > 0 ? f.min : 0.0) : 0.0);
  }
}

}  // namespace pp::model
