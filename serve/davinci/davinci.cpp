#include "serve/davinci/davinci.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <ctime>
#include <functional>
#include <tuple>
#include <map>
#include <random>
#include <stdexcept>

#include "explain/explainer.h"
#include "explain/explanation_writer.h"
#include "model/case_reader.h"
#include "model/evaluator.h"
#include "model/expr.h"
#include "solver/case_engine.h"

namespace pp::davinci {

using model::Decision;
using model::FactType;

namespace {

const char* kCiUrl = "http://hl7.org/fhir/us/davinci-crd/StructureDefinition/ext-coverage-information";
const char* kTemp = "http://hl7.org/fhir/us/davinci-crd/CodeSystem/temp";
const char* kQrContext = "http://hl7.org/fhir/us/davinci-dtr/StructureDefinition/qr-context";
const char* kAdaptiveExt = "http://hl7.org/fhir/uv/sdc/StructureDefinition/sdc-questionnaire-questionnaireAdaptive";
const char* kCardType = "http://terminology.hl7.org/CodeSystem/cdshooks-card-type";
const char* kPaQuestion = "prior-authorization.issue-identifier";

std::string lower(std::string s) {
  for (auto& ch : s) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
  return s;
}

std::string random_id() {
  thread_local std::mt19937_64 rng(std::random_device{}() ^
                                   static_cast<std::uint64_t>(std::chrono::steady_clock::now().time_since_epoch().count()));
  std::uint64_t a = rng(), b = rng();
  char buf[40];
  std::snprintf(buf, sizeof buf, "%08x-%04x-4%03x-a%03x-%012llx", static_cast<unsigned>(a >> 32),
                static_cast<unsigned>((a >> 16) & 0xffff), static_cast<unsigned>(a & 0xfff),
                static_cast<unsigned>((b >> 48) & 0xfff), static_cast<unsigned long long>(b & 0xffffffffffffULL));
  return buf;
}

std::string now_instant() {
  std::time_t t = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

Reply json_reply(int status, const Json& body) {
  Reply r;
  r.status = status;
  r.body = body.dump();
  r.content_type = status >= 400 ? "application/fhir+json" : "application/json";
  return r;
}

Reply fhir_reply(int status, const Json& body) {
  Reply r = json_reply(status, body);
  r.content_type = "application/fhir+json";
  return r;
}

Reply bad_request(const std::string& msg, const std::string& expression = "", const std::string& code = "invalid",
                  int status = 400) {
  return fhir_reply(status, operation_outcome("error", code, msg, expression));
}

// Thrown inside handlers for a 400 with an OperationOutcome.
struct BadInput : std::runtime_error {
  std::string expression;
  int status;
  BadInput(const std::string& m, std::string e = "", int s = 400) : std::runtime_error(m), expression(std::move(e)), status(s) {}
};

Json parse_body(std::string_view body) {
  Json j = Json::parse(body.begin(), body.end(), nullptr, false);
  if (j.is_discarded()) throw BadInput("the body is not valid JSON");
  if (!j.is_object()) throw BadInput("expected a JSON object");
  return j;
}

Json ext(const char* url, const char* type, Json value) { return {{"url", url}, {type, std::move(value)}}; }

std::string criterion_sentence(const model::Policy& p, const model::Criterion& c) {
  return p.id + " " + c.section + " (" + c.id + "): \"" + c.text + "\"";
}

Json policy_link(const PolicyEntry& e, const model::Criterion& c) {
  std::string link = e.mapping->policy_link;
  auto rep = [&](const std::string& key, const std::string& val) {
    for (size_t at; (at = link.find(key)) != std::string::npos;) link.replace(at, key.size(), val);
  };
  rep("{policy}", e.policy->id);
  rep("{version}", e.policy->version);
  rep("{criterion}", c.id);
  return {{"url", "detail"},
          {"extension",
           {ext("category", "valueCode", "cat-other"),
            ext("code", "valueCodeableConcept", {{"coding", {{{"system", kTemp}, {"code", "policy-link"}}}}}),
            ext("value", "valueUrl", link), ext("qualification", "valueString", c.title)}}};
}

Json instructions_detail(const std::string& text) {
  return {{"url", "detail"},
          {"extension",
           {ext("category", "valueCode", "cat-other"),
            ext("code", "valueCodeableConcept", {{"coding", {{{"system", kTemp}, {"code", "instructions"}}}}}),
            ext("value", "valueString", text)}}};
}

Json reason(const std::string& text, const char* code = nullptr) {
  Json cc = {{"text", text}};
  if (code) cc["coding"] = {{{"system", kTemp}, {"code", code}}};
  return ext("reason", "valueCodeableConcept", cc);
}

std::string describe_slot(const model::Policy& p, int s) {
  const auto& sl = p.vocab.slots[static_cast<size_t>(s)];
  const auto& f = p.vocab.facts[static_cast<size_t>(sl.fact)];
  if (sl.member >= 0) return f.members[static_cast<size_t>(sl.member)].text + " (" + sl.path + ")";
  return f.description + " (" + sl.path + ")";
}

}  // namespace

const char* to_string(Determination d) {
  switch (d) {
    case Determination::Approved: return "approved";
    case Determination::Denied: return "denied";
    case Determination::Undetermined: return "undetermined";
    case Determination::OutOfScope: return "out_of_scope";
    case Determination::Failure: return "failure";
  }
  return "?";
}

Json operation_outcome(const std::string& severity, const std::string& code, const std::string& diagnostics,
                       const std::string& expression) {
  Json issue = {{"severity", severity}, {"code", code}, {"diagnostics", diagnostics}};
  if (!expression.empty()) issue["expression"] = {expression};
  return {{"resourceType", "OperationOutcome"}, {"issue", {issue}}};
}

// ---------------------------------------------------------------- engines per thread

struct DavinciService::Engines {
  std::shared_ptr<const model::Policy> policy;
  explain::Explainer explainer;
  model::CaseReader reader;
  model::Evaluator evaluator;
  Engines(std::shared_ptr<const model::Policy> p, solver::Limits l)
      : policy(p), explainer(p, l), reader(*p), evaluator(*p) {}
  solver::CaseEngine& engine() { return explainer.engine(); }
};

DavinciService::Engines& DavinciService::engines(const PolicyEntry& e) {
  struct Key {
    const model::Policy* p;
    unsigned rlimit, timeout;
    bool operator<(const Key& o) const {
      return std::tie(p, rlimit, timeout) < std::tie(o.p, o.rlimit, o.timeout);
    }
  };
  thread_local std::map<Key, std::unique_ptr<Engines>> cache;
  Key k{e.policy.get(), options_.limits.rlimit, options_.limits.timeout_ms};
  auto it = cache.find(k);
  if (it == cache.end()) it = cache.emplace(k, std::make_unique<Engines>(e.policy, options_.limits)).first;
  return *it->second;
}

DavinciService::DavinciService(std::vector<std::shared_ptr<const model::Policy>> policies, ServiceOptions options,
                               std::vector<std::shared_ptr<const FhirMapping>> mappings)
    : options_(std::move(options)) {
  for (size_t i = 0; i < policies.size(); ++i) {
    PolicyEntry e;
    e.policy = policies[i];
    e.mapping = i < mappings.size() && mappings[i] ? mappings[i] : load_bundled_fhir_mapping(e.policy->vocab);
    if (!e.mapping)
      throw std::invalid_argument("no FHIR mapping for vocabulary `" + e.policy->vocab.id + "` (expected " +
                                  e.policy->vocab.id + ".fhir.yaml)");
    e.key = lower(e.policy->id);
    e.questionnaire_url = e.mapping->canonical_base + "/Questionnaire/" + e.key;
    e.adaptive_url = e.mapping->canonical_base + "/Questionnaire/" + e.key + "-adaptive";
    e.questionnaire = make_questionnaire(*e.policy, *e.mapping, e.questionnaire_url);
    entries_.push_back(std::move(e));
  }
}

DavinciService::~DavinciService() = default;

std::string DavinciService::today() const {
  if (!options_.today.empty()) return options_.today;
  return now_instant().substr(0, 10);
}

void DavinciService::remember_seed(const std::string& id, const Json& answers) {
  std::lock_guard<std::mutex> lock(seed_mutex_);
  if (options_.seed_cache == 0) return;
  if (seeds_.size() >= options_.seed_cache && !seed_order_.empty()) {
    seeds_.erase(seed_order_.front());
    seed_order_.erase(seed_order_.begin());
  }
  seeds_[id] = answers;
  seed_order_.push_back(id);
}

void DavinciService::remember_choice(const std::string& key, int slot) {
  std::lock_guard<std::mutex> lock(choice_mutex_);
  if (choices_.size() >= 65536) choices_.clear();
  choices_[key] = slot;
}

Json DavinciService::recall_seed(const std::string& id) const {
  std::lock_guard<std::mutex> lock(seed_mutex_);
  auto it = seeds_.find(id);
  return it == seeds_.end() ? Json() : it->second;
}

// ---------------------------------------------------------------- discovery

Reply DavinciService::discovery() const {
  Json services = Json::array();
  for (const auto& e : entries_) {
    std::string obs_codes;
    for (const auto& o : e.mapping->observations) obs_codes += (obs_codes.empty() ? "" : ",") + o.system + "|" + o.code;
    Json prefetch = {{"patient", "Patient/{{context.patientId}}"},
                     {"coverage", "Coverage?patient={{context.patientId}}&status=active"},
                     {"conditions", "Condition?patient={{context.patientId}}&clinical-status=active"},
                     {"observations", "Observation?patient={{context.patientId}}" +
                                          (obs_codes.empty() ? std::string() : "&code=" + obs_codes)}};
    for (const char* hook : {"order-sign", "order-select"}) {
      services.push_back(
          {{"hook", hook},
           {"id", e.key + "-" + hook},
           {"title", e.policy->id + " " + e.policy->title + " (" + hook + ")"},
           {"description", "Coverage requirements for vertebral augmentation orders under " + e.policy->id + " " +
                               e.policy->version + ": the order is decided against the policy; the answer is a "
                               "coverage-information system action (Da Vinci CRD)."},
           {"prefetch", prefetch},
           {"extension", {{"davinci-crd.version", {"2.2"}},
                          {"davinci-crd.configuration-options",
                           {{{"code", "coverage-info"}, {"type", "boolean"}, {"name", "Coverage Information"},
                             {"description", "Coverage, prior authorization and documentation requirements"},
                             {"default", true}}}}}}});
    }
  }
  return json_reply(200, {{"services", services}});
}

// ---------------------------------------------------------------- decisions

Determination DavinciService::determine(const PolicyEntry& e, const model::Case& c) {
  auto& en = engines(e);
  solver::CaseResult r = en.engine().evaluate(c);
  if (!r.exact) return Determination::Failure;
  switch (r.decision) {
    case Decision::MedicallyNecessary: return Determination::Approved;
    case Decision::NotMedicallyNecessary: return Determination::Denied;
    default: return Determination::Undetermined;
  }
}

// The coverage-information extension for a case (and, for a denial with
// actionable corrections, an instructions card in *cards).
Json DavinciService::coverage_information(const PolicyEntry& e, const model::Case& c, const std::string& coverage_ref,
                                          bool order_select, bool from_dtr, const Json& billing, Json& audit,
                                          Json* cards, const std::string& order_ref, bool issue_pa_id) {
  const auto& p = *e.policy;
  auto& en = engines(e);
  Json parts = Json::array();
  Json reasons = Json::array(), details = Json::array();
  std::string covered, pa, doc, info, questionnaire, satisfied;
  Determination d = Determination::Failure;
  std::string failure;
  explain::Explanation ex;
  try {
    model::Case closed = c;
    en.evaluator.close_under_relations(closed);
    solver::CaseResult r = en.engine().evaluate(closed);
    ex.closed = closed;
    ex.result = r;
    if (!r.exact) {
      failure = "the solver reached its limit: " + r.reason;
    } else if (r.decision == Decision::MedicallyNecessary) {
      d = Determination::Approved;
    } else if (r.decision == Decision::NotMedicallyNecessary) {
      d = Determination::Denied;
    } else {
      d = Determination::Undetermined;
    }
  } catch (const std::exception& x) {
    failure = x.what();
  }
  const auto& ev = ex.result.evaluation;
  switch (d) {
    case Determination::Approved: {
      covered = "covered";
      for (const auto& ps : model::pathway_statuses(p, ev))
        if (ps.status == model::Tri::True) {
          const auto& cr = p.criteria[static_cast<size_t>(ps.criterion)];
          reasons.push_back(reason("Meets " + criterion_sentence(p, cr)));
          details.push_back(policy_link(e, cr));
        }
      if (issue_pa_id) {
        pa = "satisfied";
      } else {
        pa = "auth-needed";
        reasons.push_back(reason("The criteria are met; request prior authorization with the completed form."));
      }
      break;
    }
    case Determination::Denied: {
      covered = "not-covered";
      std::vector<int> why = model::applying_exclusions(p, ev);
      if (why.empty()) why = model::unmet_criteria(p, ev);
      if (why.empty()) {
        reasons.push_back(reason(p.id + " " + p.default_denial_section + ": \"" + p.default_denial_text + "\""));
      }
      for (int x : why) {
        const auto& cr = p.criteria[static_cast<size_t>(x)];
        reasons.push_back(reason("Not medically necessary under " + criterion_sentence(p, cr)));
        details.push_back(policy_link(e, cr));
      }
      if (cards && !order_select) {
        try {
          explain::ExplainOptions eo;
          eo.max = 5;
          explain::Explanation full = en.explainer.explain(c, eo);
          std::string text;
          int n = 0;
          for (const auto& k : full.mcs.corrections) {
            if (!k.actionable) continue;
            ++n;
            text += "- ";
            for (size_t i = 0; i < k.changes.size(); ++i) {
              const auto& ch = k.changes[i];
              text += (i ? "; and " : "") + std::string("change ") + describe_slot(p, ch.slot) + " from " +
                      explain::slot_value_json(p, ch.slot, ch.from, c.cpt) + " to " +
                      explain::slot_value_json(p, ch.slot, ch.to, c.cpt);
            }
            text += "\n";
          }
          if (n > 0) {
            std::string summary = "Not covered as ordered: " + std::to_string(n) + " change" + (n == 1 ? "" : "s") +
                                  " would meet " + p.id;
            cards->push_back(
                {{"uuid", random_id()},
                 {"summary", summary.substr(0, 140)},
                 {"indicator", "warning"},
                 {"detail", "Each of these sets of changes would make the order medically necessary under " + p.id +
                                " " + p.version + " (checked against the policy):\n\n" + text},
                 {"source",
                  {{"label", p.id + " " + p.version},
                   {"topic", {{"system", kCardType}, {"code", "therapy-alternatives-req"},
                              {"display", "Required Therapy Alternatives"}}}}},
                 {"extension", {{"davinci-crd.associated-resource", {{{"reference", order_ref}}}}}}});
          }
        } catch (const std::exception&) {
          // Corrections are advice: without them the determination stands.
        }
      }
      break;
    }
    case Determination::Undetermined: {
      covered = "conditional";
      pa = "auth-needed";
      info = "OTH";
      std::string facts;
      for (int s : ex.result.decisive_unknowns) facts += (facts.empty() ? "" : "; ") + describe_slot(p, s);
      reasons.push_back(reason("Coverage under " + p.id + " " + p.version +
                               " depends on what the record does not show: " + facts));
      for (const auto& ps : model::pathway_statuses(p, ev))
        if (ps.status == model::Tri::Unknown) details.push_back(policy_link(e, p.criteria[static_cast<size_t>(ps.criterion)]));
      if (!order_select && !from_dtr) {
        doc = "clinical";
        questionnaire = e.adaptive_url + "|" + p.version;
        details.push_back(instructions_detail("Complete the adaptive questionnaire " + e.adaptive_url +
                                              ": it asks only what still decides the order."));
      }
      break;
    }
    case Determination::OutOfScope:
      break;
    case Determination::Failure:
      covered = "indeterminate";
      pa = "indeterminate";
      reasons.push_back(reason("The payer could not evaluate " + p.id + " for this order: " + failure, "technical"));
      break;
  }

  const std::string assertion = random_id();
  parts.push_back(ext("coverage", "valueReference", {{"reference", coverage_ref}}));
  parts.push_back(ext("covered", "valueCode", covered));
  if (!pa.empty()) parts.push_back(ext("pa-needed", "valueCode", pa));
  if (!doc.empty()) {
    parts.push_back(ext("doc-needed", "valueCode", doc));
    parts.push_back(ext("doc-purpose", "valueCode", "withpa"));
  }
  if (!info.empty()) parts.push_back(ext("info-needed", "valueCode", info));
  for (const auto& b : billing) parts.push_back(ext("billingCode", "valueCoding", b));
  for (auto& r : reasons) parts.push_back(r);
  for (auto& x : details) parts.push_back(x);
  if (!questionnaire.empty()) parts.push_back(ext("questionnaire", "valueCanonical", questionnaire));
  parts.push_back(ext("date", "valueDate", today()));
  parts.push_back(ext("coverage-assertion-id", "valueString", assertion));
  if (pa == "satisfied") parts.push_back(ext("satisfied-pa-id", "valueString", "PA-" + assertion));
  audit = {{"decision", to_string(d)},
           {"coverage_assertion_id", assertion},
           {"covered", covered},
           {"pa_needed", pa.empty() ? Json() : Json(pa)},
           {"decision_exact", failure.empty()}};
  if (d == Determination::Undetermined) {
    Json unknowns = Json::array();
    for (int s : ex.result.decisive_unknowns) unknowns.push_back(p.vocab.slots[static_cast<size_t>(s)].path);
    audit["decisive_unknowns"] = unknowns;
  }
  return {{"url", kCiUrl}, {"extension", parts}};
}

// ---------------------------------------------------------------- CRD

Reply DavinciService::hook(std::string_view service_id, std::string_view body) {
  const PolicyEntry* entry = nullptr;
  std::string hook_name;
  for (const auto& e : entries_)
    for (const char* h : {"order-sign", "order-select"})
      if (service_id == e.key + "-" + h) {
        entry = &e;
        hook_name = h;
      }
  if (!entry) return bad_request("no CDS service `" + std::string(service_id) + "`", "", "not-found", 404);
  try {
    Json req = parse_body(body);
    return crd(*entry, hook_name, req);
  } catch (const BadInput& b) {
    Reply r = bad_request(b.what(), b.expression, "invalid", b.status);
    r.audit.push_back({{"service", std::string(service_id)}, {"status", b.status}, {"error", b.what()}});
    return r;
  } catch (const Json::exception& x) {
    // A resource of an unexpected shape somewhere a value was read.
    Reply r = bad_request(std::string("unexpected JSON structure: ") + x.what());
    r.audit.push_back({{"service", std::string(service_id)}, {"status", 400}, {"error", x.what()}});
    return r;
  } catch (const std::exception& x) {
    return bad_request(std::string("internal error: ") + x.what(), "", "exception", 500);
  }
}

namespace {

const Json& need(const Json& obj, const char* key, const std::string& where, bool (Json::*is)() const noexcept,
                 const char* what) {
  if (!obj.contains(key) || !(obj[key].*is)())
    throw BadInput("expected `" + where + "." + key + "` (" + what + ")", where + "." + key);
  return obj[key];
}

}  // namespace

Reply DavinciService::crd(const PolicyEntry& e, const std::string& hook_name, const Json& req) {
  const auto& m = *e.mapping;
  const auto& p = *e.policy;
  const Json& hook = need(req, "hook", "request", &Json::is_string, "the hook name");
  if (hook.get<std::string>() != hook_name)
    throw BadInput("hook `" + hook.get<std::string>() + "` sent to the " + hook_name + " service", "request.hook");
  const std::string instance = need(req, "hookInstance", "request", &Json::is_string, "a string").get<std::string>();
  const Json& context = need(req, "context", "request", &Json::is_object, "an object");
  const Json& orders = need(context, "draftOrders", "context", &Json::is_object, "a Bundle of the draft orders");
  if (orders.value("resourceType", "") != "Bundle") throw BadInput("expected `context.draftOrders` to be a Bundle", "context.draftOrders");
  const Json entries = orders.value("entry", Json::array());
  if (!entries.is_array()) throw BadInput("expected `context.draftOrders.entry` to be an array", "context.draftOrders.entry");
  std::vector<std::string> selections;
  if (hook_name == "order-select") {
    const Json& sel = need(context, "selections", "context", &Json::is_array, "an array of references");
    for (const auto& s : sel)
      if (s.is_string()) selections.push_back(s.get<std::string>());
  }
  const Json prefetch = req.contains("prefetch") && req["prefetch"].is_object() ? req["prefetch"] : Json::object();

  // The orders this policy covers.
  struct InScope { const Json* order; std::string ref; Json billing; };
  std::vector<InScope> scope;
  Json audit = Json::array();
  for (size_t i = 0; i < entries.size(); ++i) {
    const Json& en = entries[i];
    if (!en.is_object() || !en.contains("resource") || !en["resource"].is_object())
      throw BadInput("expected a resource in each draft order entry", "context.draftOrders.entry[" + std::to_string(i) + "]");
    const Json& r = en["resource"];
    const std::string type = r.value("resourceType", "");
    const std::string ref = type + "/" + (r.contains("id") && r["id"].is_string() ? r["id"].get<std::string>() : "");
    if (!selections.empty() && std::find(selections.begin(), selections.end(), ref) == selections.end()) continue;
    bool ours = std::find(m.order_types.begin(), m.order_types.end(), type) != m.order_types.end();
    Json billing = Json::array();
    if (ours) {
      ours = false;
      if (r.contains("code") && r["code"].is_object() && r["code"].contains("coding") && r["code"]["coding"].is_array())
        for (const auto& c : r["code"]["coding"])
          if (c.is_object() &&
              std::find(m.order_code_systems.begin(), m.order_code_systems.end(), c.value("system", "")) !=
                  m.order_code_systems.end() &&
              c.contains("code") && c["code"].is_string() && m.find_order_code(c["code"].get<std::string>())) {
            ours = true;
            billing.push_back({{"system", "http://www.ama-assn.org/go/cpt"}, {"code", c["code"]}});
          }
    }
    if (!ours) {
      audit.push_back({{"order", ref}, {"decision", to_string(Determination::OutOfScope)}});
      continue;
    }
    scope.push_back({&r, ref, billing});
  }
  Json out = {{"cards", Json::array()}};
  if (scope.empty()) {
    // Nothing this service covers: CDS Hooks' "no decision support", an empty answer.
    Reply rep = json_reply(200, out);
    for (auto& a : audit) a["hookInstance"] = instance;
    rep.audit = audit;
    return rep;
  }

  // The Coverage (hooks.md: exactly one, with a payer this endpoint handles).
  std::vector<std::pair<const Json*, std::string>> coverages;
  if (prefetch.contains("coverage")) {
    const Json& cv = prefetch["coverage"];
    if (cv.is_object() && cv.value("resourceType", "") == "Bundle" && cv.contains("entry") && cv["entry"].is_array()) {
      for (const auto& x : cv["entry"])
        if (x.is_object() && x.contains("resource") && x["resource"].value("resourceType", "") == "Coverage")
          coverages.push_back({&x["resource"], x.value("fullUrl", "")});
    } else if (cv.is_object() && cv.value("resourceType", "") == "Coverage") {
      coverages.push_back({&cv, ""});
    }
  }
  if (coverages.size() != 1)
    throw BadInput(coverages.empty() ? "no Coverage in the prefetch (`coverage`): this service needs the patient's coverage"
                                     : "more than one Coverage in the prefetch (`coverage`)",
                   "prefetch.coverage");
  const Json& cov = *coverages[0].first;
  std::string coverage_ref;
  if (cov.contains("id") && cov["id"].is_string()) coverage_ref = "Coverage/" + cov["id"].get<std::string>();
  else if (!coverages[0].second.empty()) coverage_ref = coverages[0].second;
  else throw BadInput("expected the Coverage to have an id", "prefetch.coverage");
  if (!m.payers.empty()) {
    bool ok = false;
    if (cov.contains("payor") && cov["payor"].is_array())
      for (const auto& py : cov["payor"])
        if (py.is_object() && py.contains("identifier") && py["identifier"].is_object())
          for (const auto& known : m.payers)
            if (py["identifier"].value("system", "") == known.system && py["identifier"].value("value", "") == known.value)
              ok = true;
    if (!ok) throw BadInput("the Coverage's payer (payor.identifier) is not one this endpoint handles", "prefetch.coverage");
  }

  auto& en = engines(e);
  Json actions = Json::array();
  for (const auto& o : scope) {
    Json facts = facts_from_fhir(p.vocab, m, *o.order, prefetch);
    Json case_json = case_json_from_facts(p.vocab, facts);
    model::Case c;
    bool read_ok = true;
    std::string why;
    try {
      case_json["case_id"] = o.ref;
      c = en.reader.read(case_json.dump(), "draftOrders:" + o.ref);
    } catch (const model::DiagnosticError& d) {
      read_ok = false;
      why = d.what();
    }
    Json a;
    Json ci;
    if (read_ok) {
      ci = coverage_information(e, c, coverage_ref, hook_name == "order-select", false, o.billing, a, &out["cards"], o.ref, true);
    } else {
      // The record contradicts itself (a domain relation): no decision can be made from it.
      ci = {{"url", kCiUrl},
            {"extension",
             {ext("coverage", "valueReference", {{"reference", coverage_ref}}), ext("covered", "valueCode", "indeterminate"),
              ext("pa-needed", "valueCode", "indeterminate"),
              reason("The order's record cannot be evaluated: " + why, "technical"),
              ext("date", "valueDate", today())}}};
      std::string id = random_id();
      ci["extension"].push_back(ext("coverage-assertion-id", "valueString", id));
      a = {{"decision", to_string(Determination::Failure)}, {"coverage_assertion_id", id}, {"error", why}};
    }
    a["order"] = o.ref;
    a["hookInstance"] = instance;
    a["facts_from_record"] = facts.size();
    audit.push_back(a);
    if (read_ok) remember_seed(a["coverage_assertion_id"].get<std::string>(), facts);

    // The order, unchanged but for its coverage-information extension (cards.md resp-37).
    Json updated = *o.order;
    Json exts = Json::array();
    Json previous;
    if (updated.contains("extension") && updated["extension"].is_array())
      for (const auto& x : updated["extension"]) {
        if (x.is_object() && x.value("url", "") == kCiUrl) previous = x;
        else exts.push_back(x);
      }
    // resp-35: no system action unless something is new or changed.
    auto substance = [](const Json& ci_ext) {
      Json s = Json::array();
      if (ci_ext.is_object() && ci_ext.contains("extension"))
        for (const auto& x : ci_ext["extension"]) {
          std::string u = x.value("url", "");
          if (u != "date" && u != "coverage-assertion-id" && u != "satisfied-pa-id") s.push_back(x);
        }
      return s;
    };
    if (!previous.is_null() && substance(previous) == substance(ci)) {
      audit.back()["unchanged"] = true;
      continue;
    }
    exts.push_back(ci);
    updated["extension"] = exts;
    actions.push_back({{"type", "update"},
                       {"description", "Coverage information for " + o.ref + " under " + p.id + " " + p.version},
                       {"resource", updated}});
  }
  out["systemActions"] = actions;
  Reply rep = json_reply(200, out);
  rep.audit = audit;
  return rep;
}

// ---------------------------------------------------------------- DTR: $questionnaire-package

namespace {

const Json* param(const Json& params, const char* name) {
  if (!params.contains("parameter") || !params["parameter"].is_array()) return nullptr;
  for (const auto& x : params["parameter"])
    if (x.is_object() && x.value("name", "") == name) return &x;
  return nullptr;
}

std::vector<const Json*> params(const Json& ps, const char* name) {
  std::vector<const Json*> out;
  if (!ps.contains("parameter") || !ps["parameter"].is_array()) return out;
  for (const auto& x : ps["parameter"])
    if (x.is_object() && x.value("name", "") == name) out.push_back(&x);
  return out;
}

std::string strip_version(const std::string& canonical) { return canonical.substr(0, canonical.find('|')); }

// QuestionnaireResponse items answering `facts` (slot path -> case value) for
// the questions of `q_items` (nested as the questionnaire nests them).
Json answers_for(const model::Vocabulary& v, const Json& q_items, const Json& facts);

Json answer_values(const model::Vocabulary& v, const std::string& path, const Json& value, const Json& question) {
  Json out = Json::array();
  int s = v.find_slot(path);
  const auto& f = v.facts[static_cast<size_t>(v.slots[static_cast<size_t>(s)].fact)];
  auto coding_for = [&](const std::string& code) {
    for (const auto& o : question.value("answerOption", Json::array()))
      if (o["valueCoding"]["code"] == code) return o["valueCoding"];
    return Json{{"code", code}};
  };
  switch (f.type) {
    case FactType::Bool:
    case FactType::Group: out.push_back({{"valueBoolean", value}}); break;
    case FactType::Number: out.push_back({{"valueDecimal", value}}); break;
    case FactType::Enum: out.push_back({{"valueCoding", coding_for(value.get<std::string>())}}); break;
    case FactType::EnumSet:
    case FactType::CodeList:
      for (const auto& x : value) out.push_back({{"valueCoding", coding_for(x.get<std::string>())}});
      break;
  }
  return out;
}

Json answers_for(const model::Vocabulary& v, const Json& q_items, const Json& facts) {
  Json out = Json::array();
  for (const auto& q : q_items) {
    const std::string id = q.value("linkId", "");
    if (q.value("type", "") == "group") {
      Json kids = answers_for(v, q.value("item", Json::array()), facts);
      if (!kids.empty()) out.push_back({{"linkId", id}, {"item", kids}});
    } else if (facts.contains(id)) {
      out.push_back({{"linkId", id}, {"text", q.value("text", "")}, {"answer", answer_values(v, id, facts[id], q)}});
    }
  }
  return out;
}

Json adaptive_questionnaire(const PolicyEntry& e, const std::string& base) {
  return {{"resourceType", "Questionnaire"},
          {"id", e.key + "-adaptive"},
          {"meta", {{"profile", {"http://hl7.org/fhir/us/davinci-dtr/StructureDefinition/dtr-questionnaire-adapt-search"}}}},
          {"extension", {ext(kAdaptiveExt, "valueUrl", base)}},
          {"url", e.adaptive_url},
          {"version", e.policy->version},
          {"name", "PolicyProof_" + e.key + "_adaptive"},
          {"title", e.policy->id + " " + e.policy->version + ": adaptive (asks only what still decides)"},
          {"status", "active"},
          {"subjectType", {"Patient"}}};
}

Json contained_adaptive(const PolicyEntry& e, const std::string& base) {
  return {{"resourceType", "Questionnaire"},
          {"id", "adaptive"},
          {"meta", {{"profile", {"http://hl7.org/fhir/us/davinci-dtr/StructureDefinition/dtr-questionnaire-adapt"}}}},
          {"extension", {ext(kAdaptiveExt, "valueUrl", base)}},
          {"derivedFrom", {e.adaptive_url + "|" + e.policy->version}},
          {"status", "active"},
          {"item", Json::array()}};
}

}  // namespace

Reply DavinciService::questionnaire_package(std::string_view body) {
  try {
    Json in = parse_body(body);
    if (in.value("resourceType", "") != "Parameters") throw BadInput("expected a Parameters resource", "Parameters");
    const Json* cov = param(in, "coverage");
    if (!cov || !cov->contains("resource") || (*cov)["resource"].value("resourceType", "") != "Coverage")
      throw BadInput("expected the `coverage` parameter with a Coverage resource", "Parameters.parameter");
    const Json& coverage = (*cov)["resource"];
    std::string coverage_ref = "Coverage/" + coverage.value("id", std::string("unknown"));
    Json subject = coverage.contains("beneficiary") ? coverage["beneficiary"] : Json();
    Json context_exts = {ext(kQrContext, "valueReference", {{"reference", coverage_ref}})};
    for (const Json* o : params(in, "order"))
      if (o->contains("resource") && (*o)["resource"].contains("id"))
        context_exts.push_back(ext(kQrContext, "valueReference",
                                   {{"reference", (*o)["resource"].value("resourceType", "") + "/" +
                                                      (*o)["resource"]["id"].get<std::string>()}}));
    Json seed = Json::object();
    if (const Json* ctx = param(in, "context"); ctx && ctx->contains("valueString")) {
      Json s = recall_seed((*ctx)["valueString"].get<std::string>());
      if (s.is_object()) seed = s;
    }
    Json outcome_issues = Json::array();
    std::vector<std::pair<const PolicyEntry*, bool>> wanted;  // (policy, adaptive)
    for (const Json* q : params(in, "questionnaire")) {
      std::string url = strip_version(q->value("valueCanonical", ""));
      bool found = false;
      for (const auto& e : entries_) {
        if (url == e.questionnaire_url) { wanted.push_back({&e, false}); found = true; }
        if (url == e.adaptive_url) { wanted.push_back({&e, true}); found = true; }
      }
      if (!found)
        outcome_issues.push_back({{"severity", "warning"}, {"code", "not-found"},
                                  {"diagnostics", "no questionnaire `" + url + "` here"}});
    }
    if (params(in, "questionnaire").empty())
      for (const auto& e : entries_) wanted.push_back({&e, false});
    const std::string base = options_.service_base.empty() ? entries_.front().mapping->canonical_base : options_.service_base;
    Json out = {{"resourceType", "Parameters"}, {"parameter", Json::array()}};
    for (const auto& [e, adaptive] : wanted) {
      Json qr = {{"resourceType", "QuestionnaireResponse"},
                 {"id", "draft-" + e->key + (adaptive ? "-adaptive" : "")},
                 {"meta", {{"profile", {adaptive ? "http://hl7.org/fhir/us/davinci-dtr/StructureDefinition/dtr-questionnaireresponse-adapt"
                                                 : "http://hl7.org/fhir/us/davinci-dtr/StructureDefinition/dtr-questionnaireresponse"}}}},
                 {"extension", context_exts},
                 {"status", "in-progress"},
                 {"authored", now_instant()}};
      if (!subject.is_null()) qr["subject"] = subject;
      Json q;
      if (adaptive) {
        q = adaptive_questionnaire(*e, base);
        Json contained = contained_adaptive(*e, base);
        // Pre-populated answers from CRD (spec-26): their questions go in the contained form.
        Json items = Json::array();
        for (const auto& [path, val] : seed.items()) {
          int s = e->policy->vocab.find_slot(path);
          if (s < 0) continue;
          Json qi = question_item(*e->policy, *e->mapping, s);
          contained["item"].push_back(qi);
          items.push_back({{"linkId", path}, {"text", qi["text"]}, {"answer", answer_values(e->policy->vocab, path, val, qi)}});
        }
        qr["contained"] = {contained};
        qr["questionnaire"] = "#adaptive";
        if (!items.empty()) qr["item"] = items;
      } else {
        q = e->questionnaire;
        qr["questionnaire"] = e->questionnaire_url + "|" + e->policy->version;
        Json items = answers_for(e->policy->vocab, q["item"], seed);
        if (!items.empty()) qr["item"] = items;
      }
      Json bundle = {{"resourceType", "Bundle"},
                     {"id", "package-" + e->key + (adaptive ? "-adaptive" : "")},
                     {"meta", {{"profile", {"http://hl7.org/fhir/us/davinci-dtr/StructureDefinition/DTR-QPackageBundle"}}}},
                     {"type", "collection"},
                     {"entry", {{{"fullUrl", e->mapping->canonical_base + "/Questionnaire/" + q["id"].get<std::string>()}, {"resource", q}},
                                {{"fullUrl", e->mapping->canonical_base + "/QuestionnaireResponse/" + qr["id"].get<std::string>()},
                                 {"resource", qr}}}}};
      out["parameter"].push_back({{"name", "packagebundle"}, {"resource", bundle}});
    }
    if (!outcome_issues.empty())
      out["parameter"].push_back({{"name", "outcome"}, {"resource", {{"resourceType", "OperationOutcome"}, {"issue", outcome_issues}}}});
    return fhir_reply(200, out);
  } catch (const BadInput& b) {
    return bad_request(b.what(), b.expression, "invalid", b.status);
  } catch (const Json::exception& x) {
    // A resource of an unexpected shape somewhere a value was read.
    return bad_request(std::string("unexpected JSON structure: ") + x.what());
  } catch (const std::exception& x) {
    return bad_request(std::string("internal error: ") + x.what(), "", "exception", 500);
  }
}

// ---------------------------------------------------------------- DTR: $next-question

namespace {

struct Answered {
  Json facts = Json::object();             // slot path -> case value
  std::vector<std::string> unanswered;     // questions asked and left without an answer
  bool pa_asked = false;
  Json pa_answer;                          // the answer to kPaQuestion, if any
};

void read_answers(const model::Vocabulary& v, const Json& items, const std::string& where, Answered& out) {
  if (!items.is_array()) throw BadInput("expected `item` to be an array", where);
  for (size_t i = 0; i < items.size(); ++i) {
    const Json& it = items[i];
    const std::string at = where + ".item[" + std::to_string(i) + "]";
    if (!it.is_object() || !it.contains("linkId") || !it["linkId"].is_string())
      throw BadInput("expected an item with a linkId", at);
    const std::string id = it["linkId"].get<std::string>();
    if (it.contains("item")) read_answers(v, it["item"], at, out);
    const Json answers = it.value("answer", Json::array());
    if (id == kPaQuestion) {
      out.pa_asked = true;
      if (!answers.empty() && answers[0].contains("valueBoolean")) out.pa_answer = answers[0]["valueBoolean"];
      continue;
    }
    int s = v.find_slot(id);
    if (s < 0) {
      if (v.find_fact(id) >= 0 && it.contains("item")) continue;  // a group
      throw BadInput("unknown question `" + id + "`", at + ".linkId");
    }
    if (!answers.is_array() || answers.empty()) {
      out.unanswered.push_back(id);
      continue;
    }
    const auto& f = v.facts[static_cast<size_t>(v.slots[static_cast<size_t>(s)].fact)];
    auto one = [&](const Json& a, size_t k) -> Json {
      const std::string aat = at + ".answer[" + std::to_string(k) + "]";
      switch (f.type) {
        case FactType::Bool:
        case FactType::Group:
          if (a.contains("valueBoolean") && a["valueBoolean"].is_boolean()) return a["valueBoolean"];
          throw BadInput("expected valueBoolean for `" + id + "`", aat);
        case FactType::Number:
          if (a.contains("valueDecimal") && a["valueDecimal"].is_number()) return a["valueDecimal"];
          if (a.contains("valueInteger") && a["valueInteger"].is_number()) return a["valueInteger"];
          if (a.contains("valueQuantity") && a["valueQuantity"].contains("value") && a["valueQuantity"]["value"].is_number())
            return a["valueQuantity"]["value"];
          throw BadInput("expected valueDecimal for `" + id + "`", aat);
        default:
          if (a.contains("valueCoding") && a["valueCoding"].contains("code") && a["valueCoding"]["code"].is_string())
            return a["valueCoding"]["code"];
          if (a.contains("valueString") && a["valueString"].is_string()) return a["valueString"];
          throw BadInput("expected valueCoding for `" + id + "`", aat);
      }
    };
    Json value;
    if (f.type == FactType::EnumSet || f.type == FactType::CodeList) {
      value = Json::array();
      for (size_t k = 0; k < answers.size(); ++k) value.push_back(one(answers[k], k));
    } else {
      if (answers.size() != 1) throw BadInput("expected one answer for `" + id + "`", at + ".answer");
      value = one(answers[0], 0);
    }
    std::string why = check_fact_value(v, id, value);
    if (!why.empty()) throw BadInput("expected " + why, at + ".answer");
    out.facts[id] = value;
  }
}

}  // namespace

Reply DavinciService::next_question(std::string_view body) {
  try {
    Json in = parse_body(body);
    if (in.value("resourceType", "") != "Parameters") throw BadInput("expected a Parameters resource", "Parameters");
    const Json* qp = param(in, "questionnaire-response");
    if (!qp || !qp->contains("resource") || (*qp)["resource"].value("resourceType", "") != "QuestionnaireResponse")
      throw BadInput("expected the `questionnaire-response` parameter with a QuestionnaireResponse", "Parameters.parameter");
    Json qr = (*qp)["resource"];

    // Which policy: the contained Questionnaire's derivedFrom or url, or the response's questionnaire.
    Json* contained = nullptr;
    std::string qref = qr.value("questionnaire", "");
    if (qr.contains("contained") && qr["contained"].is_array())
      for (auto& c : qr["contained"])
        if (c.is_object() && c.value("resourceType", "") == "Questionnaire" &&
            (qref.empty() || qref[0] != '#' || "#" + c.value("id", "") == qref))
          contained = &c;
    std::vector<std::string> names;
    if (contained) {
      if (contained->contains("derivedFrom") && (*contained)["derivedFrom"].is_array())
        for (const auto& d : (*contained)["derivedFrom"])
          if (d.is_string()) names.push_back(strip_version(d.get<std::string>()));
      if (contained->contains("url") && (*contained)["url"].is_string()) names.push_back(strip_version((*contained)["url"]));
    }
    if (!qref.empty() && qref[0] != '#') names.push_back(strip_version(qref));
    const PolicyEntry* e = nullptr;
    for (const auto& n : names)
      for (const auto& x : entries_)
        if (n == x.adaptive_url || n == x.questionnaire_url) e = &x;
    if (!e) {
      if (!names.empty() || entries_.size() != 1)
        throw BadInput(names.empty() ? "expected the questionnaire's canonical URL (several policies are loaded)"
                                     : "no adaptive questionnaire `" + names.front() + "` here",
                       "QuestionnaireResponse.questionnaire", 404);
      e = &entries_.front();
    }
    const auto& p = *e->policy;
    const std::string base = options_.service_base.empty() ? e->mapping->canonical_base : options_.service_base;
    if (!contained) {
      if (!qr.contains("contained") || !qr["contained"].is_array()) qr["contained"] = Json::array();
      qr["contained"].push_back(contained_adaptive(*e, base));
      contained = &qr["contained"].back();
    }
    if (!contained->contains("item") || !(*contained)["item"].is_array()) (*contained)["item"] = Json::array();
    if (!contained->contains("id")) (*contained)["id"] = "adaptive";
    qr["questionnaire"] = "#" + (*contained)["id"].get<std::string>();
    if (!qr.contains("status")) qr["status"] = "in-progress";

    Answered ans;
    if (qr.contains("item")) read_answers(p.vocab, qr["item"], "QuestionnaireResponse", ans);
    else qr["item"] = Json::array();
    // Every answered question must be in the contained Questionnaire (spec-147).
    std::vector<std::string> asked;
    std::function<void(const Json&)> collect = [&](const Json& items) {
      for (const auto& it : items) {
        asked.push_back(it.value("linkId", ""));
        if (it.contains("item")) collect(it["item"]);
      }
    };
    collect((*contained)["item"]);
    for (const auto& [path, val] : ans.facts.items()) {
      (void)val;
      if (std::find(asked.begin(), asked.end(), path) == asked.end())
        (*contained)["item"].push_back(question_item(p, *e->mapping, p.vocab.find_slot(path)));  // seeded answers
    }

    std::string coverage_ref;
    if (qr.contains("extension") && qr["extension"].is_array())
      for (const auto& x : qr["extension"])
        if (x.value("url", "") == kQrContext && x.contains("valueReference")) {
          std::string r = x["valueReference"].value("reference", "");
          if (r.rfind("Coverage/", 0) == 0 || r.find("/Coverage/") != std::string::npos) coverage_ref = r;
        }
    if (coverage_ref.empty())
      throw BadInput("expected a qr-context extension referencing the Coverage (the determination is made for it)",
                     "QuestionnaireResponse.extension");

    auto& en = engines(*e);
    model::Case c;
    try {
      Json cj = case_json_from_facts(p.vocab, ans.facts);
      cj["case_id"] = qr.value("id", std::string("QuestionnaireResponse"));
      c = en.reader.read(cj.dump(), "QuestionnaireResponse");
    } catch (const model::DiagnosticError& d) {
      throw BadInput(std::string("the answers contradict each other: ") + d.what(), "QuestionnaireResponse.item");
    }
    model::Case closed = c;
    en.evaluator.close_under_relations(closed);
    Reply rep;
    Json audit = {{"questionnaire", e->adaptive_url}, {"answers", ans.facts.size()}};

    auto finish = [&](bool issue_pa) {
      Json a;
      Json ci = coverage_information(*e, c, coverage_ref, false, true, Json::array(), a, nullptr, "", issue_pa);
      Json exts = Json::array();
      if (qr.contains("extension"))
        for (const auto& x : qr["extension"])
          if (x.value("url", "") != kCiUrl) exts.push_back(x);
      exts.push_back(ci);
      qr["extension"] = exts;
      qr["status"] = "completed";
      qr["authored"] = now_instant();
      audit.update(a);
    };
    auto ask = [&](const Json& item) {
      (*contained)["item"].push_back(item);
      qr["item"].push_back({{"linkId", item["linkId"]}, {"text", item["text"]}});
      qr["status"] = "in-progress";
      audit["next_question"] = item["linkId"];
    };
    auto approved = [&] {
      // spec-41: the final question asks whether to issue the prior authorization identifier.
      if (!ans.pa_asked) {
        ask({{"linkId", kPaQuestion},
             {"text", "The answers meet " + p.id + ". Issue the prior authorization identifier now?"},
             {"type", "boolean"},
             {"required", true}});
        audit["decision"] = "approved";
      } else if (ans.pa_answer.is_boolean()) {
        finish(ans.pa_answer.get<bool>());
      } else {
        throw BadInput("expected an answer to `" + std::string(kPaQuestion) + "`", "QuestionnaireResponse.item");
      }
    };

    model::Evaluation kleene;
    en.evaluator.evaluate_into(closed, kleene);
    if (kleene.decision == model::Tri::True) {
      approved();
    } else if (kleene.decision == model::Tri::False) {
      finish(false);
    } else {
      // The next question: among the unknown facts the policy reads, the one
      // whose answers settle the case most often (three-valued evaluation of
      // each answer), earliest in the vocabulary on a tie, that is decisive
      // (asked of the solver: CaseEngine::is_decisive, the definition
      // `evaluate` uses). Questions left unanswered are not asked again.
      // The choice depends on the answers alone: forms share their first
      // states, so it is remembered (bounded) across calls and threads.
      std::string key = e->key + "|" + ans.facts.dump();
      for (const auto& u : ans.unanswered) key += "|" + u;
      {
        std::lock_guard<std::mutex> lock(choice_mutex_);
        auto hit = choices_.find(key);
        if (hit != choices_.end()) {
          audit["cached"] = true;
          if (hit->second >= 0) {
            ask(question_item(p, *e->mapping, hit->second));
            goto done;
          }
        }
      }
      {
      std::vector<int> read;
      for (const auto& cr : p.criteria) model::collect_atoms(cr.expr, read);
      std::vector<char> in_support(p.vocab.slots.size(), 0);
      for (int a : read) in_support[static_cast<size_t>(p.vocab.atoms[static_cast<size_t>(a)].slot)] = 1;
      std::vector<std::pair<double, int>> ranked;
      model::Evaluation scratch;
      for (size_t si = 0; si < p.vocab.slots.size(); ++si) {
        const auto& sl = p.vocab.slots[si];
        if (!in_support[si] || closed.slot_known(sl)) continue;
        if (std::find(ans.unanswered.begin(), ans.unanswered.end(), sl.path) != ans.unanswered.end()) continue;
        int s = static_cast<int>(si);
        int decided = 0, total = 0;
        for (const auto& val : explain::question_values(p, s)) {
          model::Case learnt = closed;
          for (size_t j = 0; j < sl.atoms.size(); ++j) learnt.set(sl.atoms[j], val[j]);
          en.evaluator.close_under_relations(learnt);
          if (en.evaluator.first_false_relation(learnt) >= 0) continue;
          en.evaluator.evaluate_into(learnt, scratch);
          ++total;
          if (scratch.decision != model::Tri::Unknown) ++decided;
        }
        ranked.push_back({total ? -static_cast<double>(decided) / total : 0.0, s});
      }
      std::stable_sort(ranked.begin(), ranked.end(),
                       [](const auto& a, const auto& b) { return a.first < b.first; });
      int best = -1;
      bool all_exact = true;
      const size_t kProbe = 4;  // then let the full evaluation decide
      for (size_t i = 0; i < ranked.size() && i < kProbe && best < 0; ++i) {
        bool exact = true;
        if (en.engine().is_decisive(closed, ranked[i].second, &exact)) best = ranked[i].second;
        all_exact = all_exact && exact;
      }
      if (!all_exact) audit["probe_inexact"] = true;
      if (best >= 0) {
        remember_choice(key, best);
        ask(question_item(p, *e->mapping, best));
      } else {
        solver::CaseResult r = en.engine().evaluate(closed);
        audit["solver_fallback"] = true;
        if (r.exact && r.decision == Decision::MedicallyNecessary) {
          approved();
        } else if (r.exact && r.decision == Decision::Undetermined) {
          for (const auto& [score, s] : ranked) {
            (void)score;
            if (std::find(r.decisive_unknowns.begin(), r.decisive_unknowns.end(), s) != r.decisive_unknowns.end()) {
              best = s;
              break;
            }
          }
          if (best >= 0) {
            remember_choice(key, best);
            ask(question_item(p, *e->mapping, best));
          } else {
            finish(false);  // nothing left to ask that may be answered: conditional, as CRD says
          }
        } else {
          finish(false);
        }
      }
      }
    }
  done:
    rep = fhir_reply(200, {{"resourceType", "Parameters"}, {"parameter", {{{"name", "return"}, {"resource", qr}}}}});
    rep.audit.push_back(audit);
    return rep;
  } catch (const BadInput& b) {
    return bad_request(b.what(), b.expression, b.status == 404 ? "not-found" : "invalid", b.status);
  } catch (const Json::exception& x) {
    // A resource of an unexpected shape somewhere a value was read.
    return bad_request(std::string("unexpected JSON structure: ") + x.what());
  } catch (const std::exception& x) {
    return bad_request(std::string("internal error: ") + x.what(), "", "exception", 500);
  }
}

}  // namespace pp::davinci
