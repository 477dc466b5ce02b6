#include "reports/site_writer.h"

#include <filesystem>

#include "model/diagnostic.h"
#include "reports/html_writer.h"
#include "visualize/atomic_file.h"

namespace pp::reports {

void check_output_dir(const std::string& dir) {
  auto fail = [&](const std::string& message) {
    model::Diagnostic d;
    d.location.file = dir;
    d.message = message;
    throw model::DiagnosticError(d);
  };
  if (dir.empty()) fail("an empty `--output` (expected a directory to write the report into)");
  std::error_code ec;
  if (std::filesystem::exists(dir, ec) && !std::filesystem::is_directory(dir, ec))
    fail("not a directory (expected a directory to write the report into)");
  std::filesystem::create_directories(dir, ec);
  if (!std::filesystem::is_directory(dir, ec)) fail("cannot create the directory (expected a writable directory for `--output`)");
  visualize::check_writable((std::filesystem::path(dir) / "index.html").string());
}

std::vector<std::string> write_site(const std::string& dir, const ReportData& data) {
  check_output_dir(dir);
  std::vector<std::string> written;
  auto put = [&](const std::string& name, std::string_view bytes) {
    std::string path = (std::filesystem::path(dir) / name).string();
    visualize::write_file_atomically(path, bytes);
    written.push_back(path);
  };
  put("style.css", report_stylesheet());
  put("decision-graph.svg", data.graph_svg);
  for (size_t i = 0; i < data.cases.size(); ++i) put("case-" + std::to_string(i + 1) + ".svg", data.cases[i].svg);
  put("index.html", write_report_html(data));  // last: the page exists only when its pictures do
  return written;
}

}  // namespace pp::reports
