// The report's asset files (reports/assets/*: the stylesheet), compiled into
// the binary at build time by cmake/embed_files.cmake (reports layer).
#pragma once
#include <string_view>
#include <vector>

#include "model/embedded_files.h"

namespace pp::reports {

// Every asset, by file name ("report.css").
const std::vector<model::EmbeddedFile>& report_assets();

}  // namespace pp::reports
