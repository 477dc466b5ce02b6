#include "model/billing_check.h"

#include <algorithm>

namespace pp::model {

std::vector<std::string> billing_warnings(const Policy& p, const Case& c) {
  std::vector<std::string> out;
  if (p.codes.empty() || c.cpt.empty()) return out;
  // The request's technique (first enum fact) and levels (first list fact),
  // as the loader reads the codes table's `techniques` and `levels`.
  const Fact* level_fact = nullptr;
  const Fact* technique_fact = nullptr;
  for (const auto& f : p.vocab.facts) {
    if (f.type == FactType::EnumSet && !level_fact) level_fact = &f;
    if (f.type == FactType::Enum && !technique_fact) technique_fact = &f;
  }
  std::string technique;
  if (technique_fact && c.known[static_cast<size_t>(technique_fact->atoms.front())])
    technique = technique_fact->values[static_cast<size_t>(c.value[static_cast<size_t>(technique_fact->atoms.front())])];
  std::vector<std::string> levels;
  bool levels_known = level_fact != nullptr;
  if (level_fact)
    for (size_t k = 0; k < level_fact->atoms.size(); ++k) {
      int a = level_fact->atoms[k];
      if (!c.known[static_cast<size_t>(a)]) { levels_known = false; break; }
      if (c.value[static_cast<size_t>(a)] != 0) levels.push_back(level_fact->values[k]);
    }
  if (levels.empty()) levels_known = false;
  auto join = [](const std::vector<std::string>& v) {
    std::string s;
    for (const auto& x : v) s += (s.empty() ? "" : ", ") + x;
    return s;
  };
  auto has = [](const std::vector<std::string>& v, const std::string& x) {
    return std::find(v.begin(), v.end(), x) != v.end();
  };
  std::uint64_t primary_units = 0, add_on_units = 0;
  bool any_add_on_code = false;
  std::vector<std::string> covered;
  for (const auto& line : c.cpt) {
    const Code* code = nullptr;
    for (const auto& x : p.codes)
      if (x.code == line.code) code = &x;
    if (!code) {
      out.push_back("code " + line.code + " is not in the policy's codes table");
      continue;
    }
    std::string what = code->procedure.empty() ? "" : " (" + code->procedure + ")";
    if (!technique.empty() && !code->techniques.empty() && !has(code->techniques, technique))
      out.push_back("code " + line.code + what + " does not describe the requested technique `" + technique +
                    "` (it describes " + join(code->techniques) + ")");
    if (levels_known && !code->levels.empty()) {
      std::vector<std::string> here;
      for (const auto& l : levels)
        if (has(code->levels, l)) here.push_back(l);
      if (here.empty())
        out.push_back("code " + line.code + what + " describes none of the requested levels (" + join(levels) +
                      "; it describes " + code->levels.front() +
                      (code->levels.size() > 1 ? "-" + code->levels.back() : std::string()) + ")");
      for (const auto& l : here)
        if (!has(covered, l)) covered.push_back(l);
    }
    if (code->add_on) {
      add_on_units += line.units;
      any_add_on_code = true;
    } else {
      primary_units += line.units;
    }
  }
  if (levels_known) {
    std::vector<std::string> missing;
    for (const auto& l : levels)
      if (!has(covered, l)) missing.push_back(l);
    if (!missing.empty() && out.empty())
      out.push_back("no requested code describes level " + join(missing));
    std::uint64_t n = levels.size();
    if (primary_units != 1)
      out.push_back(std::to_string(primary_units) + " units of primary codes for " + std::to_string(n) +
                    (n == 1 ? " level" : " levels") + " (expected 1 primary unit)");
    if (primary_units >= 1 && (add_on_units != n - 1) && (any_add_on_code || n > 1))
      out.push_back(std::to_string(add_on_units) + " units of add-on codes for " + std::to_string(n) +
                    (n == 1 ? " level" : " levels") + " (expected " + std::to_string(n - 1) +
                    ", one per level after the first)");
  }
  return out;
}

}  // namespace pp::model
