// The report's stylesheet, style.css (reports layer): system fonts only, a
// print stylesheet, text colours with at least 4.5:1 contrast (WCAG AA).
#pragma once
#include <string_view>

namespace pp::reports {

std::string_view report_stylesheet();

}  // namespace pp::reports
