// explain: the named cases of issue 5, and on generated cases, every
// correction approves when applied and stops approving when any one of its
// changes is undone (checked here again, independently of the explainer's own
// check), and follows its fact's change rule.
#include <catch2/catch.hpp>

#include <cmath>
#include <random>

#include "explain/explanation_writer.h"
#include "model/case_generator.h"
#include "model/case_writer.h"
#include "solver/prewarm.h"
#include "support.h"

using pp::model::Decision;

namespace {

struct Fixture {
  std::shared_ptr<const pp::model::Policy> policy = pp::model::load_bundled_policy();
  pp::explain::Explainer explainer{policy, pp::test::explain_limits()};
  pp::solver::CaseEngine engine{policy, pp::test::explain_limits()};

  int slot(const std::string& path) const {
    int s = policy->vocab.find_slot(path);
    REQUIRE(s >= 0);
    return s;
  }

  // The correction whose own changes (not what follows) are exactly these paths, or nullptr.
  const pp::solver::Correction* find(const pp::explain::Explanation& e, std::vector<std::string> want) const {
    std::sort(want.begin(), want.end());
    for (const auto& k : e.mcs.corrections) {
      auto got = pp::test::own_paths(*policy, k);
      std::sort(got.begin(), got.end());
      if (got == want) return &k;
    }
    return nullptr;
  }

  // Independent check: applied, approved; any one change undone, not.
  void check_correction(const pp::model::Case& closed, const pp::solver::Correction& k) {
    INFO(pp::model::write_case_json(policy->vocab, closed));
    auto fixed = pp::explain::apply_correction(*policy, closed, k);
    auto all = engine.evaluate(fixed);
    REQUIRE(all.exact);
    CHECK(all.decision == Decision::MedicallyNecessary);
    for (size_t i = 0; i < k.changes.size(); ++i) {
      if (k.changes[i].follows) continue;  // settled by the others
      auto part = engine.evaluate(pp::explain::apply_correction(*policy, closed, k, static_cast<int>(i)));
      REQUIRE(part.exact);
      CHECK(part.decision != Decision::MedicallyNecessary);
    }
    bool actionable = true;
    for (const auto& ch : k.changes) {
      const auto& sl = policy->vocab.slots[static_cast<size_t>(ch.slot)];
      const auto& f = policy->vocab.facts[static_cast<size_t>(sl.fact)];
      CHECK(ch.from != ch.to);
      if (f.type == pp::model::FactType::Number && (f.grows_only || f.elapsed)) CHECK(ch.to[0] > ch.from[0]);
      if (f.type == pp::model::FactType::EnumSet)
        for (size_t j = 0; j < ch.to.size(); ++j) CHECK((ch.to[j] == 0 || ch.from[j] != 0));  // levels only dropped
      if (f.type == pp::model::FactType::CodeList) CHECK(ch.follows);
      if (sl.kind == pp::model::FactKind::Correctable) CHECK((ch.from[0] == 1 && ch.to[0] == 0));
      if (sl.kind == pp::model::FactKind::Care && f.type != pp::model::FactType::Number)
        CHECK((ch.from[0] == 0 && ch.to[0] == 1));
      if (sl.kind == pp::model::FactKind::Documentation) CHECK((ch.from[0] == 0 && ch.to[0] == 1));
      bool hypothetical = sl.kind == pp::model::FactKind::Clinical || sl.kind == pp::model::FactKind::Plan;
      CHECK(ch.actionable == !hypothetical);
      actionable = actionable && !hypothetical;
    }
    CHECK(k.actionable == actionable);
  }

  void check_order(const pp::explain::Explanation& e) const {
    const auto& ks = e.mcs.corrections;
    for (size_t i = 1; i < ks.size(); ++i) {
      const auto& a = ks[i - 1];
      const auto& b = ks[i];
      auto pa = pp::test::own_paths(*policy, a), pb = pp::test::own_paths(*policy, b);
      bool ok = a.actionable != b.actionable ? a.actionable : pa.size() != pb.size() ? pa.size() < pb.size() : pa <= pb;
      CHECK(ok);
    }
  }
};

}  // namespace

