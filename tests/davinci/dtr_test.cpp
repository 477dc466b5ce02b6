// DTR: $questionnaire-package (the whole questionnaire from the vocabulary,
// the adaptive one seeded from CRD) and the adaptive $next-question walk.
#include <algorithm>
#include <chrono>
#include <functional>
#include <random>

#include "davinci_support.h"
#include "support/scale.h"
#include "model/case_generator.h"
#include "model/case_reader.h"
#include "model/evaluator.h"
#include "solver/case_engine.h"
#include "explain/explainer.h"

using namespace pp;
using namespace pp::test;
using davinci::DavinciService;

namespace {

const char* kAdaptive = "http://policyproof.example/fhir/Questionnaire/cmm-607-adaptive";
const char* kFull = "http://policyproof.example/fhir/Questionnaire/cmm-607";

std::shared_ptr<DavinciService> service() {
  davinci::ServiceOptions o;
  o.today = "2026-11-29";
  return std::make_shared<DavinciService>(std::vector{model::load_bundled_policy()}, o);
}

Json coverage() {
  return {{"resourceType", "Coverage"}, {"id", "cov-1"}, {"status", "active"},
          {"beneficiary", {{"reference", "Patient/p1"}}}, {"payor", {{{"reference", "Organization/payer-1"}}}}};
}

Json package_request(const std::vector<std::string>& questionnaires, const std::string& context = "") {
  Json p = {{"resourceType", "Parameters"}, {"parameter", {{{"name", "coverage"}, {"resource", coverage()}}}}};
  p["parameter"].push_back({{"name", "order"}, {"resource", service_request("sr-1", {"22514"}, {"L1"})}});
  for (const auto& q : questionnaires) p["parameter"].push_back({{"name", "questionnaire"}, {"valueCanonical", q}});
  if (!context.empty()) p["parameter"].push_back({{"name", "context"}, {"valueString", context}});
  return p;
}

std::vector<double> g_call_ms;  // wall-clock per $next-question call (reported, not asserted)

Json next(DavinciService& s, const Json& qr, int expect = 200) {
  Json in = {{"resourceType", "Parameters"}, {"parameter", {{{"name", "questionnaire-response"}, {"resource", qr}}}}};
  auto t0 = std::chrono::steady_clock::now();
  davinci::Reply r = s.next_question(in.dump());
  g_call_ms.push_back(std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count());
  INFO(r.body.substr(0, 600));
  REQUIRE(r.status == expect);
  Json out = Json::parse(r.body);
  if (expect != 200) return out;
  REQUIRE(out["parameter"][0]["name"] == "return");
  return out["parameter"][0]["resource"];
}

Json empty_response() {
  return {{"resourceType", "QuestionnaireResponse"},
          {"status", "in-progress"},
          {"questionnaire", kAdaptive},
          {"extension", {{{"url", "http://hl7.org/fhir/us/davinci-dtr/StructureDefinition/qr-context"},
                          {"valueReference", {{"reference", "Coverage/cov-1"}}}}}}};
}

// The answer a full case gives to the question of slot path `path`.
Json answer_from(const model::Policy& p, const model::Case& c, const std::string& path) {
  int s = p.vocab.find_slot(path);
  const auto& sl = p.vocab.slots[static_cast<size_t>(s)];
  const auto& f = p.vocab.facts[static_cast<size_t>(sl.fact)];
  Json out = Json::array();
  auto coding = [&](const std::string& code) { return Json{{"valueCoding", {{"code", code}}}}; };
  switch (f.type) {
    case model::FactType::Bool:
    case model::FactType::Group: out.push_back({{"valueBoolean", c.value[static_cast<size_t>(sl.atoms[0])] != 0}}); break;
    case model::FactType::Number: out.push_back({{"valueDecimal", c.value[static_cast<size_t>(sl.atoms[0])]}}); break;
    case model::FactType::Enum:
      out.push_back(coding(f.values[static_cast<size_t>(c.value[static_cast<size_t>(sl.atoms[0])])]));
      break;
    case model::FactType::EnumSet:
    case model::FactType::CodeList:
      for (size_t i = 0; i < sl.atoms.size(); ++i)
        if (c.value[static_cast<size_t>(sl.atoms[i])] != 0) out.push_back(coding(f.values[i]));
      break;
  }
  return out;
}

std::string covered_of(const Json& qr) {
  for (const auto& x : qr.value("extension", Json::array()))
    if (x["url"] == kCi) {
      CHECK(ci_violations(x).empty());
      return ci_code(ci_parts(x), "covered");
    }
  return "";
}

}  // namespace

