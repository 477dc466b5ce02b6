#include "reports/report_builder.h"

#include <filesystem>
#include <fstream>
#include <future>
#include <sstream>
#include <cstdlib>

#include "model/embedded_files.h"
#include "solver/case_engine.h"
#include "solver/corpus_coverage.h"
#include "visualize/case_overlay.h"
#include "visualize/decision_graph.h"
#include "visualize/dot_writer.h"
#include "visualize/graphviz_renderer.h"
#include "visualize/views.h"

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

// The width of a graphviz SVG (its viewBox, in points: one CSS pixel each
// inline) and the size of its smallest text.
double svg_width(const std::string& svg) {
  size_t at = svg.find("viewBox=\"");
  if (at == std::string::npos) return 0;
  std::istringstream in(svg.substr(at + 9, 80));
  double x = 0, y = 0, w = 0;
  in >> x >> y >> w;
  return w;
}

double smallest_font(const std::string& svg) {
  double smallest = 0;
  const std::string key = "font-size=\"";
  for (size_t at = svg.find(key); at != std::string::npos; at = svg.find(key, at + 1)) {
    double size = std::strtod(svg.c_str() + at + key.size(), nullptr);
    if (size > 0 && (smallest == 0 || size < smallest)) smallest = size;
  }
  return smallest;
}

// A label with every line longer than `width` characters broken after the
// last space, `/` or `.` (else `_`) that keeps it within `width`: a case's
// values name facts by long paths (`contraindications.space_occupying_...`).
std::string wrap_label(const std::string& label, size_t width) {
  std::string out;
  size_t start = 0;
  while (start <= label.size()) {
    size_t end = label.find('\n', start);
    std::string line = label.substr(start, end == std::string::npos ? std::string::npos : end - start);
    while (line.size() > width) {
      size_t cut = line.find_last_of(" /.", width - 1);
      if (cut == std::string::npos || cut == 0) cut = line.find_last_of('_', width - 1);
      if (cut == std::string::npos || cut == 0) break;
      out += line.substr(0, line[cut] == ' ' ? cut : cut + 1);
      out += '\n';
      line.erase(0, cut + 1);
    }
    out += line;
    if (end == std::string::npos) break;
    out += '\n';
    start = end + 1;
  }
  return out;
}

// The view drawn so that it reads at the report's width: its default layout
// when that fits, else fewer leaves side by side, else also its long label
// lines broken; else the narrowest of these.
// A view of more nodes than this is not drawn inline: no layout of it reads
// at the report's width, and Graphviz's clustered layout of a pathway of
// 1,000 criteria runs for minutes. The page says so and links the full graph.
constexpr size_t kMaxDrawnNodes = 150;

std::string fitted_view_svg(const visualize::View& view) {
  if (view.nodes.size() > kMaxDrawnNodes) return "";
  std::string best, last_dot;
  double best_width = 0;
  visualize::View wrapped = view;
  for (auto& n : wrapped.nodes) n.label = wrap_label(n.label, kLabelChars);
  for (const visualize::View* v : {&view, static_cast<const visualize::View*>(&wrapped)}) {
    for (size_t per_row : {0, 3, 2, 1}) {
      std::string dot = visualize::write_view_dot(*v, per_row);
      if (dot == last_dot) continue;
      last_dot = dot;
      std::string svg = visualize::render(dot, visualize::Format::Svg);
      double width = svg_width(svg);
      double scale = width > kColumnPx ? kColumnPx / width : 1.0;
      if (smallest_font(svg) * scale >= kMinLabelPx) return svg;
      if (best.empty() || width < best_width) best = std::move(svg), best_width = width;
    }
  }
  return best;
}

CaseReport explain_case(const std::shared_ptr<const model::Policy>& policy, const visualize::DecisionGraph& graph,
                        const std::string& file, const model::Case& c, solver::Limits limits) {
  CaseReport cr;
  cr.file = file;
  cr.case_id = c.has_case_id ? c.case_id : std::filesystem::path(file).filename().string();
  cr.input = c;
  explain::Explainer explainer(policy, limits);
  cr.explanation = explainer.explain(c);
  visualize::CaseOverlay overlay = visualize::overlay_case(graph, *policy, cr.explanation.result, cr.case_id);
  cr.path_svg = fitted_view_svg(visualize::make_path_view(graph, *policy, c, cr.explanation.result, cr.case_id));
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
  // A policy without a properties file still gets its report: the section
  // says none was found.
  if (auto set = model::find_default_properties(*policy)) d.properties = std::move(*set);
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
  std::future<solver::CorpusCoverage> coverage;
  if (rq.corpus)
    coverage = std::async(launch, [&] { return solver::corpus_coverage(policy, rq.corpus->cases, rq.limits); });

  // Meanwhile: the text, traced, and the graph.
  d.source_note = rq.source_note;
  if (rq.source_text) {
    d.source = parse_source_document(*rq.source_text, *policy, rq.source_name);
    d.trace = trace(*policy, *d.source);
  } else {
    d.trace.criteria = criterion_structure(*policy);
  }
  d.graph_svg = visualize::render(visualize::write_dot(graph, *policy), visualize::Format::Svg);
  // The views that read at the report's width: the overview, each pathway, the exclusions.
  auto add_view = [&](std::string id, std::string title, std::string label, const visualize::ViewRequest& r) {
    d.views.push_back({std::move(id), std::move(title), std::move(label), fitted_view_svg(visualize::make_view(graph, *policy, r))});
  };
  add_view("view-overview", "Overview", "Overview of " + policy->id + ": the pathways, the exclusion groups and the decision",
           {visualize::ViewKind::Overview, {}});
  for (const auto& id : visualize::pathway_ids(graph)) {
    int k = policy->find_criterion(id);
    std::string title = k >= 0 ? policy->criteria[static_cast<size_t>(k)].title : id;
    add_view("view-pathway-" + id, "Pathway: " + title, "Pathway " + id + " (" + title + ") with every criterion",
             {visualize::ViewKind::Pathway, id});
  }
  add_view("view-exclusions", "Exclusions", "The exclusions of " + policy->id + ", grouped by category",
           {visualize::ViewKind::Exclusions, {}});

  for (auto& f : cases) d.cases.push_back(f.get());
  if (rq.corpus) d.corpus = CorpusReport{rq.corpus->files, rq.corpus->labels, coverage.get()};
  d.outcomes = outcomes.get();
  d.analysis = analysis.get();
  return d;
}

}  // namespace pp::reports