TEST_CASE("osteoporotic VCF without the osteoporosis program: enrol", "[explain]") {
  Fixture f;
  auto c = pp::test::read_golden_case(*f.policy, "osteoporotic-no-program");
  auto e = f.explainer.explain(c);
  REQUIRE(e.result.decision == Decision::NotMedicallyNecessary);
  REQUIRE(!e.mcs.corrections.empty());
  const auto& first = e.mcs.corrections.front();
  CHECK(pp::test::paths(*f.policy, first) == std::vector<std::string>{"osteoporosis_program_enrolled"});
  CHECK(first.actionable);
  CHECK(first.changes[0].to == std::vector<double>{1.0});
  CHECK(std::find(e.reasons.begin(), e.reasons.end(), f.policy->find_criterion("IN.NM.osteoporosis_program")) !=
        e.reasons.end());
  // A fusion is the treating team's plan, not a wording of the request: the
  // sets through the associated surgical procedure are hypothetical.
  for (const auto& k : e.mcs.corrections) {
    auto p = pp::test::paths(*f.policy, k);
    if (std::find(p.begin(), p.end(), "purpose.facilitate_fusion") != p.end()) CHECK(!k.actionable);
    if (&k != &first) CHECK(!k.actionable);
  }
  for (const auto& k : e.mcs.corrections) f.check_correction(e.closed, k);
  f.check_order(e);
  CHECK(e.mcs.complete);
}

TEST_CASE("T4 and T5 requested: drop T4", "[explain]") {
  Fixture f;
  auto c = pp::test::read_golden_case(*f.policy, "levels-t4-t5");
  auto e = f.explainer.explain(c);
  REQUIRE(e.result.decision == Decision::NotMedicallyNecessary);
  const auto* k = f.find(e, {"request.levels"});
  REQUIRE(k);
  CHECK(k->actionable);
  const auto& levels = f.policy->vocab.facts[static_cast<size_t>(f.policy->vocab.find_fact("request.levels"))];
  std::vector<std::string> to;
  for (size_t i = 0; i < levels.values.size(); ++i)
    if (k->changes[0].to[i] != 0) to.push_back(levels.values[i]);
  CHECK(to == std::vector<std::string>{"T5"});
  CHECK(pp::explain::slot_value_json(*f.policy, k->changes[0].slot, k->changes[0].to) == "[\"T5\"]");
  for (const auto& kk : e.mcs.corrections) f.check_correction(e.closed, kk);
}

TEST_CASE("subacute pain after two weeks of care: four weeks of each", "[explain]") {
  Fixture f;
  auto c = pp::test::read_golden_case(*f.policy, "subacute-two-weeks-care");
  auto e = f.explainer.explain(c);
  REQUIRE(e.result.decision == Decision::NotMedicallyNecessary);
  const auto* k = f.find(e, {"conservative_care.analgesic_weeks", "conservative_care.exercise_weeks"});
  REQUIRE(k);
  CHECK(k->actionable);
  for (const auto& ch : k->changes)  // the least that works, and the 2 weeks it takes
    CHECK(ch.to == std::vector<double>{ch.follows ? 10.0 : 4.0});
  for (const auto& kk : e.mcs.corrections) f.check_correction(e.closed, kk);
}

TEST_CASE("acute-range pain of 5 weeks that does not prevent transfers: wait until week 7 and complete the care",
          "[explain]") {
  Fixture f;
  auto c = pp::test::read_golden_case(*f.policy, "subacute-two-weeks-care");
  c.set(f.policy->vocab.slots[static_cast<size_t>(f.slot("pain.duration_weeks"))].atoms[0], 5);
  c.set(f.policy->vocab.slots[static_cast<size_t>(f.slot("pain.prevents_transfers_or_ambulation"))].atoms[0], 0);
  auto e = f.explainer.explain(c);
  const auto* k = f.find(e, {"conservative_care.analgesic_weeks", "conservative_care.exercise_weeks"});
  REQUIRE(k);
  CHECK(k->actionable);
  REQUIRE(pp::test::paths(*f.policy, *k).size() == 3);  // and the time it takes
  for (const auto& ch : k->changes) {
    const auto& path = f.policy->vocab.slots[static_cast<size_t>(ch.slot)].path;
    // 2 more weeks of care take 2 weeks: the pain is then 7 weeks old, subacute.
    CHECK(ch.to[0] == (path == "pain.duration_weeks" ? 7.0 : 4.0));
    CHECK(ch.follows == (path == "pain.duration_weeks"));
  }
  for (const auto& kk : e.mcs.corrections) f.check_correction(e.closed, kk);
}

