// Differential tests: the concrete (Kleene) evaluator and the Z3 encoding
// decide the same on every generated case (seeded), and on partial cases the
// exact decision and the decisive unknowns match a brute force over exact
// representative values (case_space.h).
#include <catch2/catch.hpp>

#include "model/case_reader.h"
#include "model/embedded_files.h"
#include "model/properties.h"
#include "solver/case_engine.h"
#include "solver/prover.h"
#include "case_space.h"
#include "support/scale.h"

using pp::model::Decision;

namespace {

// Deterministic limits: a resource limit, no wall clock (style guide 5).
pp::solver::Limits test_limits() {
  pp::solver::Limits l;
  l.timeout_ms = 0;
  l.rlimit = 50'000'000;
  return l;
}

// Approved cases to mutate: the bundled example and a witness of each pathway.
std::vector<pp::model::Case> approved_seeds(const std::shared_ptr<const pp::model::Policy>& policy) {
  std::vector<pp::model::Case> seeds;
  pp::model::CaseReader reader(*policy);
  pp::test::CaseSpace space(*policy);
  seeds.push_back(space.completed(reader.read(std::string(*pp::model::embedded_file("example-case.json")), "example-case.json")));
  pp::model::PropertySet set = pp::model::load_default_properties(*policy);
  pp::solver::Prover prover(policy, test_limits());
  for (const auto& p : set.properties)
    if (p.kind == pp::model::PropertyKind::Exists) {
      auto o = prover.prove(p);
      if (o.witness) seeds.push_back(*o.witness);
    }
  return seeds;
}

pp::model::Case random_mixed(const pp::test::CaseSpace& space, const std::vector<pp::model::Case>& seeds,
                             std::mt19937_64& rng) {
  // Half fully random, half a few changes away from an approved case, so both
  // decisions and the boundaries between them are well represented.
  if (rng() % 2) return space.random_case(rng, (rng() % 2) ? 0.5 : 0.1);
  const auto& seed = seeds[rng() % seeds.size()];
  return space.mutate(seed, static_cast<int>(rng() % 5), rng);
}

}  // namespace

TEST_CASE("fully specified cases: Z3 and the concrete evaluator decide alike", "[diff]") {
  auto policy = pp::model::load_bundled_policy();
  pp::test::CaseSpace space(*policy);
  auto seeds = approved_seeds(policy);
  REQUIRE(seeds.size() >= 5);
  pp::solver::CaseEngine engine(policy, test_limits());
  pp::model::Evaluator evaluator(*policy);
  std::mt19937_64 rng(607);
  int approved = 0, denied = 0;
  const int n = pp::test::scaled(3000);
  for (int i = 0; i < n; ++i) {
    pp::model::Case c = random_mixed(space, seeds, rng);
    Decision concrete = pp::model::decision_of(evaluator.evaluate(c).decision);
    REQUIRE(concrete != Decision::Undetermined);  // fully specified
    auto fast = engine.evaluate(c);
    CHECK_FALSE(fast.used_solver);  // the batch path never touches Z3 on full cases
    CHECK(fast.decision == concrete);
    auto exact = engine.evaluate_with_solver(c);
    INFO("case " << i << ": " << exact.reason);
    REQUIRE(exact.exact);
    CHECK(exact.decision == concrete);
    CHECK(exact.decisive_unknowns.empty());
    (concrete == Decision::MedicallyNecessary ? approved : denied)++;
  }
  // The sample must exercise both sides of the decision.
  CHECK(approved >= n / 10);
  CHECK(denied >= n / 10);
}

TEST_CASE("partial cases: where three-valued logic decides, Z3 agrees", "[diff]") {
  auto policy = pp::model::load_bundled_policy();
  pp::test::CaseSpace space(*policy);
  auto seeds = approved_seeds(policy);
  pp::solver::CaseEngine engine(policy, test_limits());
  pp::model::Evaluator evaluator(*policy);
  std::mt19937_64 rng(2026);
  const auto& slots = policy->vocab.slots;
  int kleene_decided = 0, z3_only = 0, undetermined = 0;
  const int n = pp::test::scaled(2000);
  for (int i = 0; i < n; ++i) {
    pp::model::Case c = random_mixed(space, seeds, rng);
    // A few unknowns half the time (where Kleene and Z3 part ways), many otherwise.
    size_t most = (rng() % 2) ? 4 : slots.size();
    int k = 1 + static_cast<int>(rng() % most);
    for (int j = 0; j < k; ++j) space.unset(c, static_cast<int>(rng() % slots.size()));
    Decision kleene = pp::model::decision_of(evaluator.evaluate(c).decision);
    auto exact = engine.evaluate_with_solver(c);
    INFO("case " << i);
    REQUIRE(exact.exact);
    if (kleene != Decision::Undetermined) {
      ++kleene_decided;
      CHECK(exact.decision == kleene);
      CHECK(exact.decisive_unknowns.empty());
    } else if (exact.decision != Decision::Undetermined) {
      ++z3_only;  // three-valued logic is incomplete; Z3 decides
      CHECK(exact.decisive_unknowns.empty());
    } else {
      ++undetermined;
    }
    // The engine's answer (Kleene first, then Z3) is the exact one.
    auto r = engine.evaluate(c);
    CHECK(r.decision == exact.decision);
    CHECK(r.decisive_unknowns == exact.decisive_unknowns);
  }
  CHECK(kleene_decided >= n / 10);
  CHECK(undetermined >= n / 10);
  // With whole facts unknown, Kleene logic happens to be complete on CMM-607
  // (z3_only stays 0); the next test shows a case where it is not.
  INFO("decided by Z3 alone: " << z3_only);
  CHECK(z3_only >= 0);
}

