// `explain` on generated denied cases: the full enumeration of minimal
// correction sets, each checked, per case. The counters give the per-case
// distribution (min, median, 90th percentile, max, in ms) over a few hundred
// seeded denied cases (issue 5: median under 100 ms), and how many sets and
// solver queries a case takes.
//   build-explain/bench/bench_explain --benchmark_counters_tabular=true
#include <benchmark/benchmark.h>

#include <algorithm>
#include <chrono>

#include "explain/explainer.h"
#include "explain/explanation_writer.h"
#include "model/case_generator.h"
#include "model/evaluator.h"
#include "solver/mcs_enumerator.h"

namespace {

using namespace pp;

struct Corpus {
  std::shared_ptr<const model::Policy> policy = model::load_bundled_policy();
  std::vector<model::Case> denied;
  Corpus(double unknown_rate, size_t n) {
    model::GeneratorOptions o;
    o.seed = 5;
    o.unknown_rate = unknown_rate;
    model::CaseGenerator gen(*policy, o);
    solver::CaseEngine engine(policy);
    while (denied.size() < n) {
      model::Case c = gen.next();
      auto want = unknown_rate > 0 ? model::Decision::Undetermined : model::Decision::NotMedicallyNecessary;
      if (engine.evaluate(c).decision == want) denied.push_back(std::move(c));
    }
  }
};

const Corpus& full() { static Corpus c(0.0, 300); return c; }
const Corpus& partial() { static Corpus c(0.1, 100); return c; }

void report(benchmark::State& state, std::vector<double>& ms, double sets, double checks) {
  std::sort(ms.begin(), ms.end());
  auto at = [&](double q) { return ms[static_cast<size_t>(q * static_cast<double>(ms.size() - 1))]; };
  state.counters["cases"] = static_cast<double>(ms.size());
  state.counters["min_ms"] = ms.front();
  state.counters["median_ms"] = at(0.5);
  state.counters["p90_ms"] = at(0.9);
  state.counters["max_ms"] = ms.back();
  state.counters["sets/case"] = sets / static_cast<double>(ms.size());
  if (checks > 0) state.counters["queries/case"] = checks / static_cast<double>(ms.size());
}

// What `explain --format json` does per case, after reading it: decide,
// enumerate every minimal correction set, check each, write the JSON.
void run_explain(benchmark::State& state, const Corpus& corpus) {
  explain::Explainer explainer(corpus.policy);
  std::vector<double> ms;
  double sets = 0, checks = 0;
  for (auto _ : state) {
    ms.clear();
    sets = checks = 0;
    for (const auto& c : corpus.denied) {
      auto t0 = std::chrono::steady_clock::now();
      explain::Explanation e = explainer.explain(c);
      std::string out = explain::explanation_json(*corpus.policy, c, e);
      benchmark::DoNotOptimize(out.data());
      ms.push_back(std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count());
      sets += static_cast<double>(e.mcs.corrections.size());
      checks += e.mcs.solver_checks;
    }
  }
  report(state, ms, sets, checks);
}

void BM_explain_denied(benchmark::State& state) { run_explain(state, full()); }
BENCHMARK(BM_explain_denied)->Iterations(1)->Unit(benchmark::kMillisecond);

// Undetermined cases (10% of facts absent): corrections that approve whatever
// the unknowns are (exists-forall refinement), and the questions.
void BM_explain_undetermined(benchmark::State& state) { run_explain(state, partial()); }
BENCHMARK(BM_explain_undetermined)->Iterations(1)->Unit(benchmark::kMillisecond);

// The enumeration alone (no checks, no questions, no output).
void BM_mcs_enumerate(benchmark::State& state) {
  const auto& corpus = full();
  solver::McsEnumerator mcs(corpus.policy);
  std::vector<double> ms;
  double sets = 0, checks = 0;
  for (auto _ : state) {
    ms.clear();
    sets = checks = 0;
    for (const auto& c : corpus.denied) {
      auto t0 = std::chrono::steady_clock::now();
      solver::McsResult r = mcs.enumerate(c);
      ms.push_back(std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count());
      sets += static_cast<double>(r.corrections.size());
      checks += r.solver_checks;
    }
  }
  report(state, ms, sets, checks);
}
BENCHMARK(BM_mcs_enumerate)->Iterations(1)->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
