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
#include <mutex>
#include <iostream>

#include <fmt/format.h>

#include "cli/batch_runner.h"
#include "cli/case_line_worker.h"
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
  int jobs = 0;            // --jobs for the corpus (0: every core)
};

// One thread's share of `diff --cases`: each line read by both policies and
// decided by both, answered with one record line the main thread adds up
// in input order (so counts and line numbers are those of one pass):
//   `-`                a blank line
//   `E`                a bad line (its diagnostic in BadLines; the run ends
//                      with the first in input order)
//   `<a><b>U`          undetermined by either (a, b: 1 when A, B approve)
//   `<a><b>S`          the same decision
//   `<a><b><d>R <r>`   decided differently, in region r (d: A only, B only, scope)
//   `<a><b><d>P <r> <s>`  in no single region: the pair (r, s)
//   `<a><b><d>O`       in no region nor pair
struct BadLines {
  std::mutex m;
  std::map<long, model::Diagnostic> by_line;
};

class DiffWorker : public LineWorker {
 public:
  DiffWorker(const std::shared_ptr<const model::Policy>& a, const std::shared_ptr<const model::Policy>& b,
             const solver::DecisionDiff& d, std::string name, BadLines& bad)
      : same_(model::same_vocabulary(a->vocab, b->vocab)), matcher_(d, *a, *b), ra_(*a), rb_(*b), ea_(a), eb_(b),
        name_(std::move(name)), bad_(bad) {}

  bool process(std::string_view line, long n, bool too_long, std::string& out, std::string&) override {
    try {
      if (too_long) throw line_too_large(name_, n, model::kMaxCaseBytes);
      if (line.find_first_not_of(" \t\r") == std::string_view::npos) {
        out += "-\n";
        return true;
      }
      ra_.read_into(line, name_, n, ca_);
      if (!same_) rb_.read_into(line, name_, n, cb_);
      const model::Case& cb = same_ ? ca_ : cb_;
      ea_.evaluate_into(ca_, xa_);
      eb_.evaluate_into(cb, xb_);
      out += xa_.decision == model::Decision::MedicallyNecessary ? '1' : '0';
      out += xb_.decision == model::Decision::MedicallyNecessary ? '1' : '0';
      if (xa_.decision == model::Decision::Undetermined || xb_.decision == model::Decision::Undetermined) {
        out += "U\n";
        return true;
      }
      if (xa_.decision == xb_.decision) {
        out += "S\n";
        return true;
      }
      out += xa_.decision == model::Decision::MedicallyNecessary   ? 'a'
             : xb_.decision == model::Decision::MedicallyNecessary ? 'b'
                                                                     : 's';
      int r = matcher_.region_of(ca_, cb, xa_.evaluation, xb_.evaluation);
      if (r >= 0) {
        out += "R " + std::to_string(r) + "\n";
        return true;
      }
      auto pair = matcher_.regions_of(ca_, cb, xa_.evaluation, xb_.evaluation);
      if (pair.first >= 0) out += "P " + std::to_string(pair.first) + " " + std::to_string(pair.second) + "\n";
      else out += "O\n";
      return true;
    } catch (const model::DiagnosticError& e) {
      {
        std::lock_guard<std::mutex> lock(bad_.m);
        bad_.by_line.emplace(n, e.diagnostic());
      }
      out += "E\n";
      return false;
    }
  }

 private:
  bool same_;
  solver::RegionMatcher matcher_;
  model::CaseReader ra_, rb_;
  solver::CaseEngine ea_, eb_;
  solver::CaseResult xa_, xb_;
  model::Case ca_, cb_;
  std::string name_;
  BadLines& bad_;
};

// Streams the corpus through both policies on `--jobs` threads (memory: the
// blocks in flight, the regions' counters and at most max_lines line numbers
// each). The first bad line in input order ends the run with its message.
CorpusFlips run_corpus(const DiffOptions& o, const std::shared_ptr<const model::Policy>& a,
                       const std::shared_ptr<const model::Policy>& b, const solver::DecisionDiff& d) {
  CorpusFlips c;
  c.file = o.cases_file;
  c.by_region.resize(d.regions.size());
  BatchInput in(o.cases_file);  // throws the diagnostic naming it
  BatchOptions bo = case_batch_options(in, o.jobs);
  bo.name = o.cases_file;
  long n = 0;            // the line the next record is about
  long first_error = 0;  // the first bad line (0: none)
  BadLines bad;
  auto keep = [&](RegionCount& rc) {
    ++rc.count;
    if (rc.lines.size() < o.max_lines) rc.lines.push_back(n);
  };
  auto add = [&](std::string_view rec) {
    ++n;
    if (first_error || rec == "-") return;
    if (rec[0] == 'E') {
      first_error = n;
      return;
    }
    ++c.cases;
    c.approved_a += rec[0] == '1';
    c.approved_b += rec[1] == '1';
    if (rec[2] == 'U') { ++c.undetermined; return; }
    if (rec[2] == 'S') return;
    (rec[2] == 'a' ? c.a_only : rec[2] == 'b' ? c.b_only : c.scope) += 1;
    const char kind = rec[3];
    if (kind == 'R') {
      keep(c.by_region[std::stoul(std::string(rec.substr(5)))]);
    } else if (kind == 'P') {
      std::string nums(rec.substr(5));
      size_t sp = nums.find(' ');
      keep(c.by_pair[{std::stoi(nums.substr(0, sp)), std::stoi(nums.substr(sp + 1))}]);
    } else {
      keep(c.other);
    }
  };
  ResultSink sink = [&](std::string_view results, bool) {
    while (!results.empty()) {
      size_t nl = results.find('\n');
      add(results.substr(0, nl));
      results.remove_prefix(nl + 1);
    }
  };
  run_batch(in.file(), sink, stderr, bo, [&] { return std::make_unique<DiffWorker>(a, b, d, o.cases_file, bad); });
  if (first_error) {
    std::lock_guard<std::mutex> lock(bad.m);
    throw model::DiagnosticError(bad.by_line.at(first_error));
  }
  return c;
}

int run_diff(const DiffOptions& o) {
  auto before = load_policy_option(o.before);
  auto after = load_policy_option(o.after);
  if (!o.chart_file.empty() && o.cases_file.empty()) {
    model::diagnose(o.chart_file).fail("`--chart` draws the flips of a corpus: give it with `--cases FILE.jsonl`");
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
      model::diagnose(o.chart_file).fail("cannot write the chart");
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
  cmd->add_option("--jobs,-j", o->jobs, "with --cases: worker threads (default: every core); the counts and lines are those of one pass")
      ->check(CLI::PositiveNumber);
  cmd->add_option("--max-lines", o->max_lines, "with --cases: line numbers kept per region (default 1000)")->check(CLI::Range(0, 100000000));
  return [o] { return guarded([&] { return run_diff(*o); }); };
}

}  // namespace pp::cli