TEST_CASE("40 weeks of pain: no change can approve it, and the chronic-pain non-indication is named", "[explain]") {
  Fixture f;
  auto c = pp::test::read_golden_case(*f.policy, "chronic-40-weeks");
  auto e = f.explainer.explain(c);
  REQUIRE(e.result.decision == Decision::NotMedicallyNecessary);
  CHECK(e.mcs.corrections.empty());
  CHECK(e.mcs.complete);
  CHECK(e.mcs.barring_slots == std::vector<int>{f.slot("pain.duration_weeks")});
  CHECK(!e.mcs.barred_by_unknowns);
  CHECK(e.mcs.barring_criteria == std::vector<int>{f.policy->find_criterion("NI.chronic_pain")});
  auto text = pp::explain::explanation_text(*f.policy, c, e);
  CHECK(text.find("No change of the case's facts can make it medically necessary") != std::string::npos);
  CHECK(text.find("pain.duration_weeks is 40 and can only grow") != std::string::npos);
}

TEST_CASE("an active infection: treat it (a correctable contraindication)", "[explain]") {
  Fixture f;
  auto c = pp::test::read_golden_case(*f.policy, "active-infection");
  auto e = f.explainer.explain(c);
  REQUIRE(e.mcs.corrections.size() == 1);
  const auto& k = e.mcs.corrections[0];
  CHECK(pp::test::paths(*f.policy, k) == std::vector<std::string>{"contraindications.active_infection"});
  CHECK(k.actionable);
  CHECK(k.changes[0].to == std::vector<double>{0.0});
  f.check_correction(e.closed, k);
}

TEST_CASE("osteomyelitis of the target vertebra: the infection cannot be treated away alone", "[explain]") {
  Fixture f;
  auto c = pp::test::read_golden_case(*f.policy, "active-infection");
  c.set(f.policy->vocab.slots[static_cast<size_t>(f.slot("contraindications.osteomyelitis_target_vertebra"))].atoms[0], 1);
  auto e = f.explainer.explain(c);
  // Osteomyelitis implies an active infection (a domain relation), and it is
  // clinical: every set must change it, hypothetically.
  REQUIRE(!e.mcs.corrections.empty());
  for (const auto& k : e.mcs.corrections) {
    CHECK(!k.actionable);
    auto p = pp::test::paths(*f.policy, k);
    CHECK(std::find(p.begin(), p.end(), "contraindications.osteomyelitis_target_vertebra") != p.end());
    f.check_correction(e.closed, k);
  }
}

TEST_CASE("a material allergy: only a hypothetical change approves", "[explain]") {
  Fixture f;
  auto c = pp::test::read_golden_case(*f.policy, "material-allergy");
  auto e = f.explainer.explain(c);
  REQUIRE(e.mcs.corrections.size() == 1);
  const auto& k = e.mcs.corrections[0];
  CHECK(pp::test::paths(*f.policy, k) == std::vector<std::string>{"contraindications.material_allergy"});
  CHECK(!k.actionable);
  CHECK(!k.changes[0].actionable);
  auto js = pp::explain::explanation_json(*f.policy, c, e);
  CHECK(js.find("\"actionable\":false") != std::string::npos);
}

TEST_CASE("an undetermined case: the questions, and corrections that hold whatever the unknowns are", "[explain]") {
  Fixture f;
  auto c = pp::test::read_golden_case(*f.policy, "undetermined-program-unknown");
  auto e = f.explainer.explain(c);
  REQUIRE(e.result.decision == Decision::Undetermined);
  REQUIRE(e.questions.size() == 1);
  const auto& q = e.questions[0];
  CHECK(q.slot == f.slot("osteoporosis_program_enrolled"));
  REQUIRE(q.approve >= 0);
  REQUIRE(q.deny >= 0);
  CHECK(q.outcomes[static_cast<size_t>(q.approve)].value == std::vector<double>{1.0});
  CHECK(q.outcomes[static_cast<size_t>(q.deny)].value == std::vector<double>{0.0});
  // Corrections never touch the unknown fact, and approve for both of its values.
  REQUIRE(!e.mcs.corrections.empty());
  for (const auto& k : e.mcs.corrections) {
    for (const auto& ch : k.changes) CHECK(ch.slot != f.slot("osteoporosis_program_enrolled"));
    f.check_correction(e.closed, k);
    for (double v : {0.0, 1.0}) {
      auto full = pp::explain::apply_correction(*f.policy, e.closed, k);
      full.set(f.policy->vocab.slots[static_cast<size_t>(f.slot("osteoporosis_program_enrolled"))].atoms[0], v);
      CHECK(f.engine.evaluate(full).decision == Decision::MedicallyNecessary);
    }
  }
  CHECK(e.unknown_slots == 1);
}

