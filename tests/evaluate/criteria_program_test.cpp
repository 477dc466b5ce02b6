// The compiled criteria program: with bit words (masks over packed known
// and truth bits) it gives every criterion the same Kleene value as read
// one atom at a time, on full and partial generated cases of the bundled
// and the demo policy.
#include <catch2/catch.hpp>

#include "model/case_generator.h"
#include "model/criteria_program.h"
#include "support/scale.h"

namespace {

void same_values(const pp::model::Policy& policy, double unknown_rate) {
  pp::model::CriteriaProgram words(policy), atoms(policy, false);
  pp::model::GeneratorOptions go;
  go.seed = 17;
  go.unknown_rate = unknown_rate;
  pp::model::CaseGenerator gen(policy, go);
  size_t n = policy.criteria.size();
  std::vector<pp::model::Tri> a(n), b(n);
  int differences = 0, unknown = 0;
  for (int i = 0; i < pp::test::scaled(3000); ++i) {
    pp::model::Case c = gen.next();
    words.run(c.known.data(), c.value.data(), pp::model::Tri::Unknown, a.data());
    atoms.run(c.known.data(), c.value.data(), pp::model::Tri::Unknown, b.data());
    differences += a != b;
    for (auto t : a) unknown += t == pp::model::Tri::Unknown;
  }
  CHECK(differences == 0);
  if (unknown_rate > 0) CHECK(unknown > pp::test::scaled(1000, 100));  // the partial cases do reach Unknown
}

}  // namespace

TEST_CASE("criteria program: bit words and atom-by-atom reading agree") {
  auto policy = pp::model::load_bundled_policy();
  same_values(*policy, 0.0);
  same_values(*policy, 0.3);
  auto demo = pp::model::load_policy_file(std::string(PP_SOURCE_DIR) + "/tests/policies/demo-bvn-ablation.yaml");
  same_values(*demo, 0.2);
}

TEST_CASE("criteria program: an and/or of more than 65,535 operands reads every one") {
  // Policies are data: nothing bounds how many operands an analyst writes.
  auto demo = pp::model::load_policy_file(std::string(PP_SOURCE_DIR) + "/tests/policies/demo-bvn-ablation.yaml");
  using pp::model::Expr;
  using pp::model::Op;
  for (Op op : {Op::And, Op::Or}) {
    pp::model::Policy p = *demo;
    bool unit = op == Op::And;  // the operand that leaves the value open
    std::vector<Expr> kids(70000, Expr::constant(unit));
    kids.push_back(Expr::constant(!unit));  // the last one decides
    p.criteria[0].expr = Expr::make(op, std::move(kids));
    pp::model::CriteriaProgram program(p);
    pp::model::Case c(p.vocab);
    std::vector<pp::model::Tri> crit(p.criteria.size());
    program.run(c.known.data(), c.value.data(), pp::model::Tri::Unknown, crit.data());
    CHECK(crit[0] == (unit ? pp::model::Tri::False : pp::model::Tri::True));
  }
}
