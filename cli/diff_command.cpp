// `policyproof diff A B`: a one-line verdict (equivalent, A more permissive,
// B more permissive, incomparable), then what differs: between two versions
// of a policy, the textual changes by id and every region of cases decided
// differently with the criteria that cause it; between two payers' policies
// (different ids), every region described by the obstacles and the facts
// that define it. Each region has a witness replayed through both.
// `--cases FILE.jsonl` streams a corpus through both and counts the flips by
// region (with line numbers); `--chart FILE.svg` draws them.
// `--exit-code` exits 1 when decisions differ anywhere.
#include <CLI/CLI.hpp>
#include <cmath>
#include <fstream>
#include <map>
#include <iostream>

#include <fmt/format.h>

#include "cli/common.h"
#include "cli/diff_output.h"
#include "cli/text_wrap.h"
#include "model/json_text.h"
#include "model/case_reader.h"
#include "model/case_writer.h"
#include "solver/case_engine.h"
#include "solver/policy_differ.h"

namespace pp::cli {

namespace {

struct DiffOptions {
  std::string before, after;
  std::string format = "text";
  bool exit_code = false;
  double timeout_s = 5;
  unsigned rlimit = 0;
  size_t max_regions = 0;  // 0: 64 between versions, 256 between payers
  std::string cases_file;  // --cases: a JSONL corpus run through both
  std::string chart_file;  // --chart: an SVG bar chart of the corpus's flips by region
  size_t max_lines = 1000; // line numbers kept per region
};

// Streams the corpus through both policies, one line at a time (memory: the
// regions' counters and at most max_lines line numbers each).
CorpusFlips run_corpus(const DiffOptions& o, const std::shared_ptr<const model::Policy>& a,
                       const std::shared_ptr<const model::Policy>& b, const solver::DecisionDiff& d) {
  CorpusFlips c;
  c.file = o.cases_file;
  c.by_region.resize(d.regions.size());
  std::ifstream in_file;
  std::istream* in = &std::cin;
  if (o.cases_file != "-") {
    in_file.open(o.cases_file, std::ios::binary);
    if (!in_file) model::read_file(o.cases_file);  // throws the diagnostic naming it
    in = &in_file;
  }
  const bool same = model::same_vocabulary(a->vocab, b->vocab);
  solver::RegionMatcher matcher(d, *a, *b);
  model::CaseReader ra(*a), rb(*b);
  solver::CaseEngine ea(a), eb(b);
  solver::CaseResult xa, xb;
  model::Case ca, cb;
  std::string line;
  long n = 0;
  auto keep = [&](RegionCount& rc) {
    ++rc.count;
    if (rc.lines.size() < o.max_lines) rc.lines.push_back(n);
  };
  while (std::getline(*in, line)) {
    ++n;
    if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
    ra.read_into(line, c.file, n, ca);
    if (!same) rb.read_into(line, c.file, n, cb);
    ea.evaluate_into(ca, xa);
    eb.evaluate_into(same ? ca : cb, xb);
    ++c.cases;
    c.approved_a += xa.decision == model::Decision::MedicallyNecessary;
    c.approved_b += xb.decision == model::Decision::MedicallyNecessary;
    if (xa.decision == model::Decision::Undetermined || xb.decision == model::Decision::Undetermined) {
      ++c.undetermined;
      continue;
    }
    if (xa.decision == xb.decision) continue;
    if (xa.decision == model::Decision::MedicallyNecessary) ++c.a_only;
    else if (xb.decision == model::Decision::MedicallyNecessary) ++c.b_only;
    else ++c.scope;
    int r = matcher.region_of(ca, same ? ca : cb, xa.evaluation, xb.evaluation);
    if (r >= 0) {
      keep(c.by_region[static_cast<size_t>(r)]);
      continue;
    }
    auto pair = matcher.regions_of(ca, same ? ca : cb, xa.evaluation, xb.evaluation);
    keep(pair.first >= 0 ? c.by_pair[pair] : c.other);
  }
  if (in->bad()) {
    model::Diagnostic diag;
    diag.location.file = c.file;
    diag.message = "cannot read the file (is it a directory?)";
    throw model::DiagnosticError(diag);
  }
  return c;
}

int run_diff(const DiffOptions& o) {
  auto before = load_policy_option(o.before);
  auto after = load_policy_option(o.after);
  if (!o.chart_file.empty() && o.cases_file.empty()) {
    model::Diagnostic d;
    d.location.file = o.chart_file;
    d.message = "`--chart` draws the flips of a corpus: give it with `--cases FILE.jsonl`";
    throw model::DiagnosticError(d);
  }
  solver::Limits limits;
  limits.timeout_ms = static_cast<unsigned>(std::lround(o.timeout_s * 1000));
  limits.rlimit = o.rlimit;
  solver::PolicyDiff d = solver::diff_policies(before, after, limits, o.max_regions);
  std::optional<CorpusFlips> corpus;
  if (!o.cases_file.empty()) corpus = run_corpus(o, before, after, d.decisions);
  if (!o.chart_file.empty()) {
    std::ofstream svg(o.chart_file, std::ios::binary);
    svg << flips_chart(*before, *after, d.decisions, *corpus);
    if (!svg) {
      model::Diagnostic diag;
      diag.location.file = o.chart_file;
      diag.message = "cannot write the chart";
      throw model::DiagnosticError(diag);
    }
  }
  std::cout << (o.format == "json" ? diff_json(*before, *after, d, corpus) : wrap_lines(diff_text(*before, *after, d, corpus)));
  // Unknown counts as "may differ": a script gating on no change must not pass it.
  bool differ = !d.decisions.regions.empty() || !d.decisions.complete;
  return o.exit_code && differ ? kExitCheckFailed : kExitOk;
}

}  // namespace

CommandRunner add_diff_command(CLI::App& app) {
  auto o = std::make_shared<DiffOptions>();
  auto* cmd = app.add_subcommand("diff", "compare two policies (versions of one, or two payers'): a verdict, then every region of cases decided differently");
  cmd->add_option("old", o->before, "policy A (the old version): a file or a bundled policy id")->required();
  cmd->add_option("new", o->after, "policy B (the new version): a file or a bundled policy id")->required();
  add_format_option(*cmd, o->format);
  cmd->add_flag("--exit-code", o->exit_code, "exit 1 when the decisions differ on some case");
  cmd->add_option("--timeout", o->timeout_s, "seconds per solver query (default 5; 0 = no limit)")->check(CLI::Range(0.0, 86400.0));
  cmd->add_option("--rlimit", o->rlimit, "Z3 resource limit per query (deterministic; default: none)");
  cmd->add_option("--max-regions", o->max_regions, "stop after this many regions (default 64 between versions, 256 between payers)")->check(CLI::Range(1, 100000));
  cmd->add_option("--cases", o->cases_file, "a JSONL corpus (`-` = stdin) run through both: flips each way, by region, with line numbers");
  cmd->add_option("--chart", o->chart_file, "with --cases: write an SVG bar chart of the flips by region");
  cmd->add_option("--max-lines", o->max_lines, "with --cases: line numbers kept per region (default 1000)")->check(CLI::Range(0, 100000000));
  return [o] { return guarded([&] { return run_diff(*o); }); };
}

}  // namespace pp::cli