TEST_CASE("two unknowns, one an exclusion: no known change suffices, and both are asked", "[explain]") {
  Fixture f;
  auto c = pp::test::read_golden_case(*f.policy, "undetermined-program-unknown");
  c.unset(f.policy->vocab.slots[static_cast<size_t>(f.slot("contraindications.active_infection"))].atoms[0]);
  auto e = f.explainer.explain(c);
  REQUIRE(e.result.decision == Decision::Undetermined);
  CHECK(e.mcs.corrections.empty());
  CHECK(e.mcs.complete);
  CHECK(e.mcs.barred_by_unknowns);
  REQUIRE(e.questions.size() == 2);
  for (const auto& q : e.questions) {
    CHECK(q.deny >= 0);
    CHECK(q.approve < 0);  // learning one of them alone never approves: the other is still unknown
  }
}

TEST_CASE("a number asked about: its outcomes by region", "[explain]") {
  Fixture f;
  auto c = pp::test::read_golden_case(*f.policy, "osteoporotic-no-program");
  c.set(f.policy->vocab.slots[static_cast<size_t>(f.slot("osteoporosis_program_enrolled"))].atoms[0], 1);
  c.unset(f.policy->vocab.slots[static_cast<size_t>(f.slot("pain.duration_weeks"))].atoms[0]);
  auto e = f.explainer.explain(c);
  REQUIRE(e.result.decision == Decision::Undetermined);
  REQUIRE(e.questions.size() == 1);
  const auto& q = e.questions[0];
  REQUIRE(q.approve >= 0);
  REQUIRE(q.deny >= 0);
  CHECK(q.outcomes[static_cast<size_t>(q.approve)].value[0] <= 6);
  CHECK(q.outcomes[static_cast<size_t>(q.deny)].value[0] > 6);
  auto text = pp::explain::explanation_text(*f.policy, c, e);
  CHECK(text.find("<= 6: medically necessary") != std::string::npos);
  CHECK(text.find("> 6: not medically necessary") != std::string::npos);
}

TEST_CASE("option max: caps the count, actionable sets first, and says more exist", "[explain]") {
  Fixture f;
  auto c = pp::test::read_golden_case(*f.policy, "osteoporotic-no-program");
  pp::explain::ExplainOptions o;
  o.max = 2;
  auto e = f.explainer.explain(c, o);
  REQUIRE(e.mcs.corrections.size() == 2);
  CHECK(e.mcs.corrections[0].actionable);
  CHECK(!e.mcs.corrections[1].actionable);  // the only actionable set comes first
  CHECK(!e.mcs.complete);
  o.max = 1000;
  CHECK(f.explainer.explain(c, o).mcs.complete);
}

TEST_CASE("approved cases need no correction", "[explain]") {
  Fixture f;
  auto c = pp::test::read_golden_case(*f.policy, "osteoporotic-no-program");
  c.set(f.policy->vocab.slots[static_cast<size_t>(f.slot("osteoporosis_program_enrolled"))].atoms[0], 1);
  auto e = f.explainer.explain(c);
  CHECK(e.result.decision == Decision::MedicallyNecessary);
  CHECK(e.mcs.corrections.empty());
  CHECK(e.reasons.empty());
  CHECK(e.questions.empty());
  pp::solver::McsEnumerator mcs(f.policy, pp::test::explain_limits());
  CHECK(mcs.enumerate(c).corrections.empty());
}

