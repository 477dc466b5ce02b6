// `analyze` and `diff` (targets: each under 5 s on CMM-607): the whole
// analysis of the bundled policy, and the diff of CMM-607 with each hand-made
// variant in tests/policies (load, textual diff, region enumeration); and
// `analyze` of generated wide and deep policies (near-linear in their size).
#include <benchmark/benchmark.h>

#include "solver/policy_analyzer.h"
#include "solver/policy_differ.h"
#include "tests/support/generated_policies.h"

namespace {

using namespace pp;

// What `policyproof analyze` does after parsing its flags.
void BM_analyze_cmm607(benchmark::State& state) {
  for (auto _ : state) {
    model::PolicySource source = solver::policy_source("");
    auto policy = model::load_policy(source);
    solver::Analysis a = solver::analyze_policy(policy, source);
    if (a.count(solver::Severity::Error) != 0) state.SkipWithError("the bundled policy has error findings");
    benchmark::DoNotOptimize(a.findings.data());
    state.counters["findings"] = static_cast<double>(a.findings.size());
  }
}
BENCHMARK(BM_analyze_cmm607)->Unit(benchmark::kMillisecond);

// The second, made-up policy.
void BM_analyze_demo(benchmark::State& state) {
  const std::string path = PP_SOURCE_DIR "/tests/policies/demo-bvn-ablation.yaml";
  for (auto _ : state) {
    model::PolicySource source = solver::policy_source(path);
    auto policy = model::load_policy(source);
    benchmark::DoNotOptimize(solver::analyze_policy(policy, source).findings.data());
  }
}
BENCHMARK(BM_analyze_demo)->Unit(benchmark::kMillisecond);

// `analyze` of a generated policy of state.range(0) criteria (generated,
// loaded and analyzed each iteration): one pathway of that many conditions
// (wide), or a chain of that many criteria (deep). Complexity fitted over N.
template <bool Wide>
void BM_analyze_generated(benchmark::State& state) {
  const int n = static_cast<int>(state.range(0));
  model::PolicySource source;
  source.text = Wide ? test::wide_policy(PP_SOURCE_DIR, n) : test::deep_policy(PP_SOURCE_DIR, n);
  source.file = Wide ? "wide.yaml" : "deep.yaml";
  source.dir = test::demo_policy_dir(PP_SOURCE_DIR);
  size_t findings = 0;
  for (auto _ : state) {
    auto policy = model::load_policy(source);
    solver::Analysis a = solver::analyze_policy(policy, source);
    findings = a.findings.size();
    benchmark::DoNotOptimize(a.findings.data());
  }
  state.counters["findings"] = static_cast<double>(findings);
  state.SetComplexityN(n);
}
BENCHMARK_TEMPLATE(BM_analyze_generated, true)->Name("BM_analyze_wide")->Arg(100)->Arg(400)->Arg(1600)
    ->Unit(benchmark::kMillisecond)->Complexity();
BENCHMARK_TEMPLATE(BM_analyze_generated, false)->Name("BM_analyze_deep")->Arg(100)->Arg(400)->Arg(1600)->Arg(6400)
    ->Unit(benchmark::kMillisecond)->Complexity();

// What `policyproof diff OLD NEW` does: load both, diff the text, enumerate regions.
const char* kVariants[] = {"cmm-607-base", "cmm-607-three-levels", "cmm-607-no-osteoporosis-program",
                           "cmm-607-t4-allowed", "cmm-607-reformatted"};

void BM_diff_cmm607(benchmark::State& state) {
  std::string dir = PP_SOURCE_DIR "/tests/policies/";
  std::string other = dir + kVariants[state.range(0)] + ".yaml";
  size_t regions = 0;
  for (auto _ : state) {
    auto a = model::load_policy_file(dir + "cmm-607-base.yaml");
    auto b = model::load_policy_file(other);
    solver::PolicyDiff d = solver::diff_policies(a, b);
    regions = d.decisions.regions.size();
    benchmark::DoNotOptimize(d.changes.data());
  }
  state.SetLabel(kVariants[state.range(0)]);
  state.counters["regions"] = static_cast<double>(regions);
}
BENCHMARK(BM_diff_cmm607)->DenseRange(0, 4)->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
