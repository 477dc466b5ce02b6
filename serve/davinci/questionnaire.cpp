// The questionnaires generated from a policy's vocabulary (DTR), and the
// facts FHIR resources state (CRD prefetch -> partial case).
#include <algorithm>
#include <cctype>
#include <cmath>
#include <functional>
#include <regex>

#include "serve/davinci/davinci.h"

namespace pp::davinci {

using model::FactType;

namespace {

std::string humanize(const std::string& s) {
  std::string out = s;
  std::replace(out.begin(), out.end(), '_', ' ');
  return out;
}

const char* kCpt = "http://www.ama-assn.org/go/cpt";

std::string value_system(const FhirMapping& m, const model::Fact& f) {
  if (f.type == FactType::CodeList) return kCpt;
  return m.canonical_base + "/CodeSystem/" + m.id + "/" + f.path;
}

}  // namespace

Json question_item(const model::Policy& p, const FhirMapping& m, int slot) {
  const auto& v = p.vocab;
  const auto& sl = v.slots[static_cast<size_t>(slot)];
  const auto& f = v.facts[static_cast<size_t>(sl.fact)];
  Json item = {{"linkId", sl.path}};
  switch (f.type) {
    case FactType::Bool:
      item["text"] = f.description;
      item["type"] = "boolean";
      break;
    case FactType::Group: {
      const auto& mem = f.members[static_cast<size_t>(sl.member)];
      item["text"] = f.description + ": " + mem.text;
      item["type"] = "boolean";
      break;
    }
    case FactType::Number: {
      item["text"] = f.description;
      item["type"] = "decimal";
      Json ext = Json::array();
      ext.push_back({{"url", "http://hl7.org/fhir/StructureDefinition/minValue"}, {"valueDecimal", f.min}});
      if (f.max < 1e300)
        ext.push_back({{"url", "http://hl7.org/fhir/StructureDefinition/maxValue"}, {"valueDecimal", f.max}});
      auto u = m.units.find(f.path);
      if (u != m.units.end())
        ext.push_back({{"url", "http://hl7.org/fhir/StructureDefinition/questionnaire-unit"},
                       {"valueCoding", {{"system", "http://unitsofmeasure.org"}, {"code", u->second.code},
                                        {"display", u->second.display}}}});
      item["extension"] = ext;
      break;
    }
    case FactType::Enum:
    case FactType::EnumSet:
    case FactType::CodeList: {
      item["text"] = f.description;
      item["type"] = "choice";
      if (f.type != FactType::Enum) item["repeats"] = true;
      Json opts = Json::array();
      const std::string system = value_system(m, f);
      for (const auto& val : f.values)
        opts.push_back({{"valueCoding", {{"system", system}, {"code", val},
                                         {"display", f.type == FactType::CodeList ? val : humanize(val)}}}});
      item["answerOption"] = opts;
      break;
    }
  }
  item["required"] = false;
  return item;
}

Json make_questionnaire(const model::Policy& p, const FhirMapping& m, const std::string& url) {
  const auto& v = p.vocab;
  Json items = Json::array();
  for (const auto& f : v.facts) {
    if (f.type == FactType::Group) {
      Json g = {{"linkId", f.path}, {"text", f.description}, {"type", "group"}};
      Json kids = Json::array();
      for (int s : f.slots) kids.push_back(question_item(p, m, s));
      g["item"] = kids;
      items.push_back(g);
    } else {
      items.push_back(question_item(p, m, f.slots.at(0)));
    }
  }
  // enableWhen (data): find the item wherever it is nested.
  std::function<Json*(Json&, const std::string&)> find = [&](Json& list, const std::string& id) -> Json* {
    for (auto& it : list) {
      if (it["linkId"] == id) return &it;
      if (it.contains("item"))
        if (Json* x = find(it["item"], id)) return x;
    }
    return nullptr;
  };
  for (const auto& ew : m.enable_when) {
    Json* q = find(items, ew.question);
    if (!q) continue;
    Json cond = {{"question", ew.when}, {"operator", "="}};
    // A boolean condition is written "!= the other value": shown unless the
    // answer is known to be the other one (and FHIR.js reads answerBoolean
    // false as missing).
    if (ew.equals.is_boolean()) {
      cond["operator"] = "!=";
      cond["answerBoolean"] = !ew.equals.get<bool>();
    }
    else if (ew.equals.is_number()) cond["answerDecimal"] = ew.equals;
    else cond["answerCoding"] = {{"code", ew.equals}};
    (*q)["enableWhen"].push_back(cond);
    (*q)["enableBehavior"] = "all";
  }
  std::string id = url.substr(url.rfind('/') + 1);
  Json q = {{"resourceType", "Questionnaire"},
            {"id", id},
            {"meta", {{"profile", {"http://hl7.org/fhir/us/davinci-dtr/StructureDefinition/dtr-std-questionnaire"}}}},
            {"url", url},
            {"version", p.version},
            {"name", "PolicyProof_" + std::regex_replace(p.id, std::regex("[^A-Za-z0-9]"), "_")},
            {"title", p.id + " " + p.title + " (" + p.version + ")"},
            {"status", "active"},
            {"subjectType", {"Patient"}},
            {"description", "Every fact " + p.id + " decides on, one question each; the linkId of each question is the "
                            "fact's path in the case format. Generated from vocabulary `" + v.id + "`."},
            {"item", items}};
  return q;
}

// ---------------------------------------------------------------- FHIR -> facts

namespace {

bool coding_in(const Json& cc, const std::vector<std::string>& systems, std::vector<std::string>& codes) {
  bool any = false;
  if (!cc.is_object() || !cc.contains("coding") || !cc["coding"].is_array()) return false;
  for (const auto& c : cc["coding"]) {
    if (!c.is_object() || !c.contains("code") || !c["code"].is_string()) continue;
    std::string sys = c.value("system", "");
    if (std::find(systems.begin(), systems.end(), sys) == systems.end()) continue;
    codes.push_back(c["code"].get<std::string>());
    any = true;
  }
  return any;
}

// Resources of a prefetch entry: a Bundle's entries, or the resource itself.
std::vector<const Json*> resources_of(const Json& x) {
  std::vector<const Json*> out;
  if (!x.is_object()) return out;
  if (x.value("resourceType", "") == "Bundle") {
    if (x.contains("entry") && x["entry"].is_array())
      for (const auto& e : x["entry"])
        if (e.is_object() && e.contains("resource") && e["resource"].is_object()) out.push_back(&e["resource"]);
  } else if (x.contains("resourceType")) {
    out.push_back(&x);
  }
  return out;
}

bool status_code_is(const Json& r, const char* field, std::initializer_list<const char*> codes) {
  if (!r.contains(field) || !r[field].is_object() || !r[field].contains("coding")) return false;
  for (const auto& c : r[field]["coding"])
    for (const char* code : codes)
      if (c.is_object() && c.value("code", "") == code) return true;
  return false;
}

struct FactSink {
  Json facts = Json::object();
  std::vector<std::string> conflicted;
  void set(const std::string& path, const Json& value) {
    if (std::find(conflicted.begin(), conflicted.end(), path) != conflicted.end()) return;
    if (facts.contains(path) && facts[path] != value) {
      facts.erase(path);
      conflicted.push_back(path);
      return;
    }
    facts[path] = value;
  }
};

}  // namespace

Json facts_from_fhir(const model::Vocabulary& v, const FhirMapping& m, const Json& order, const Json& prefetch) {
  FactSink sink;
  // The order: its codes, its body site.
  std::vector<std::string> codes;
  coding_in(order.value("code", Json::object()), m.order_code_systems, codes);
  Json cpt = Json::array();
  for (const auto& c : codes) {
    const OrderCode* oc = m.find_order_code(c);
    if (!oc) continue;
    for (const auto& fs : oc->set) sink.set(fs.path, fs.value);
    cpt.push_back(c);
  }
  if (!cpt.empty() && check_fact_value(v, "request.cpt", cpt).empty()) sink.set("request.cpt", cpt);
  std::vector<std::string> levels;
  if (order.contains("bodySite") && order["bodySite"].is_array()) {
    int lf = v.find_fact("request.levels");
    std::vector<std::string> names = lf >= 0 ? v.facts[static_cast<size_t>(lf)].values : std::vector<std::string>{};
    auto add = [&](const std::string& l) {
      if (std::find(levels.begin(), levels.end(), l) == levels.end()) levels.push_back(l);
    };
    auto scan = [&](const std::string& text) {
      if (!m.read_level_names) return;
      static const std::regex word("[A-Za-z]+[0-9]*");
      for (auto it = std::sregex_iterator(text.begin(), text.end(), word); it != std::sregex_iterator(); ++it) {
        std::string w = it->str();
        for (const auto& n : names) {
          bool eq = w.size() == n.size() &&
                    std::equal(w.begin(), w.end(), n.begin(), [](char a, char b) {
                      return std::tolower(static_cast<unsigned char>(a)) == std::tolower(static_cast<unsigned char>(b));
                    });
          if (eq) add(n);
        }
      }
    };
    for (const auto& bs : order["bodySite"]) {
      if (!bs.is_object()) continue;
      if (bs.contains("text") && bs["text"].is_string()) scan(bs["text"].get<std::string>());
      if (bs.contains("coding") && bs["coding"].is_array())
        for (const auto& c : bs["coding"]) {
          if (!c.is_object()) continue;
          bool mapped = false;
          for (const auto& bc : m.body_site_codes)
            if (c.value("system", "") == bc.system && c.value("code", "") == bc.code) {
              for (const auto& l : bc.levels) add(l);
              mapped = true;
            }
          if (!mapped) {
            if (c.contains("display") && c["display"].is_string()) scan(c["display"].get<std::string>());
            if (c.contains("code") && c["code"].is_string()) scan(c["code"].get<std::string>());
          }
        }
    }
  }
  if (!levels.empty()) {
    Json lv = levels;
    if (sink.facts.contains("request.levels")) {  // a code's levels (sacroplasty) and the body site's
      for (const auto& l : sink.facts["request.levels"])
        if (std::find(levels.begin(), levels.end(), l.get<std::string>()) == levels.end()) lv.push_back(l);
      sink.facts["request.levels"] = lv;
    } else {
      sink.set("request.levels", lv);
    }
  }

  // Conditions.
  std::vector<std::string> dx;
  for (const auto& [key, val] : prefetch.items()) {
    (void)key;
    for (const Json* r : resources_of(val)) {
      if (r->value("resourceType", "") != "Condition") continue;
      if (r->contains("clinicalStatus") && !status_code_is(*r, "clinicalStatus", {"active", "recurrence", "relapse"}))
        continue;
      if (status_code_is(*r, "verificationStatus", {"refuted", "entered-in-error"})) continue;
      std::vector<std::string> cs;
      coding_in(r->value("code", Json::object()), m.condition_systems, cs);
      for (auto& c : cs) dx.push_back(normalize_icd(c));
    }
  }
  auto has_prefix = [&](const std::vector<std::string>& prefixes) {
    for (const auto& d : dx)
      for (const auto& p : prefixes)
        if (d.compare(0, p.size(), p) == 0) return true;
    return false;
  };
  for (const auto& rule : m.condition_rules) {
    if (!has_prefix(rule.codes)) continue;
    if (!rule.with.empty() && !has_prefix(rule.with)) continue;
    for (const auto& fs : rule.set) sink.set(fs.path, fs.value);
  }

  // Observations.
  for (const auto& [key, val] : prefetch.items()) {
    (void)key;
    for (const Json* r : resources_of(val)) {
      if (r->value("resourceType", "") != "Observation") continue;
      std::string st = r->value("status", "");
      if (st != "final" && st != "amended" && st != "corrected") continue;
      const Json code = r->value("code", Json::object());
      if (!code.contains("coding") || !code["coding"].is_array()) continue;
      for (const auto& c : code["coding"]) {
        if (!c.is_object()) continue;
        std::string sys = c.value("system", ""), cd = c.value("code", "");
        std::string fact;
        const ObservationRule* rule = nullptr;
        for (const auto& o : m.observations)
          if (o.system == sys && o.code == cd) { rule = &o; fact = o.fact; }
        if (!rule && !m.fact_code_system.empty() && sys == m.fact_code_system && v.find_slot(cd) >= 0) fact = cd;
        if (fact.empty()) continue;
        Json value;
        if (r->contains("valueBoolean")) value = (*r)["valueBoolean"];
        else if (r->contains("valueInteger")) value = (*r)["valueInteger"].get<double>();
        else if (r->contains("valueQuantity") && (*r)["valueQuantity"].contains("value")) {
          const Json& q = (*r)["valueQuantity"];
          double x = q["value"].is_number() ? q["value"].get<double>() : NAN;
          std::string unit = q.value("code", q.value("unit", ""));
          double factor = 1;
          if (rule && !rule->units.empty()) {
            auto u = rule->units.find(unit);
            if (u == rule->units.end()) continue;  // a unit we cannot convert says nothing
            factor = u->second;
          }
          value = x * factor;
        } else if (r->contains("valueCodeableConcept")) {
          const Json& cc = (*r)["valueCodeableConcept"];
          if (cc.contains("coding") && cc["coding"].is_array() && !cc["coding"].empty())
            value = cc["coding"][0].value("code", "");
        } else if (r->contains("valueString")) {
          value = (*r)["valueString"];
        }
        if (value.is_null() || !check_fact_value(v, fact, value).empty()) continue;
        sink.set(fact, value);
      }
    }
  }
  return sink.facts;
}

Json case_json_from_facts(const model::Vocabulary& v, const Json& facts) {
  Json out = Json::object();
  for (const auto& [path, value] : facts.items()) {
    Json* at = &out;
    size_t start = 0;
    while (true) {
      size_t dot = path.find('.', start);
      std::string part = path.substr(start, dot == std::string::npos ? std::string::npos : dot - start);
      if (dot == std::string::npos) {
        int s = v.find_slot(path);
        const auto* f = s >= 0 ? &v.facts[static_cast<size_t>(v.slots[static_cast<size_t>(s)].fact)] : nullptr;
        if (f && f->type == FactType::CodeList) {
          Json lines = Json::array();
          for (const auto& c : value) lines.push_back({{"code", c}, {"units", 1}});
          (*at)[part] = lines;
        } else {
          (*at)[part] = value;
        }
        break;
      }
      at = &(*at)[part];
      start = dot + 1;
    }
  }
  return out;
}

}  // namespace pp::davinci
