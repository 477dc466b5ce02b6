#include "solver/finding_calibration.h"

namespace pp::solver {

int calibrate_severities(Analysis& a) {
  int lowered = 0;
  for (auto& f : a.findings) {
    if (f.severity != Severity::Warning) continue;
    bool design = f.kind == "ambiguity" || (f.kind == "conflict" && f.subject.rfind("definition: ", 0) == 0);
    if (!design) continue;
    f.severity = Severity::Info;
    ++lowered;
  }
  return lowered;
}

}  // namespace pp::solver
