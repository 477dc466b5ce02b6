// `prove` and the Z3 path of evaluation: compiling the policy, checking the
// bundled properties (the whole `prove` run minus process start; target: under
// 1 s), each property alone, and exact evaluation of undetermined cases.
#include <benchmark/benchmark.h>

#include <random>

#include "model/properties.h"
#include "solver/case_engine.h"
#include "solver/prover.h"

namespace {

using namespace pp;

// What `policyproof prove` does after loading the policy: read the bundled
// properties, compile, check every one.
void BM_prove_bundled(benchmark::State& state) {
  auto policy = model::load_bundled_policy();
  for (auto _ : state) {
    model::PropertySet set = model::load_default_properties(*policy);
    solver::Prover prover(policy);
    int proved = 0;
    for (const auto& p : set.properties) proved += prover.prove(p).status == solver::Status::Proved;
    if (proved != static_cast<int>(set.properties.size())) state.SkipWithError("a bundled property is not proved");
    benchmark::DoNotOptimize(proved);
  }
}
BENCHMARK(BM_prove_bundled)->Unit(benchmark::kMillisecond);

// Including the policy load (the bundled policy is cached, so load it afresh).
void BM_prove_bundled_with_load(benchmark::State& state) {
  auto bundled = model::load_bundled_policy();
  for (auto _ : state) {
    auto policy = model::load_policy_file(PP_SOURCE_DIR "/model/policies/cmm-607.yaml");
    model::PropertySet set = model::load_default_properties(*policy);
    solver::Prover prover(policy);
    for (const auto& p : set.properties) benchmark::DoNotOptimize(prover.prove(p).status);
  }
}
BENCHMARK(BM_prove_bundled_with_load)->Unit(benchmark::kMillisecond);

// Each bundled property on a warm prover (compile cost excluded).
void BM_prove_property(benchmark::State& state) {
  auto policy = model::load_bundled_policy();
  model::PropertySet set = model::load_default_properties(*policy);
  const auto& p = set.properties[static_cast<size_t>(state.range(0))];
  solver::Prover prover(policy);
  prover.prove(p);
  for (auto _ : state) benchmark::DoNotOptimize(prover.prove(p).status);
  state.SetLabel(p.id);
}
BENCHMARK(BM_prove_property)->DenseRange(0, 25)->Unit(benchmark::kMillisecond);

// Undetermined cases: Z3 decides them and names the decisive unknowns.
void BM_evaluate_undetermined(benchmark::State& state) {
  auto policy = model::load_bundled_policy();
  solver::CaseEngine engine(policy);
  std::mt19937_64 rng(7);
  std::vector<model::Case> cases;
  const auto& v = policy->vocab;
  // A documented acute osteoporotic case with `range(0)` random slots unknown.
  model::Evaluator ev(*policy);
  while (cases.size() < 256) {
    model::Case c(v);
    for (size_t a = 0; a < v.atoms.size(); ++a) c.set(static_cast<int>(a), 0);
    auto set = [&](const char* name, double x) { c.set(v.find_atom(name), x); };
    set("request.technique", 1);
    set("request.levels.L1", 1);
    set("request.fda_approved_materials", 1);
    set("imaging.concordant", 1);
    set("imaging.findings.osteoporotic_vcf", 1);
    set("pain.daily_functional_impairment", 1);
    set("pain.duration_weeks", 3);
    set("pain.prevents_transfers_or_ambulation", 1);
    set("pain.correlates_with_fracture_level", 1);
    set("osteoporosis_program_enrolled", 1);
    for (int k = 0; k < state.range(0); ++k)
      for (int a : v.slots[rng() % v.slots.size()].atoms) c.unset(a);
    if (ev.evaluate(c).decision == model::Tri::Unknown) cases.push_back(c);
  }
  size_t i = 0;
  solver::CaseResult r;
  for (auto _ : state) {
    engine.evaluate_into(cases[i++ % cases.size()], r);
    benchmark::DoNotOptimize(r.decisive_unknowns.data());
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations()));
}
BENCHMARK(BM_evaluate_undetermined)->Arg(2)->Arg(8)->Arg(32);

}  // namespace

BENCHMARK_MAIN();