TEST_CASE("$questionnaire-package returns the whole questionnaire generated from the vocabulary", "[davinci][dtr]") {
  auto s = service();
  auto p = model::load_bundled_policy();
  FhirValidator fv;
  davinci::Reply r = s->questionnaire_package(package_request({}).dump());
  REQUIRE(r.status == 200);
  Json out = Json::parse(r.body);
  fv.add(out);
  REQUIRE(out["parameter"].size() == 1);
  CHECK(out["parameter"][0]["name"] == "packagebundle");
  const Json& bundle = out["parameter"][0]["resource"];
  CHECK(bundle["type"] == "collection");
  const Json& q = bundle["entry"][0]["resource"];
  CHECK(q["resourceType"] == "Questionnaire");
  CHECK(q["url"] == kFull);
  CHECK(bundle["entry"][1]["resource"]["resourceType"] == "QuestionnaireResponse");
  CHECK(bundle["entry"][1]["resource"]["questionnaire"] == std::string(kFull) + "|v1.0.2026");
  // Every slot of the vocabulary is a question whose linkId is its path.
  std::map<std::string, Json> items;
  for (const auto& it : q["item"]) {
    if (it["type"] == "group")
      for (const auto& k : it["item"]) items[k["linkId"]] = k;
    else items[it["linkId"]] = it;
  }
  CHECK(items.size() == p->vocab.slots.size());
  for (const auto& sl : p->vocab.slots) CHECK(items.count(sl.path) == 1);
  CHECK(items["pain.duration_weeks"]["type"] == "decimal");
  bool unit = false, min = false;
  for (const auto& x : items["pain.duration_weeks"]["extension"]) {
    unit = unit || (x["url"].get<std::string>().find("questionnaire-unit") != std::string::npos && x["valueCoding"]["code"] == "wk");
    min = min || (x["url"].get<std::string>().find("minValue") != std::string::npos && x["valueDecimal"] == 0);
  }
  CHECK(unit);
  CHECK(min);
  CHECK(items["contraindications.active_infection"]["type"] == "boolean");
  CHECK(items["request.technique"]["type"] == "choice");
  CHECK(items["request.technique"]["answerOption"].size() == 8);
  CHECK(items["request.levels"]["repeats"] == true);
  CHECK(items["conservative_care.analgesic_weeks"]["enableWhen"][0]["question"] == "conservative_care.analgesics_contraindicated");
  CHECK(items["conservative_care.analgesic_weeks"]["enableWhen"][0]["operator"] == "!=");
  CHECK(items["conservative_care.analgesic_weeks"]["enableWhen"][0]["answerBoolean"] == true);

  // A questionnaire this service does not have: a warning in `outcome` (oper-9).
  r = s->questionnaire_package(package_request({"http://elsewhere.example/Questionnaire/x"}).dump());
  out = Json::parse(r.body);
  CHECK(out["parameter"].back()["name"] == "outcome");
  fv.add(out);
  // No coverage: refused.
  Json bad = package_request({});
  bad["parameter"].erase(0);
  r = s->questionnaire_package(bad.dump());
  CHECK(r.status == 400);
  fv.add(Json::parse(r.body));
  fv.check("dtr-package");
}

TEST_CASE("enableWhen is sound: a question shown only given an answer never matters otherwise", "[davinci][dtr]") {
  auto p = model::load_bundled_policy();
  auto m = davinci::load_bundled_fhir_mapping(p->vocab);
  model::Evaluator ev(*p);
  model::GeneratorOptions go;
  go.seed = 7;
  model::CaseGenerator gen(*p, go);
  REQUIRE(!m->enable_when.empty());
  for (int i = 0; i < scaled(400); ++i) {
    model::Case c = gen.next();
    for (const auto& ew : m->enable_when) {
      int when = p->vocab.find_slot(ew.when);
      int q = p->vocab.find_slot(ew.question);
      model::Case off = c;
      off.set(p->vocab.slots[static_cast<size_t>(when)].atoms[0], ew.equals.get<bool>() ? 0.0 : 1.0);
      std::set<int> decisions;
      for (const auto& val : explain::question_values(*p, q)) {
        model::Case t = off;
        const auto& atoms = p->vocab.slots[static_cast<size_t>(q)].atoms;
        for (size_t j = 0; j < atoms.size(); ++j) t.set(atoms[j], val[j]);
        decisions.insert(static_cast<int>(ev.evaluate(t).decision));
      }
      INFO(ew.question);
      CHECK(decisions.size() == 1);
    }
  }
}

