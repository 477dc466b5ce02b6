// Batch evaluation stages: reading a case (fast path and strict walk),
// concrete evaluation, the JSON result, and the three together (what
// `evaluate --batch` does per line).
#include <benchmark/benchmark.h>

#include "cli/case_result_output.h"
#include "model/case_generator.h"
#include "model/case_reader.h"
#include "model/case_writer.h"
#include "model/evaluator.h"
#include "solver/case_engine.h"

namespace {

using namespace pp;

struct Corpus {
  std::shared_ptr<const model::Policy> policy = model::load_bundled_policy();
  std::vector<std::string> lines;
  explicit Corpus(double unknown_rate) {
    model::GeneratorOptions o;
    o.seed = 42;
    o.unknown_rate = unknown_rate;
    model::CaseGenerator gen(*policy, o);
    for (int i = 0; i < 4096; ++i) lines.push_back(model::write_case_json(policy->vocab, gen.next()));
  }
};

const Corpus& full() { static Corpus c(0.0); return c; }
const Corpus& partial() { static Corpus c(0.2); return c; }

void BM_read_case(benchmark::State& state) {
  const auto& corpus = full();
  model::CaseReader reader(*corpus.policy);
  model::Case c(corpus.policy->vocab);
  size_t i = 0, bytes = 0;
  for (auto _ : state) {
    const auto& line = corpus.lines[i++ % corpus.lines.size()];
    reader.read_into(line, "bench", 1, c);
    bytes += line.size();
    benchmark::DoNotOptimize(c.value.data());
  }
  state.SetItemsProcessed(state.iterations());
  state.SetBytesProcessed(static_cast<int64_t>(bytes));
}
BENCHMARK(BM_read_case);

// The same cases through the strict simdjson DOM walk alone (what the fast
// path declines goes there: escapes, exotic numbers, every bad line).
void BM_read_case_strict(benchmark::State& state) {
  const auto& corpus = full();
  model::CaseReader reader(*corpus.policy, /*fast_path=*/false);
  model::Case c(corpus.policy->vocab);
  size_t i = 0, bytes = 0;
  for (auto _ : state) {
    const auto& line = corpus.lines[i++ % corpus.lines.size()];
    reader.read_into(line, "bench", 1, c);
    bytes += line.size();
    benchmark::DoNotOptimize(c.value.data());
  }
  state.SetItemsProcessed(state.iterations());
  state.SetBytesProcessed(static_cast<int64_t>(bytes));
}
BENCHMARK(BM_read_case_strict);

void BM_concrete_evaluate(benchmark::State& state) {
  const auto& corpus = full();
  model::CaseReader reader(*corpus.policy);
  std::vector<model::Case> cases;
  for (const auto& l : corpus.lines) cases.push_back(reader.read(l, "bench"));
  model::Evaluator ev(*corpus.policy);
  model::Evaluation out;
  size_t i = 0;
  for (auto _ : state) {
    ev.evaluate_into(cases[i++ % cases.size()], out);
    benchmark::DoNotOptimize(out.decision);
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_concrete_evaluate);

// Per line of `evaluate --batch`: read, decide (exactly), write the JSON result.
void BM_batch_line(benchmark::State& state) {
  const auto& corpus = state.range(0) ? partial() : full();
  model::CaseReader reader(*corpus.policy);
  solver::CaseEngine engine(corpus.policy);
  model::Case c(corpus.policy->vocab);
  solver::CaseResult r;
  std::string out;
  size_t i = 0;
  for (auto _ : state) {
    reader.read_into(corpus.lines[i++ % corpus.lines.size()], "bench", 1, c);
    engine.evaluate_into(c, r);
    out.clear();
    cli::append_result_json(out, *corpus.policy, c, r);
    benchmark::DoNotOptimize(out.data());
  }
  state.SetItemsProcessed(state.iterations());
  state.SetLabel(state.range(0) ? "partial cases (20% of facts absent)" : "fully specified cases");
}
BENCHMARK(BM_batch_line)->Arg(0)->Arg(1);

}  // namespace

BENCHMARK_MAIN();
