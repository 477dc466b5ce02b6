// Decode, replay, pin numbers, ask again (see witness.h).
#include "solver/witness.h"

#include "solver/session.h"

namespace pp::solver {

const model::Relation* broken_relation(const model::Policy& p, const model::Evaluator& ev, const model::Case& c,
                                       const model::Evaluation& e) {
  for (const auto& r : p.relations)
    if (ev.eval(r.expr, c, e) != model::Tri::True) return &r;
  return nullptr;
}

z3::expr_vector pinned_numbers(const Encoding& enc, const model::Case& c) {
  z3::expr_vector out(enc.ctx());
  const auto& atoms = enc.policy().vocab.atoms;
  for (size_t a = 0; a < atoms.size(); ++a)
    if (atoms[a].type == model::AtomType::Number) out.push_back(enc.atom_is(static_cast<int>(a), c.value[a]));
  return out;
}

namespace {
std::vector<model::Case> decode_all(const z3::model& m, const std::vector<const Encoding*>& encodings) {
  std::vector<model::Case> out;
  for (const Encoding* e : encodings) out.push_back(e->decode(m));
  return out;
}
}  // namespace

Witness decode_and_replay(z3::solver& s, const std::vector<const Encoding*>& encodings,
                          const std::function<bool(const z3::model&, const std::vector<model::Case>&)>& replays) {
  Witness w;
  z3::model m = s.get_model();
  w.model = m;
  w.cases = decode_all(m, encodings);
  w.replays = replays(m, w.cases);
  if (w.replays) return w;
  // A number given as a rational between two doubles: fix every number to
  // the double it was read as, and ask again.
  s.push();
  for (size_t k = 0; k < encodings.size(); ++k) s.add(pinned_numbers(*encodings[k], w.cases[k]));
  if (check(s).answer == Answer::Sat) {
    m = s.get_model();
    w.model = m;
    w.cases = decode_all(m, encodings);
    w.replays = replays(m, w.cases);
  }
  s.pop();
  return w;
}

}  // namespace pp::solver