TEST_CASE("$next-question: adaptive walks from empty to the decision `evaluate` gives", "[davinci][dtr]") {
  auto s = service();
  auto p = model::load_bundled_policy();
  solver::CaseEngine engine(p);
  FhirValidator fv;
  model::GeneratorOptions go;
  go.seed = 11;
  model::CaseGenerator gen(*p, go);
  // Half the cases purely generated (model/case_generator: nearly all denied),
  // half the bundled approved example with three facts taken from a generated
  // case (near the boundary, as most requests are).
  model::CaseReader reader(*p);
  const model::Case example =
      reader.read(slurp(std::string(PP_SOURCE_DIR) + "/model/policies/example-case.json"), "example-case.json");
  std::mt19937_64 rng(5);
  std::vector<int> asked, asked_approved, asked_denied;
  int approved = 0, denied = 0;
  const int kCases = scaled(60, 20);
  for (int i = 0; i < kCases; ++i) {
    model::Case full = gen.next();
    if (i % 2 == 1) {
      model::Case mixed = example;
      for (int k = 0; k < 3; ++k) {
        const auto& sl = p->vocab.slots[rng() % p->vocab.slots.size()];
        for (int a : sl.atoms) mixed.set(a, full.value[static_cast<size_t>(a)]);
        if (p->vocab.facts[static_cast<size_t>(sl.fact)].type == model::FactType::CodeList) mixed.cpt = full.cpt;
      }
      model::Evaluator(*p).close_under_relations(mixed);
      if (model::Evaluator(*p).first_false_relation(mixed) >= 0) mixed = example;
      full = mixed;
    }
    solver::CaseResult expect = engine.evaluate(full);
    REQUIRE(expect.decision != model::Decision::Undetermined);
    Json qr = empty_response();
    int questions = 0;
    std::string covered;
    for (int step = 0; step < 200; ++step) {
      qr = next(*s, qr);
      if (i < 2) fv.add({{"resourceType", "Parameters"}, {"parameter", {{{"name", "return"}, {"resource", qr}}}}});
      if (qr["status"] == "completed") {
        covered = covered_of(qr);
        break;
      }
      Json& last = qr["item"].back();
      REQUIRE(!last.contains("answer"));
      std::string id = last["linkId"];
      if (id == "prior-authorization.issue-identifier") {
        last["answer"] = {{{"valueBoolean", true}}};
      } else {
        last["answer"] = answer_from(*p, full, id);
        ++questions;
      }
    }
    INFO("case " << i);
    if (expect.decision == model::Decision::MedicallyNecessary) {
      ++approved;
      CHECK(covered == "covered");
      asked_approved.push_back(questions);
    } else {
      ++denied;
      CHECK(covered == "not-covered");
      asked_denied.push_back(questions);
    }
    asked.push_back(questions);
  }
  auto stats = [](std::vector<int> v) {
    if (v.empty()) return std::string("none");
    std::sort(v.begin(), v.end());
    return "median " + std::to_string(v[v.size() / 2]) + ", max " + std::to_string(v.back());
  };
  std::sort(asked.begin(), asked.end());
  const size_t full_size = p->vocab.slots.size();
  CHECK(approved > 0);
  CHECK(denied > 0);
  WARN("adaptive walk over " << kCases << " cases: questions asked " << stats(asked) << " (approved, "
                             << approved << ": " << stats(asked_approved) << "; denied, " << denied << ": "
                             << stats(asked_denied) << ") of " << full_size
                             << " questions in the full questionnaire");
  std::sort(g_call_ms.begin(), g_call_ms.end());
  WARN("$next-question in-process: " << g_call_ms.size() << " calls, p50 " << g_call_ms[g_call_ms.size() / 2]
                                     << " ms, p99 " << g_call_ms[g_call_ms.size() * 99 / 100] << " ms, max "
                                     << g_call_ms.back() << " ms");
  CHECK(asked[asked.size() / 2] < static_cast<int>(full_size));
  fv.check("dtr-walk");
}

TEST_CASE("$next-question: CRD prefetch answers seed the adaptive form", "[davinci][dtr]") {
  auto s = service();
  FhirValidator fv;
  Json req = order_sign({service_request("sr-1", {"22514"}, {"L1"})}, {condition("M80.08XA", 1)}, {});
  davinci::Reply crd = s->hook("cmm-607-order-sign", req.dump());
  REQUIRE(crd.status == 200);
  std::string assertion = crd.audit[0]["coverage_assertion_id"];
  davinci::Reply r = s->questionnaire_package(package_request({std::string(kAdaptive) + "|v1.0.2026"}, assertion).dump());
  REQUIRE(r.status == 200);
  Json out = Json::parse(r.body);
  fv.add(out);
  const Json& bundle = out["parameter"][0]["resource"];
  CHECK(bundle["entry"][0]["resource"]["url"] == kAdaptive);
  bool adaptive_ext = false;
  for (const auto& x : bundle["entry"][0]["resource"]["extension"])
    adaptive_ext = adaptive_ext || x["url"].get<std::string>().find("questionnaireAdaptive") != std::string::npos;
  CHECK(adaptive_ext);
  Json qr = bundle["entry"][1]["resource"];
  CHECK(qr["questionnaire"] == "#adaptive");
  std::set<std::string> seeded;
  for (const auto& it : qr["item"]) seeded.insert(it["linkId"].get<std::string>());
  CHECK(seeded.count("imaging.findings.osteoporotic_vcf") == 1);
  CHECK(seeded.count("request.levels") == 1);
  Json after = next(*s, qr);
  CHECK(after["status"] == "in-progress");
  std::string asked = after["item"].back()["linkId"];
  CHECK(seeded.count(asked) == 0);
  CHECK(after["contained"][0]["item"].size() == after["item"].size());
  fv.add({{"resourceType", "Parameters"}, {"parameter", {{{"name", "return"}, {"resource", after}}}}});
  fv.check("dtr-seed");
}

