#include "reports/report_builder.h"

#include <filesystem>
#include <fstream>
#include <future>
#include <sstream>

#include "model/embedded_files.h"
#include "solver/case_engine.h"
#include "visualize/case_overlay.h"
#include "visualize/decision_graph.h"
#include "visualize/dot_writer.h"
#include "visualize/graphviz_renderer.h"

namespace pp::reports {

std::optional<std::string> find_policy_source(const model::Policy& policy, const std::string& policy_dir,
                                              std::string& note) {
  if (policy.source_file.empty()) {
    note = "the policy file names no source text (`policy.source`)";
    return std::nullopt;
  }
  if (!policy_dir.empty()) {
    // Only a file inside the policy's folder (symbolic links resolved): a
    // policy must not copy `../../etc/passwd` into a report.
    namespace fs = std::filesystem;
    std::error_code ec;
    fs::path dir = fs::weakly_canonical(fs::path(policy_dir), ec);
    fs::path path = fs::weakly_canonical(fs::path(policy_dir) / policy.source_file, ec);
    auto rel = path.lexically_relative(dir);
    bool inside = !ec && !rel.empty() && *rel.begin() != ".." && fs::path(policy.source_file).is_relative();
    if (!inside) {
      note = "`" + policy.source_file + "` is outside the policy's folder (expected a file beside the policy file)";
      return std::nullopt;
    }
  }
  std::string text, where;
  if (model::find_beside_or_bundled(policy_dir, policy.source_file, text, where)) {
    note = where == policy.source_file && model::embedded_file(policy.source_file)
               ? "the copy of " + policy.source_file + " bundled with policyproof"
               : "read from " + where;
    return text;
  }
  note = "`" + policy.source_file + "` was found neither beside the policy file nor among the bundled files";
  return std::nullopt;
}

namespace {

CaseReport explain_case(const std::shared_ptr<const model::Policy>& policy, const visualize::DecisionGraph& graph,
                        const std::string& file, const model::Case& c, solver::Limits limits) {
  CaseReport cr;
  cr.file = file;
  cr.case_id = c.has_case_id ? c.case_id : std::filesystem::path(file).filename().string();
  cr.input = c;
  explain::Explainer explainer(policy, limits);
  cr.explanation = explainer.explain(c);
  visualize::CaseOverlay overlay = visualize::overlay_case(graph, *policy, cr.explanation.result, cr.case_id);
  cr.svg = visualize::render(visualize::write_dot(graph, *policy, &overlay), visualize::Format::Svg);
  return cr;
}

}  // namespace

ReportData build_report(const ReportRequest& rq) {
  ReportData d;
  d.policy = rq.policy;
  const auto& policy = rq.policy;
  const auto launch = rq.parallel ? std::launch::async : std::launch::deferred;

  // The solver work, each part with its own session, started first.
  auto analysis = std::async(launch, [&] { return solver::analyze_policy(policy, rq.policy_source, rq.limits); });
  d.properties = model::load_default_properties(*policy);
  auto outcomes = std::async(launch, [&] {
    solver::Prover prover(policy, rq.limits);
    std::vector<solver::Outcome> out;
    for (const auto& p : d.properties.properties) out.push_back(prover.prove(p));
    return out;
  });
  visualize::DecisionGraph graph = visualize::build_decision_graph(*policy);
  std::vector<std::future<CaseReport>> cases;
  for (const auto& [file, c] : rq.cases)
    cases.push_back(std::async(launch, [&, file = file, c = c] { return explain_case(policy, graph, file, c, rq.limits); }));

  // Meanwhile: the text, traced, and the graph.
  d.source_note = rq.source_note;
  if (rq.source_text) {
    d.source = parse_source_document(*rq.source_text, *policy, rq.source_name);
    d.trace = trace(*policy, *d.source);
  } else {
    d.trace.criteria = criterion_structure(*policy);
  }
  d.graph_svg = visualize::render(visualize::write_dot(graph, *policy), visualize::Format::Svg);

  for (auto& f : cases) d.cases.push_back(f.get());
  d.outcomes = outcomes.get();
  d.analysis = analysis.get();
  return d;
}

}  // namespace pp::reports
