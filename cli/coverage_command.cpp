// `policyproof coverage CASES.jsonl...`: which criteria a corpus of cases
// exercised (met, not met, unknown, decisive) and which MC/DC independence
// pairs it contains. Accepts case lines (as `evaluate --batch` reads) and
// test-file lines (`test`), whose `case` is taken.
#include <CLI/CLI.hpp>
#include <filesystem>
#include <iostream>
#include <sstream>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "cli/common.h"
#include "cli/corpus_reader.h"
#include "cli/text_wrap.h"
#include "model/case_reader.h"
#include "model/evaluator.h"
#include "model/json_text.h"
#include "solver/corpus_coverage.h"

namespace pp::cli {

namespace {

struct CoverageOptions {
  std::vector<std::string> paths;
  std::string policy;
  std::string format = "text";
};

std::string json_report(const model::Policy& p, const Corpus& corpus, const solver::CorpusCoverage& cov) {
  std::string out = "{\"policy\":{\"id\":";
  model::json_escape(out, p.id);
  out += ",\"version\":";
  model::json_escape(out, p.version);
  out += fmt::format("}},\"cases\":{},\"decisions\":{{\"medically_necessary\":{},\"not_medically_necessary\":{},\"undetermined\":{}}}",
                     cov.cases, cov.decisions[0], cov.decisions[1], cov.decisions[2]);
  out += ",\"criteria\":[";
  for (size_t k = 0; k < cov.criteria.size(); ++k) {
    const auto& c = cov.criteria[k];
    if (k) out += ',';
    out += "{\"id\":";
    model::json_escape(out, p.criteria[k].id);
    out += fmt::format(",\"met\":{},\"not_met\":{},\"unknown\":{},\"decisive\":{}}}", c.met, c.not_met, c.unknown, c.decisive);
  }
  out += "],\"conditions\":[";
  for (size_t i = 0; i < cov.conditions.size(); ++i) {
    const auto& c = cov.conditions[i];
    if (i) out += ',';
    out += "{\"id\":";
    model::json_escape(out, c.id);
    out += ",\"criterion\":";
    model::json_escape(out, c.criterion);
    out += ",\"text\":";
    model::json_escape(out, c.text);
    out += fmt::format(",\"true\":{},\"false\":{},\"pair\":", c.when_true, c.when_false);
    if (c.first < 0) {
      out += "null";
    } else {
      out += '[';
      model::json_escape(out, corpus.labels[c.first]);
      out += ',';
      model::json_escape(out, corpus.labels[c.second]);
      out += ']';
    }
    out += '}';
  }
  int met = 0, not_met = 0, decisive = 0;
  for (const auto& c : cov.criteria) met += c.met > 0, not_met += c.not_met > 0, decisive += c.decisive > 0;
  out += fmt::format("],\"summary\":{{\"criteria\":{},\"met\":{},\"not_met\":{},\"decisive\":{},\"conditions\":{},\"pairs\":{}}}}}\n",
                     cov.criteria.size(), met, not_met, decisive, cov.conditions.size(), cov.pairs());
  return out;
}

std::string id_list(const std::vector<std::string>& ids) {
  std::string s;
  for (size_t i = 0; i < ids.size(); ++i) s += (i ? ", " : "") + ids[i];
  return s.empty() ? "none" : s;
}

std::string text_report(const model::Policy& p, const std::vector<std::string>& paths, const solver::CorpusCoverage& cov) {
  std::string files;
  for (size_t i = 0; i < paths.size(); ++i) files += (i ? ", " : "") + paths[i];
  std::string out = wrap_text(fmt::format("coverage of {} {} by {} case{} ({}): {} medically_necessary, {} "
                                          "not_medically_necessary, {} undetermined",
                                          p.id, p.version, cov.cases, cov.cases == 1 ? "" : "s", files, cov.decisions[0],
                                          cov.decisions[1], cov.decisions[2]),
                              "", "  ");
  std::vector<std::string> never_met, never_not_met, never_decisive;
  for (size_t k = 0; k < cov.criteria.size(); ++k) {
    const auto& c = cov.criteria[k];
    if (!c.met) never_met.push_back(p.criteria[k].id);
    if (!c.not_met) never_not_met.push_back(p.criteria[k].id);
    if (!c.decisive) never_decisive.push_back(p.criteria[k].id);
  }
  size_t n = cov.criteria.size();
  out += fmt::format("criteria: {}; met in some case: {}; not met in some case: {}; decisive in some case: {}\n", n,
                     n - never_met.size(), n - never_not_met.size(), n - never_decisive.size());
  out += fmt::format("MC/DC: {} of {} conditions have an independence pair in the corpus\n", cov.pairs(), cov.conditions.size());
  out += wrap_text("never met: " + id_list(never_met), "", "  ");
  out += wrap_text("never not met: " + id_list(never_not_met), "", "  ");
  out += wrap_text("never decisive: " + id_list(never_decisive), "", "  ");
  std::vector<std::string> no_pair;
  for (const auto& c : cov.conditions)
    if (c.first < 0) no_pair.push_back(c.id + " (" + c.text + ")");
  out += wrap_text("conditions without a pair in the corpus: " + id_list(no_pair), "", "  ");
  out += fmt::format("\n{:<48} {:>8} {:>8} {:>8} {:>8}\n", "criterion", "met", "not met", "unknown", "decisive");
  for (size_t k = 0; k < n; ++k) {
    const auto& c = cov.criteria[k];
    out += fmt::format("{:<48} {:>8} {:>8} {:>8} {:>8}\n", p.criteria[k].id, c.met, c.not_met, c.unknown, c.decisive);
  }
  return out;
}

}  // namespace

CommandRunner add_coverage_command(CLI::App& app) {
  auto o = std::make_shared<CoverageOptions>();
  auto* cmd = app.add_subcommand("coverage", "which criteria a corpus of cases exercised, and which MC/DC pairs it holds");
  cmd->add_option("paths", o->paths, "case files (JSONL; test files too), `-` for standard input")->required();
  cmd->add_option("--policy", o->policy, "policy file (default: the bundled CMM-607 model)");
  add_format_option(*cmd, o->format);
  return [o] {
    return guarded([&] {
      auto policy = load_policy_option(o->policy);
      Corpus corpus = read_corpus(*policy, o->paths);
      solver::CorpusCoverage cov = solver::corpus_coverage(policy, corpus.cases);
      std::cout << (o->format == "json" ? json_report(*policy, corpus, cov) : text_report(*policy, o->paths, cov));
      return kExitOk;
    });
  };
}

}  // namespace pp::cli
