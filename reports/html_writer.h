// The report as one static HTML page and its stylesheet (reports layer): no
// script, no network fetch, pictures inline, printable. Anchors reuse the
// policy's ids: a criterion's entry has its id (`IN.NM.levels`), an
// ambiguity's its id (`AMB.levels_scope`); policy text blocks are `src-L<line>`.
#pragma once
#include <string>
#include <string_view>

#include "reports/report_data.h"
#include "reports/report_style.h"

namespace pp::reports {

// The whole page (index.html). Deterministic for the same data: no dates.
std::string write_report_html(const ReportData& data);

}  // namespace pp::reports