TEST_CASE("number regions: a representative per region, the next whole week above a strict bound", "[explain]") {
  Fixture f;
  int atom = f.policy->vocab.slots[static_cast<size_t>(f.slot("pain.duration_weeks"))].atoms[0];
  // pain.duration_weeks meets 6 (<= 6, > 6) and 6 calendar months (> 182.625 / 7 weeks).
  const double six_months = 182.625 / 7;
  auto reps = pp::model::number_representatives(*f.policy, atom);
  REQUIRE(reps.size() == 5);
  CHECK((reps[0] == 0 && reps[1] == 6 && reps[2] == 7 && reps[4] == 27));
  CHECK(reps[3] == Approx(six_months));
  auto regions = pp::model::number_regions(*f.policy, atom);
  REQUIRE(regions.size() == 5);
  CHECK((regions[2].low == 6 && !regions[2].low_closed && !regions[2].high_closed));
  CHECK(regions[2].high == Approx(six_months));
  CHECK(std::isinf(regions[4].high));
}

TEST_CASE("generated denied cases: every correction approves, is minimal and follows its rule", "[explain]") {
  Fixture f;
  pp::model::GeneratorOptions o;
  o.seed = 11;
  pp::model::CaseGenerator gen(*f.policy, o);
  int denied = 0, with_corrections = 0, corrections = 0;
  for (int i = 0; i < 400 && denied < 120; ++i) {
    auto c = gen.next();
    if (f.engine.evaluate(c).decision != Decision::NotMedicallyNecessary) continue;
    ++denied;
    auto e = f.explainer.explain(c);
    CHECK(e.mcs.complete);
    if (!e.mcs.corrections.empty()) ++with_corrections;
    else CHECK((!e.mcs.barring_slots.empty() || !e.mcs.barring_criteria.empty()));
    corrections += static_cast<int>(e.mcs.corrections.size());
    f.check_order(e);
    // No set inside another (minimal by inclusion, per slot).
    std::vector<std::vector<int>> sets;
    for (const auto& k : e.mcs.corrections) sets.push_back(pp::test::slot_set(k));
    for (size_t a = 0; a < sets.size(); ++a)
      for (size_t b = 0; b < sets.size(); ++b)
        if (a != b) CHECK(!std::includes(sets[a].begin(), sets[a].end(), sets[b].begin(), sets[b].end()));
    for (const auto& k : e.mcs.corrections) f.check_correction(e.closed, k);
  }
  CHECK(denied >= 100);
  CHECK(with_corrections >= denied / 4);
  CHECK(corrections >= denied);
}

TEST_CASE("generated undetermined cases: every correction approves whatever the unknowns are", "[explain]") {
  Fixture f;
  // An approved case with a few facts changed and a few left unknown.
  auto base = pp::test::read_golden_case(*f.policy, "osteoporotic-no-program");
  base.set(f.policy->vocab.slots[static_cast<size_t>(f.slot("osteoporosis_program_enrolled"))].atoms[0], 1);
  std::vector<char> relevant = pp::test::relevant_slots(*f.policy);
  std::vector<int> slots;
  for (size_t s = 0; s < relevant.size(); ++s)
    if (relevant[s]) slots.push_back(static_cast<int>(s));
  pp::test::Oracle values(*f.policy);
  std::mt19937_64 rng(12);
  int undetermined = 0, corrections = 0, questions = 0;
  for (int i = 0; i < 2000 && undetermined < 60; ++i) {
    auto c = base;
    for (int k = 0; k < static_cast<int>(rng() % 3); ++k) {
      int slot = slots[rng() % slots.size()];
      auto vals = values.all_values_vec(slot);
      values.assign(c, slot, vals[rng() % vals.size()]);
    }
    if (!values.consistent(c)) continue;
    for (int k = 0; k < 1 + static_cast<int>(rng() % 3); ++k)
      for (int a : f.policy->vocab.slots[static_cast<size_t>(slots[rng() % slots.size()])].atoms) c.unset(a);
    auto r = f.engine.evaluate(c);
    if (r.decision != Decision::Undetermined) continue;
    ++undetermined;
    auto e = f.explainer.explain(c);
    CHECK(e.mcs.complete);
    CHECK(e.questions.size() == r.decisive_unknowns.size());
    for (const auto& q : e.questions) {
      CHECK(!q.outcomes.empty());
      if (q.approve >= 0) CHECK(q.outcomes[static_cast<size_t>(q.approve)].decision == Decision::MedicallyNecessary);
      if (q.deny >= 0) CHECK(q.outcomes[static_cast<size_t>(q.deny)].decision == Decision::NotMedicallyNecessary);
      // Decisive: some value leads somewhere else than another value does.
      bool differ = false;
      for (const auto& o : q.outcomes) differ = differ || o.decision != q.outcomes[0].decision;
      CHECK(differ);
    }
    questions += static_cast<int>(e.questions.size());
    corrections += static_cast<int>(e.mcs.corrections.size());
    for (const auto& k : e.mcs.corrections) {
      for (const auto& ch : k.changes) CHECK(e.closed.slot_known(f.policy->vocab.slots[static_cast<size_t>(ch.slot)]));
      f.check_correction(e.closed, k);
    }
  }
  CHECK(undetermined == 60);
  CHECK(questions >= 60);
  CHECK(corrections > 0);
}

