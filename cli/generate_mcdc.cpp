#include "cli/generate_mcdc.h"

#include <fstream>
#include <iostream>

#include <fmt/format.h>

#include "cli/common.h"
#include "cli/text_wrap.h"
#include "model/case_writer.h"
#include "model/json_text.h"

namespace pp::cli {

namespace {

void append_ids(std::string& out, const std::vector<std::string>& ids) {
  out += '[';
  for (size_t i = 0; i < ids.size(); ++i) {
    if (i) out += ',';
    model::json_escape(out, ids[i]);
  }
  out += ']';
}

std::string summary_line(const model::Policy& policy, const solver::McdcSuite& s) {
  int n = static_cast<int>(s.conditions.size());
  int reachable = n - s.pairs_none();
  return fmt::format("MC/DC suite for {} {}: {} cases ({} for independence pairs, {} more for boundary values); "
                     "{} conditions: {} with an independence pair, {} with none (proved), {} undecided; "
                     "coverage {} of {} conditions that can have a pair ({:.0f}%)",
                     policy.id, policy.version, s.cases.size(), s.cases.size() - static_cast<size_t>(s.boundary_cases),
                     s.boundary_cases, n, s.pairs_found(), s.pairs_none(), s.pairs_unknown(), s.pairs_found(), reachable,
                     reachable ? 100.0 * s.pairs_found() / reachable : 100.0);
}

}  // namespace

std::string mcdc_test_file(const model::Policy& policy, const solver::McdcSuite& s) {
  std::string out = wrap_text(summary_line(policy, s), "# ", "# ");
  out += fmt::format("# policy {} sha256 {}\n", policy.file, policy.sha256);
  for (const auto& c : s.conditions)
    if (c.status != solver::PairStatus::Found)
      out += wrap_text(fmt::format("{} {} ({}): {}", c.status == solver::PairStatus::None ? "no independence pair:" : "undecided:",
                                   c.id, c.text, c.why),
                       "# ", "#   ");
  for (const auto& m : s.cases) {
    std::string name = m.roles.empty() ? m.c.case_id : m.roles[0];
    if (m.roles.size() > 1) name += fmt::format(" (+{} more)", m.roles.size() - 1);
    out += "{\"name\":";
    model::json_escape(out, m.c.case_id + ": " + name);
    out += ",\"case\":" + model::write_case_json(policy.vocab, m.c);
    out += ",\"expect\":{\"decision\":";
    model::json_escape(out, model::to_string(m.decision));
    out += ",\"pathways\":";
    append_ids(out, m.pathways);
    out += ",\"exclusions\":";
    append_ids(out, m.exclusions);
    out += "}}\n";
  }
  return out;
}

std::string mcdc_report(const model::Policy& policy, const solver::McdcSuite& s) {
  std::string out = wrap_text(summary_line(policy, s), "", "  ");
  bool header = false;
  for (const auto& c : s.conditions) {
    if (c.status == solver::PairStatus::Found) continue;
    if (!header) out += "conditions without an independence pair:\n";
    header = true;
    out += wrap_text(fmt::format("{} ({})", c.id, c.text), "  ", "    ");
    out += wrap_text((c.status == solver::PairStatus::None ? "none exists: " : "undecided: ") + c.why, "    ", "    ");
  }
  return out;
}

int run_generate_mcdc(std::shared_ptr<const model::Policy> policy, const std::string& output, solver::Limits limits) {
  solver::McdcSuite suite = solver::generate_mcdc(policy, limits);
  std::string file = mcdc_test_file(*policy, suite);
  if (output.empty()) {
    std::cout << file;
    std::cerr << mcdc_report(*policy, suite);
  } else {
    std::ofstream f(output, std::ios::binary);
    f << file;
    if (!f) {
      model::diagnose(output).fail("cannot write the file (expected a writable path for `--output`)");
    }
    std::cout << mcdc_report(*policy, suite);
  }
  return kExitOk;
}

}  // namespace pp::cli
