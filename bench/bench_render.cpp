// The cost of `render`: building the Boost graph, writing the DOT, and the
// Graphviz layout and rendering of the whole graph (target: under 1 s).
//   build/bench/bench_render --benchmark_min_time=2
#include <benchmark/benchmark.h>

#include "model/case_reader.h"
#include "model/embedded_files.h"
#include "model/policy.h"
#include "solver/case_engine.h"
#include "visualize/case_overlay.h"
#include "visualize/decision_graph.h"
#include "visualize/dot_writer.h"
#include "visualize/graphviz_renderer.h"

using namespace pp;

namespace {

void BM_BuildGraph(benchmark::State& state) {
  auto p = model::load_bundled_policy();
  for (auto _ : state) benchmark::DoNotOptimize(visualize::build_decision_graph(*p));
}
BENCHMARK(BM_BuildGraph)->Unit(benchmark::kMicrosecond);

void BM_WriteDot(benchmark::State& state) {
  auto p = model::load_bundled_policy();
  auto dg = visualize::build_decision_graph(*p);
  for (auto _ : state) benchmark::DoNotOptimize(visualize::write_dot(dg, *p));
}
BENCHMARK(BM_WriteDot)->Unit(benchmark::kMicrosecond);

// The whole plain graph, from the policy to the picture's bytes.
void BM_RenderWholeGraph(benchmark::State& state) {
  auto p = model::load_bundled_policy();
  const auto format = static_cast<visualize::Format>(state.range(0));
  size_t bytes = 0;
  for (auto _ : state) {
    auto dg = visualize::build_decision_graph(*p);
    std::string out = visualize::render(visualize::write_dot(dg, *p), format);
    bytes = out.size();
    benchmark::DoNotOptimize(out);
  }
  state.SetLabel(std::string(visualize::to_string(format)) + ", " + std::to_string(bytes / 1024) + " KiB");
}
BENCHMARK(BM_RenderWholeGraph)
    ->Arg(static_cast<int>(visualize::Format::Svg))
    ->Arg(static_cast<int>(visualize::Format::Png))
    ->Arg(static_cast<int>(visualize::Format::Pdf))
    ->Unit(benchmark::kMillisecond);

// A case's path: read, evaluate, overlay, lay out, SVG.
void BM_RenderCasePath(benchmark::State& state) {
  auto p = model::load_bundled_policy();
  auto json = model::embedded_file("example-case.json");
  for (auto _ : state) {
    model::CaseReader reader(*p);
    model::Case c = reader.read(std::string(*json), "example-case.json");
    solver::CaseEngine engine(p);
    auto r = engine.evaluate(c);
    auto dg = visualize::build_decision_graph(*p);
    auto ov = visualize::overlay_case(dg, *p, r, c.case_id);
    benchmark::DoNotOptimize(visualize::render(visualize::write_dot(dg, *p, &ov), visualize::Format::Svg));
  }
}
BENCHMARK(BM_RenderCasePath)->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
