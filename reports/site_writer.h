// Writes a report as a static site (reports layer): DIR/index.html (its
// pictures, the views, inline), its one stylesheet DIR/style.css, and the full
// drawings beside it, linked from the page: the whole decision graph
// (DIR/decision-graph.svg) and each case's path on it (DIR/case-N.svg).
#pragma once
#include <string>
#include <vector>

#include "reports/report_data.h"

namespace pp::reports {

// Throws model::DiagnosticError naming `dir` when it is not a directory and
// cannot be created (checked before anything is computed: check_output_dir).
void check_output_dir(const std::string& dir);

// Writes the site; returns the files written (paths under `dir`). Each file is
// written whole or not at all.
std::vector<std::string> write_site(const std::string& dir, const ReportData& data);

}  // namespace pp::reports