TEST_CASE("a context made ahead on another thread explains as a fresh one does", "[explain]") {
  // `explain` makes its Z3 context on a second core while the policy loads
  // (solver::prewarm_context); the Explainer made next takes that context.
  pp::solver::prewarm_context();
  Fixture warm;  // takes the prewarmed context
  Fixture fresh;
  auto c = pp::test::read_golden_case(*warm.policy, "levels-t4-t5");
  auto a = pp::explain::explanation_json(*warm.policy, c, warm.explainer.explain(c));
  auto b = pp::explain::explanation_json(*fresh.policy, c, fresh.explainer.explain(c));
  CHECK(a.find("\"T5\"") != std::string::npos);
  CHECK(a == b);
}

TEST_CASE("the evaluator's shortcuts in the enumeration change no answer", "[explain]") {
  // Fully stated cases, denied ones and approved ones, with and without the
  // queries answered by the concrete evaluator: the same sets, the same
  // barring slots and criteria, the same time bar; fewer solver checks.
  auto policy = pp::model::load_bundled_policy();
  pp::solver::McsEnumerator with(policy, pp::test::explain_limits()), without(policy, pp::test::explain_limits());
  pp::model::GeneratorOptions o;
  o.seed = 23;
  pp::model::CaseGenerator gen(*policy, o);
  pp::solver::McsOptions fast, slow;
  slow.evaluator_shortcuts = false;
  int barred = 0, checks_with = 0, checks_without = 0;
  for (int i = 0; i < pp::test::scaled(160); ++i) {
    pp::model::Case c = gen.next();
    auto a = with.enumerate(c, fast);
    auto b = without.enumerate(c, slow);
    // The sets of one size come in the order the solver's models give them
    // (the explainer sorts them): compare them sorted.
    auto by_changes = [](const pp::solver::Correction& l, const pp::solver::Correction& r) {
      auto key = [](const pp::solver::Correction& k) {
        std::vector<std::pair<int, std::vector<double>>> out;
        for (const auto& ch : k.changes) out.emplace_back(ch.slot, ch.to);
        return out;
      };
      return key(l) < key(r);
    };
    std::sort(a.corrections.begin(), a.corrections.end(), by_changes);
    std::sort(b.corrections.begin(), b.corrections.end(), by_changes);
    INFO(pp::model::write_case_json(policy->vocab, c));
    REQUIRE(a.corrections.size() == b.corrections.size());
    for (size_t k = 0; k < a.corrections.size(); ++k) {
      const auto& x = a.corrections[k].changes;
      const auto& y = b.corrections[k].changes;
      REQUIRE(x.size() == y.size());
      for (size_t j = 0; j < x.size(); ++j) {
        CHECK(x[j].slot == y[j].slot);
        CHECK(x[j].to == y[j].to);
        CHECK(x[j].follows == y[j].follows);
      }
    }
    CHECK(a.complete == b.complete);
    CHECK(a.exact == b.exact);
    CHECK(a.barring_slots == b.barring_slots);
    CHECK(a.barring_criteria == b.barring_criteria);
    CHECK(a.barred_by_time == b.barred_by_time);
    CHECK(a.time_bar.applies == b.time_bar.applies);
    CHECK(a.time_bar.exclusions == b.time_bar.exclusions);
    // (One case may take a check or two more: its models come in another
    // order, and the choice of values asks again where a model did not keep
    // a level already.)
    checks_with += a.solver_checks;
    checks_without += b.solver_checks;
    barred += a.corrections.empty() && !a.barring_criteria.empty();
  }
  CHECK(barred > 10);
  CHECK(checks_with * 4 < checks_without * 3);  // at least a quarter fewer
}
