// `report`: the whole report for CMM-607 with three cases (target: under 3 s,
// everything `policyproof report` does after process start), and its parts:
// analyze, prove, explain + draw each case, trace the text, write the page.
#include <benchmark/benchmark.h>

#include <filesystem>
#include <unistd.h>

#include "model/case_reader.h"
#include "model/embedded_files.h"
#include "reports/html_writer.h"
#include "reports/report_builder.h"
#include "reports/site_writer.h"
#include "solver/policy_analyzer.h"

namespace {

using namespace pp;

reports::ReportRequest request(bool parallel) {
  reports::ReportRequest rq;
  rq.policy = model::load_policy_file(PP_SOURCE_DIR "/model/policies/cmm-607.yaml");
  rq.policy_source = solver::policy_source("");
  rq.source_text = reports::find_policy_source(*rq.policy, "", rq.source_note);
  rq.source_name = rq.policy->source_file;
  for (const char* name : {"approved-acute", "denied-subacute", "partial-undetermined"}) {
    std::string file = std::string(PP_SOURCE_DIR "/tests/report/cases/") + name + ".case.json";
    rq.cases.emplace_back(file, model::CaseReader(*rq.policy).read(model::read_file(file), file));
  }
  rq.parallel = parallel;
  return rq;
}

std::string out_dir() { return "/tmp/pp-bench-report-" + std::to_string(getpid()); }

// What `policyproof report --output DIR --case x3` does: load, read the cases,
// build (concurrently), write the site.
void BM_report_three_cases(benchmark::State& state) {
  const bool parallel = state.range(0) != 0;
  for (auto _ : state) {
    reports::ReportRequest rq = request(parallel);
    reports::ReportData data = reports::build_report(rq);
    auto files = reports::write_site(out_dir(), data);
    benchmark::DoNotOptimize(files.size());
  }
  std::filesystem::remove_all(out_dir());
}
BENCHMARK(BM_report_three_cases)->Arg(1)->Arg(0)->ArgName("parallel")->Unit(benchmark::kMillisecond)->UseRealTime()->Iterations(5);

void BM_part_analyze(benchmark::State& state) {
  auto policy = model::load_bundled_policy();
  auto source = solver::policy_source("");
  for (auto _ : state) benchmark::DoNotOptimize(solver::analyze_policy(policy, source).findings.size());
}
BENCHMARK(BM_part_analyze)->Unit(benchmark::kMillisecond)->Iterations(3);

void BM_part_trace_text(benchmark::State& state) {
  auto policy = model::load_bundled_policy();
  std::string text(*model::embedded_file("cmm-607-2026.md"));
  for (auto _ : state) {
    auto doc = reports::parse_source_document(text, *policy, "cmm-607-2026.md");
    benchmark::DoNotOptimize(reports::trace(*policy, doc).encoded_bullets);
  }
}
BENCHMARK(BM_part_trace_text)->Unit(benchmark::kMillisecond);

void BM_part_write_html(benchmark::State& state) {
  reports::ReportData data = reports::build_report(request(true));
  for (auto _ : state) benchmark::DoNotOptimize(reports::write_report_html(data).size());
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * reports::write_report_html(data).size()));
}
BENCHMARK(BM_part_write_html)->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
