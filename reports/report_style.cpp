// The report's stylesheet (reports layer): reports/assets/report.css, embedded
// at build time. System fonts only (nothing is fetched); text colours keep at
// least 4.5:1 contrast on their backgrounds; a print stylesheet drops the
// navigation and fits the pictures to the page.
#include "reports/report_style.h"

#include "reports/report_assets.h"

namespace pp::reports {

std::string_view report_stylesheet() {
  static const std::string_view css = [] {
    for (const auto& f : report_assets())
      if (f.name == "report.css") return f.content;
    return std::string_view();  // INVARIANT: not reached; CMakeLists.txt embeds report.css
  }();
  return css;
}

}  // namespace pp::reports
