#include "serve/davinci/fhir_mapping.h"

#include <algorithm>
#include <cctype>
#include <cmath>

#include "model/embedded_files.h"
#include "model/yaml_reader.h"

namespace pp::davinci {

using model::FactType;
using model::YamlReader;

std::string normalize_icd(const std::string& code) {
  std::string out;
  for (char ch : code)
    if (ch != '.' && !std::isspace(static_cast<unsigned char>(ch)))
      out += static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
  return out;
}

const OrderCode* FhirMapping::find_order_code(const std::string& code) const {
  for (const auto& c : order_codes)
    if (c.code == code) return &c;
  return nullptr;
}

std::string check_fact_value(const model::Vocabulary& v, const std::string& path, const Json& value) {
  int s = v.find_slot(path);
  if (s < 0) return "a fact path of vocabulary `" + v.id + "`, not `" + path + "`";
  const auto& slot = v.slots[static_cast<size_t>(s)];
  const auto& f = v.facts[static_cast<size_t>(slot.fact)];
  auto in_values = [&](const Json& x) {
    return x.is_string() && std::find(f.values.begin(), f.values.end(), x.get<std::string>()) != f.values.end();
  };
  switch (f.type) {
    case FactType::Bool:
    case FactType::Group:
      if (f.type == FactType::Group && slot.member < 0) return "a member of group `" + path + "`, not the group";
      return value.is_boolean() ? "" : "true or false for `" + path + "`";
    case FactType::Number:
      if (!value.is_number()) return "a number for `" + path + "`";
      if (value.get<double>() < f.min || value.get<double>() > f.max || !std::isfinite(value.get<double>()))
        return "a number within the bounds of `" + path + "`";
      return "";
    case FactType::Enum:
      return in_values(value) ? "" : "one of the values of `" + path + "`";
    case FactType::EnumSet:
    case FactType::CodeList:
      if (!value.is_array() || value.empty()) return "a non-empty list of values of `" + path + "`";
      for (const auto& x : value)
        if (!in_values(x)) return "values of `" + path + "` only";
      return "";
  }
  return "a known fact type";
}

namespace {

Json yaml_value(const model::YamlNode& n) {
  if (n.IsSequence()) {
    Json a = Json::array();
    for (const auto& x : n) a.push_back(yaml_value(x));
    return a;
  }
  if (!n.IsScalar()) return Json();
  const std::string s = n.Scalar();
  if (n.IsQuoted()) return s;  // quoted
  if (s == "true") return true;
  if (s == "false") return false;
  char* end = nullptr;
  double d = std::strtod(s.c_str(), &end);
  if (!s.empty() && end && *end == '\0') return d;
  return s;
}

std::vector<FactSetting> read_set(const YamlReader& r, const model::YamlNode& m, const model::Vocabulary& v) {
  std::vector<FactSetting> out;
  const model::YamlNode n = m["set"];
  if (!n) r.fail(m, "expected `set:` (a mapping of fact paths to values)");
  if (!n.IsMap()) r.fail(n, "expected `set` as a mapping of fact paths to values");
  for (const auto& kv : n) {
    FactSetting fs{kv.first.Scalar(), yaml_value(kv.second)};
    std::string why = check_fact_value(v, fs.path, fs.value);
    if (!why.empty()) r.fail(kv.first, "expected " + why);
    out.push_back(std::move(fs));
  }
  return out;
}

// expect_map with no allowed keys accepts any key: used for free mappings.
void expect_any_map(const YamlReader& r, const model::YamlNode& n, const std::string& what) {
  if (!n.IsMap()) r.fail(n, "expected " + what + " as a mapping of keys to values");
}

FhirMapping read_fhir_mapping(const std::string& text, const std::string& file, const model::Vocabulary& v) {
  YamlReader r(file);
  model::YamlNode root = r.parse(text);
  r.expect_map(root, "the FHIR mapping",
               {"fhir_mapping", "version", "canonical_base", "policy_link", "fact_code_system", "payers", "orders",
                "body_sites", "conditions", "observations", "units", "enable_when"});
  FhirMapping m;
  m.file = file;
  m.id = r.str(root, "fhir_mapping");
  if (m.id != v.id) r.fail(root["fhir_mapping"], "expected the mapping of vocabulary `" + v.id + "`, not `" + m.id + "`");
  m.canonical_base = r.str(root, "canonical_base");
  while (!m.canonical_base.empty() && m.canonical_base.back() == '/') m.canonical_base.pop_back();
  m.policy_link = r.str(root, "policy_link");
  m.fact_code_system = r.str(root, "fact_code_system", false);

  if (const auto p = root["payers"]) {
    r.expect_seq(p, "`payers`");
    for (const auto& x : p) {
      r.expect_map(x, "a payer", {"system", "value"});
      m.payers.push_back({r.str(x, "system"), r.str(x, "value")});
    }
  }

  const auto orders = root["orders"];
  if (!orders) r.fail(root, "expected `orders:`");
  r.expect_map(orders, "`orders`", {"resource_types", "code_systems", "codes"});
  m.order_types = r.str_list(orders, "resource_types");
  m.order_code_systems = r.str_list(orders, "code_systems");
  if (!orders["codes"]) r.fail(orders, "missing required key `codes`");
  r.expect_seq(orders["codes"], "`orders.codes`");
  for (const auto& c : orders["codes"]) {
    r.expect_map(c, "an order code", {"code", "set", "note"});
    m.order_codes.push_back({r.str(c, "code"), read_set(r, c, v), r.str(c, "note", false)});
  }

  if (const auto b = root["body_sites"]) {
    r.expect_map(b, "`body_sites`", {"read_level_names", "codes"});
    m.read_level_names = r.boolean(b, "read_level_names", true);
    if (const auto codes = b["codes"]) {
      r.expect_seq(codes, "`body_sites.codes`");
      for (const auto& c : codes) {
        r.expect_map(c, "a body site code", {"system", "code", "levels", "note"});
        BodySiteCode bc{r.str(c, "system"), r.str(c, "code"), r.str_list(c, "levels")};
        std::string why = check_fact_value(v, "request.levels", Json(bc.levels));
        if (!why.empty()) r.fail(c, "expected " + why);
        m.body_site_codes.push_back(std::move(bc));
      }
    }
  }

  if (const auto c = root["conditions"]) {
    r.expect_map(c, "`conditions`", {"code_systems", "rules"});
    m.condition_systems = r.str_list(c, "code_systems");
    if (!c["rules"]) r.fail(c, "missing required key `rules`");
    r.expect_seq(c["rules"], "`conditions.rules`");
    for (const auto& x : c["rules"]) {
      r.expect_map(x, "a condition rule", {"codes", "with", "set", "note"});
      ConditionRule rule;
      for (const auto& code : r.str_list(x, "codes")) rule.codes.push_back(normalize_icd(code));
      if (rule.codes.empty()) r.fail(x, "expected at least one code in `codes`");
      if (x["with"])
        for (const auto& code : r.str_list(x, "with")) rule.with.push_back(normalize_icd(code));
      rule.set = read_set(r, x, v);
      rule.note = r.str(x, "note", false);
      m.condition_rules.push_back(std::move(rule));
    }
  }

  if (const auto o = root["observations"]) {
    r.expect_seq(o, "`observations`");
    for (const auto& x : o) {
      r.expect_map(x, "an observation rule", {"system", "code", "fact", "units", "note"});
      ObservationRule rule{r.str(x, "system"), r.str(x, "code"), r.str(x, "fact"), {}};
      int s = v.find_slot(rule.fact);
      if (s < 0) r.fail(x["fact"], "expected a fact path of vocabulary `" + v.id + "`");
      if (const auto u = x["units"]) {
        expect_any_map(r, u, "`units`");
        for (const auto& kv : u) rule.units[kv.first.Scalar()] = r.number(u, kv.first.Scalar().c_str(), 1.0);
      }
      m.observations.push_back(std::move(rule));
    }
  }

  if (const auto u = root["units"]) {
    expect_any_map(r, u, "`units`");
    for (const auto& kv : u) {
      const std::string path = kv.first.Scalar();
      int f = v.find_fact(path);
      if (f < 0 || v.facts[static_cast<size_t>(f)].type != FactType::Number)
        r.fail(kv.first, "expected the path of a number fact, not `" + path + "`");
      r.expect_map(kv.second, "a unit", {"code", "display"});
      m.units[path] = {r.str(kv.second, "code"), r.str(kv.second, "display")};
    }
  }

  if (const auto e = root["enable_when"]) {
    r.expect_seq(e, "`enable_when`");
    for (const auto& x : e) {
      r.expect_map(x, "an enable_when entry", {"question", "when", "equals", "note"});
      EnableWhen ew{r.str(x, "question"), r.str(x, "when"), yaml_value(x["equals"])};
      if (v.find_slot(ew.question) < 0) r.fail(x["question"], "expected a fact path, not `" + ew.question + "`");
      std::string why = check_fact_value(v, ew.when, ew.equals);
      if (!why.empty()) r.fail(x, "expected " + why);
      m.enable_when.push_back(std::move(ew));
    }
  }
  return m;
}

}  // namespace

FhirMapping load_fhir_mapping(const std::string& text, const std::string& file, const model::Vocabulary& v) {
  return YamlReader(file).guarded([&] { return read_fhir_mapping(text, file, v); });
}

std::shared_ptr<const FhirMapping> load_bundled_fhir_mapping(const model::Vocabulary& vocab) {
  const std::string name = vocab.id + ".fhir.yaml";
  auto text = model::embedded_file(name);
  if (!text) return nullptr;
  return std::make_shared<const FhirMapping>(load_fhir_mapping(std::string(*text), "<bundled>/" + name, vocab));
}

}  // namespace pp::davinci