TEST_CASE("partial cases: decisions and decisive unknowns match a brute force", "[diff]") {
  auto policy = pp::model::load_bundled_policy();
  pp::test::CaseSpace space(*policy);
  auto seeds = approved_seeds(policy);
  pp::solver::CaseEngine engine(policy, test_limits());
  std::mt19937_64 rng(4);
  const auto& slots = policy->vocab.slots;
  int undetermined = 0, decided = 0, with_decisive = 0;
  for (int i = 0; i < 600; ++i) {
    pp::model::Case c = random_mixed(space, seeds, rng);
    int k = 2 + static_cast<int>(rng() % 3);  // 2-4 unknown slots
    std::set<int> gone;
    while (static_cast<int>(gone.size()) < k) gone.insert(static_cast<int>(rng() % slots.size()));
    for (int s : gone) space.unset(c, s);
    auto oracle = space.brute_force(c);
    REQUIRE((oracle.can_approve || oracle.can_deny));  // the original completion is consistent
    auto r = engine.evaluate(c);
    INFO("case " << i << ", unknown slots: " << [&] {
      std::string s;
      for (int g : gone) s += slots[static_cast<size_t>(g)].path + " ";
      return s;
    }());
    REQUIRE(r.exact);
    CHECK(r.decision == oracle.decision());
    CHECK(r.decisive_unknowns == oracle.decisive);
    for (int s : gone) {
      bool exact = true;
      CHECK(engine.is_decisive(c, s, &exact) ==
            std::binary_search(oracle.decisive.begin(), oracle.decisive.end(), s));
      CHECK(exact);
    }
    if (oracle.decision() == Decision::Undetermined) ++undetermined; else ++decided;
    if (!oracle.decisive.empty()) ++with_decisive;
  }
  CHECK(undetermined >= 60);
  CHECK(decided >= 60);
  CHECK(with_decisive >= 60);
}

TEST_CASE("Z3 decides what three-valued logic cannot", "[unit]") {
  // The example case (approved, acute, L1) with every level known absent but
  // T2, which is unknown: a request names at least one level, so it must be T2,
  // an excluded level. Kleene logic cannot see the axiom; Z3 can.
  auto policy = pp::model::load_bundled_policy();
  const auto& v = policy->vocab;
  pp::model::CaseReader reader(*policy);
  pp::model::Case c = reader.read(std::string(*pp::model::embedded_file("example-case.json")), "example-case.json");
  pp::model::Evaluator evaluator(*policy);
  REQUIRE(evaluator.evaluate(c).decision == pp::model::Tri::True);
  int levels = v.find_fact("request.levels");
  for (int a : v.facts[static_cast<size_t>(levels)].atoms) c.set(a, 0);
  c.unset(v.find_atom("request.levels.T2"));
  CHECK(evaluator.evaluate(c).decision == pp::model::Tri::Unknown);
  pp::solver::CaseEngine engine(policy, test_limits());
  auto r = engine.evaluate(c);
  CHECK(r.used_solver);
  CHECK(r.exact);
  CHECK(r.decision == Decision::NotMedicallyNecessary);
  CHECK(r.decisive_unknowns.empty());

  // With L1 unknown too, the request is L1, T2 or both: undetermined, and the
  // levels are the one decisive unknown.
  c.unset(v.find_atom("request.levels.L1"));
  r = engine.evaluate(c);
  CHECK(r.exact);
  CHECK(r.decision == Decision::Undetermined);
  CHECK(r.decisive_unknowns == std::vector<int>{v.find_slot("request.levels")});

  // Unknown pain duration: acute (<= 6 weeks) approves, chronic (> 26) denies.
  c = reader.read(std::string(*pp::model::embedded_file("example-case.json")), "example-case.json");
  c.unset(v.find_atom("pain.duration_weeks"));
  r = engine.evaluate(c);
  CHECK(r.decision == Decision::Undetermined);
  CHECK(r.decisive_unknowns == std::vector<int>{v.find_slot("pain.duration_weeks")});
}

TEST_CASE("representative values cover the policy's comparisons", "[unit]") {
  auto policy = pp::model::load_bundled_policy();
  pp::test::CaseSpace space(*policy);
  const auto& v = policy->vocab;
  int weeks = v.find_slot("pain.duration_weeks");
  REQUIRE(weeks >= 0);
  std::vector<double> reps;
  for (const auto& x : space.values(weeks)) reps.push_back(x[0]);
  // constants 6 and 6 calendar months (182.625 days in weeks), the regions
  // around them, the minimum and past the end
  const double six_months = 182.625 / 7;
  REQUIRE(reps.size() == 6);
  CHECK(reps[0] == 0);
  CHECK(reps[1] == 3);
  CHECK(reps[2] == 6);
  CHECK(reps[3] == Approx((6 + six_months) / 2));
  CHECK(reps[4] == Approx(six_months));
  CHECK(reps[5] == Approx(six_months + 1));
  int levels = v.find_slot("request.levels");
  // cervical, T1-T4, T5-L5, sacrum/coccyx: 0..3 members each (0..2 for the pair), not all empty
  CHECK(space.values(levels).size() == 4 * 4 * 4 * 3 - 1);
}