TEST_CASE("$next-question refuses what it cannot read, with an OperationOutcome", "[davinci][dtr]") {
  auto s = service();
  FhirValidator fv;
  auto expect_error = [&](const Json& qr, int status, const std::string& needle) {
    Json oo = next(*s, qr, status);
    CHECK(oo["resourceType"] == "OperationOutcome");
    INFO(oo.dump());
    CHECK(oo["issue"][0]["diagnostics"].get<std::string>().find(needle) != std::string::npos);
    fv.add(oo);
  };
  Json qr = next(*s, empty_response());
  Json bad = qr;
  bad["item"].push_back({{"linkId", "patient.pregnant"}, {"answer", {{{"valueBoolean", true}}}}});
  expect_error(bad, 400, "unknown question");
  bad = qr;
  bad["item"].back()["answer"] = {{{"valueString", "maybe"}}};
  expect_error(bad, 400, "expected");
  bad = qr;
  bad["item"] = {{{"linkId", "pain.duration_weeks"}, {"answer", {{{"valueDecimal", -3}}}}}};
  expect_error(bad, 400, "bounds");
  bad = empty_response();
  bad["questionnaire"] = "http://elsewhere.example/Questionnaire/x";
  expect_error(bad, 404, "no adaptive questionnaire");
  bad = empty_response();
  bad.erase("extension");
  expect_error(bad, 400, "Coverage");
  davinci::Reply r = s->next_question("{\"resourceType\": \"Parameters\"}");
  CHECK(r.status == 400);
  r = s->next_question("nope");
  CHECK(r.status == 400);
  fv.check("dtr-bad");
}

TEST_CASE("mutated requests never crash a handler: 200, 400 or 404, always JSON", "[davinci][fuzz]") {
  auto s = service();
  std::mt19937_64 rng(42);
  const std::vector<Json> junk = {Json(), Json(3), Json("x"), Json(true), Json::array(), Json::object(),
                                  Json::array({1, "a"}), Json{{"resourceType", "Bundle"}}, Json(-1.5)};
  // Replaces one random node of `j` (depth-first pick) by a junk value, or deletes a key.
  std::function<void(Json&)> mutate = [&](Json& j) {
    std::vector<Json*> nodes;
    std::function<void(Json&)> walk = [&](Json& x) {
      nodes.push_back(&x);
      if (x.is_object())
        for (auto& [k, v] : x.items()) { (void)k; walk(v); }
      else if (x.is_array())
        for (auto& v : x) walk(v);
    };
    walk(j);
    Json* n = nodes[rng() % nodes.size()];
    if (n->is_object() && !n->empty() && rng() % 3 == 0) n->erase(n->begin());
    else *n = junk[rng() % junk.size()];
  };
  Json hook = order_sign({service_request("sr-1", {"22514"}, {"L1"})}, {condition("M80.08XA", 1)},
                         {fact_observation("pain.duration_weeks", 3, 1)});
  Json pkg = package_request({kAdaptive});
  Json qr = next(*s, empty_response());
  qr["item"].back()["answer"] = {{{"valueCoding", {{"code", "balloon_kyphoplasty"}}}}};
  Json nq = {{"resourceType", "Parameters"}, {"parameter", {{{"name", "questionnaire-response"}, {"resource", qr}}}}};
  int ok = 0, refused = 0;
  for (int i = 0; i < scaled(600, 60); ++i) {
    Json h = hook, p = pkg, n = nq;
    for (int k = 0; k < 1 + static_cast<int>(rng() % 3); ++k) {
      mutate(h);
      mutate(p);
      mutate(n);
    }
    for (const davinci::Reply& r : {s->hook("cmm-607-order-sign", h.dump()), s->questionnaire_package(p.dump()),
                                    s->next_question(n.dump())}) {
      INFO(r.body.substr(0, 300));
      CHECK((r.status == 200 || r.status == 400 || r.status == 404));
      CHECK(!Json::parse(r.body, nullptr, false).is_discarded());
      (r.status == 200 ? ok : refused)++;
    }
  }
  CHECK(ok > 0);
  CHECK(refused > 0);
}
