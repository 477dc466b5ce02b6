#include "serve/api_routes.h"

#include <nlohmann/json.hpp>

#include <mutex>

#include "explain/explanation_writer.h"
#include "model/diagnostic.h"
#include "model/embedded_files.h"
#include "model/facts_read.h"
#include "model/sha256.h"
#include "serve/assets.h"
#include "serve/audit_log.h"
#include "serve/metrics.h"
#include "visualize/case_overlay.h"
#include "visualize/decision_graph.h"
#include "visualize/dot_writer.h"
#include "visualize/graphviz_renderer.h"

namespace pp::serve {

namespace {

using Clock = std::chrono::steady_clock;
using nlohmann::json;

// The case text's name in diagnostics: the CLI names the file it read.
constexpr const char* kBodyName = "<body>";

const char* type_name(model::FactType t) {
  switch (t) {
    case model::FactType::Bool: return "bool";
    case model::FactType::Number: return "number";
    case model::FactType::Enum: return "enum";
    case model::FactType::EnumSet: return "enum_set";
    case model::FactType::Group: return "group";
    case model::FactType::CodeList: return "code_list";
  }
  return "?";
}

// The unit a number fact is counted in, from its name (`*_weeks`).
std::string unit_of(const model::Fact& f) {
  if (f.type != model::FactType::Number) return "";
  auto ends = [&](std::string_view s) {
    return f.path.size() >= s.size() && f.path.compare(f.path.size() - s.size(), s.size(), s) == 0;
  };
  if (ends("_weeks")) return "weeks";
  if (ends("_days")) return "days";
  if (ends("_months")) return "months";
  if (ends("_years") || ends(".age")) return "years";
  return "";
}

json policy_summary(const LoadedPolicy& lp) {
  const model::Policy& p = *lp.policy;
  return json{{"id", p.id}, {"title", p.title}, {"version", p.version}, {"effective", p.effective},
              {"sha256", p.sha256}, {"href", "/v1/policies/" + p.id}};
}

json policy_detail(const LoadedPolicy& lp) {
  const model::Policy& p = *lp.policy;
  json j = policy_summary(lp);
  j["decision_text"] = p.decision_text;
  json sections = json::array();
  for (const auto& s : p.sections) sections.push_back({{"id", s.id}, {"title", s.title}, {"heading", s.heading}});
  j["sections"] = sections;
  json criteria = json::array();
  for (const auto& c : p.criteria) {
    json cj{{"id", c.id}, {"section", c.section}, {"kind", model::to_string(c.kind)}, {"title", c.title},
            {"text", c.text}, {"combinator", model::to_string(c.combinator)}};
    if (!c.category.empty()) cj["category"] = c.category;
    json children = json::array();
    for (int ch : c.children) children.push_back(p.criteria[static_cast<size_t>(ch)].id);
    cj["children"] = children;
    if (!c.when_source.empty()) cj["when"] = c.when_source;
    cj["ambiguities"] = c.ambiguities;
    criteria.push_back(cj);
  }
  j["criteria"] = criteria;
  json pathways = json::array(), exclusions = json::array();
  for (int i : p.pathways) pathways.push_back(p.criteria[static_cast<size_t>(i)].id);
  for (int i : p.exclusions) exclusions.push_back(p.criteria[static_cast<size_t>(i)].id);
  j["pathways"] = pathways;
  j["exclusions"] = exclusions;
  json ambiguities = json::array();
  for (const auto& a : p.ambiguities) {
    json readings = json::array();
    for (const auto& r : a.readings) readings.push_back({{"id", r.id}, {"text", r.text}});
    ambiguities.push_back({{"id", a.id}, {"question", a.question}, {"quote", a.quote}, {"chosen", a.chosen},
                           {"criteria", a.criteria}, {"readings", readings}});
  }
  j["ambiguities"] = ambiguities;
  // Which facts the policy reads, under any of its readings: a vocabulary
  // shared by two payers has facts one of them never looks at.
  std::vector<char> read = model::facts_read(p);
  json facts = json::array();
  for (const auto& f : p.vocab.facts) {
    json fj{{"path", f.path}, {"type", type_name(f.type)}, {"kind", model::to_string(f.kind)},
            {"description", f.description}, {"source", f.source}, {"item", f.item},
            {"read", read[static_cast<size_t>(&f - p.vocab.facts.data())] != 0}};
    if (!f.values.empty()) fj["values"] = f.values;
    if (!f.members.empty()) {
      json members = json::array();
      for (const auto& m : f.members)
        members.push_back({{"name", m.name}, {"text", m.text}, {"kind", model::to_string(m.kind)}});
      fj["members"] = members;
    }
    if (f.type == model::FactType::Number) {
      fj["min"] = f.min;
      if (f.max < 1e300) fj["max"] = f.max;
      fj["unit"] = unit_of(f);
      fj["grows_only"] = f.grows_only;
    }
    facts.push_back(fj);
  }
  j["vocabulary"] = {{"id", p.vocab.id}, {"facts", facts}};
  json codes = json::array();
  for (const auto& c : p.codes)
    codes.push_back({{"code", c.code}, {"description", c.description}, {"procedure", c.procedure},
                     {"levels", c.levels}, {"techniques", c.techniques}, {"add_on", c.add_on}});
  j["codes"] = codes;
  return j;
}

Response json_response(std::string body, int status = 200) {
  Response r;
  r.status = status;
  r.body = std::move(body);
  return r;
}

double ms_since(Clock::time_point t) { return std::chrono::duration<double, std::milli>(Clock::now() - t).count(); }

// Appends the audit line of one decision (before the response is sent).
void audit(const RequestContext& ctx, const PolicyTarget& t, std::string_view case_text, const model::Case* c,
           const std::string& decision, long line = 0) {
  if (Metrics* m = ctx.service.metrics(); m && decision != "error") m->decision(decision);
  AuditLog* log = ctx.service.audit();
  if (!log) return;
  AuditRecord r;
  r.request_id = ctx.request_id;
  r.route = ctx.request.method + " " + ctx.route;
  r.policy_id = t.policy->id;
  r.policy_sha256 = t.policy->sha256;
  r.readings = t.readings;
  r.case_sha256 = model::sha256_hex(case_text);
  if (c && c->has_case_id) r.case_id = c->case_id;
  r.line = line;
  r.decision = decision;
  r.latency_ms = ms_since(ctx.start);
  if (!log->write(r)) throw HttpError(503, "cannot write the audit log; the decision was not recorded");
}

// The bad case itself is audited too: every request that reached a policy is
// in the log, decided or refused.
model::Case read_case(const RequestContext& ctx, const PolicyTarget& t, Engines& e) {
  try {
    return e.reader.read(ctx.request.body, kBodyName);
  } catch (const model::DiagnosticError&) {
    audit(ctx, t, ctx.request.body, nullptr, "error");
    throw;
  }
}

Response evaluate_batch(RequestContext& ctx, PolicyTarget t) {
  // The body is held by the stream (the request dies with the handler).
  struct State {
    std::string body;
    size_t pos = 0;
    long line = 0;
    PolicyTarget target;
    std::string request_id, route;
    Clock::time_point start;
    model::Case c;
    solver::CaseResult r;
  };
  auto st = std::make_shared<State>();
  st->body = std::move(const_cast<Request&>(ctx.request).body);
  st->target = std::move(t);
  st->request_id = ctx.request_id;
  st->route = ctx.route;
  st->start = ctx.start;
  st->c = model::Case(st->target.policy->vocab);
  const ServiceContext* service = &ctx.service;
  Response res;
  res.content_type = "application/x-ndjson";
  res.stream = [st, service](std::string& out) {
    Engines& e = service->engines(st->target.policy);
    // A few lines at a time: the client sees results as they are decided.
    std::vector<AuditRecord> records;
    auto started = Clock::now();
    while (st->pos < st->body.size() && out.size() < 16384 &&
           Clock::now() - started < std::chrono::milliseconds(20)) {
      size_t nl = st->body.find('\n', st->pos);
      size_t end = nl == std::string::npos ? st->body.size() : nl;
      std::string_view line(st->body.data() + st->pos, end - st->pos);
      st->pos = nl == std::string::npos ? st->body.size() : nl + 1;
      ++st->line;
      if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
      // A blank line is a line too: its error result keeps result N on input
      // line N, as `evaluate --batch` does.
      AuditRecord rec;
      rec.request_id = st->request_id;
      rec.route = "POST " + st->route;
      rec.policy_id = st->target.policy->id;
      rec.policy_sha256 = st->target.policy->sha256;
      rec.readings = st->target.readings;
      rec.case_sha256 = model::sha256_hex(line);
      rec.line = st->line;
      try {
        e.reader.read_into(line, kBodyName, st->line, st->c);
        e.engine.evaluate_into(st->c, st->r);
        service->result_json()(out, *st->target.policy, st->c, st->r, e.readings, false);
        rec.decision = model::to_string(st->r.decision);
        if (st->c.has_case_id) rec.case_id = st->c.case_id;
        if (Metrics* m = service->metrics()) m->decision(rec.decision);
      } catch (const model::DiagnosticError& err) {
        service->error_json()(out, st->line, err.diagnostic().str());
        rec.decision = "error";
      }
      out += '\n';
      rec.latency_ms = ms_since(st->start);
      records.push_back(std::move(rec));
    }
    // Audited before the lines are sent.
    if (AuditLog* log = service->audit(); log && !log->write(records))
      throw std::runtime_error("cannot write the audit log");
    return st->pos < st->body.size();
  };
  return res;
}

}  // namespace

void require_media_type(const RequestContext& ctx, const std::vector<std::string>& types) {
  std::string mt = ctx.request.media_type();
  for (const auto& t : types)
    if (mt == t) return;
  std::string expected;
  for (const auto& t : types) expected += (expected.empty() ? "" : " or ") + t;
  throw HttpError(415, "unsupported content type `" + ctx.request.header("content-type") + "` (expected " +
                           expected + ")");
}

PolicyTarget policy_target(const RequestContext& ctx, const std::string& id, const std::vector<std::string>& allowed) {
  PolicyTarget t;
  t.loaded = ctx.service.policies().find(id);
  if (!t.loaded) {
    std::string known;
    for (const auto& p : ctx.service.policies().all()) known += (known.empty() ? "" : ", ") + p->id;
    throw HttpError(404, "no policy with id `" + id + "` (loaded: " + known + ")");
  }
  for (const auto& [k, v] : ctx.request.query) {
    bool ok = false;
    for (const auto& a : allowed) ok = ok || k == a;
    if (!ok) {
      std::string expected;
      for (const auto& a : allowed) expected += (expected.empty() ? "" : ", ") + a;
      model::diagnose("query").fail("unknown query parameter `" + k + "` (expected " + (expected.empty() ? "none" : expected) + ")");
    }
    if (k == "reading") t.readings.push_back(v);
  }
  try {
    t.policy = ctx.service.policies().under(*t.loaded, t.readings);
  } catch (const std::length_error& e) {
    throw HttpError(503, e.what());
  }
  // The readings in force (for the audit log): the service's --reading, each
  // replaced by the request's of the same ambiguity, then the request's.
  std::vector<std::string> in_force;
  for (const auto& r : t.loaded->readings) {
    std::string amb = r.substr(0, r.find('='));
    bool replaced = false;
    for (const auto& q : t.readings) replaced = replaced || q.compare(0, amb.size() + 1, amb + "=") == 0;
    if (!replaced) in_force.push_back(r);
  }
  in_force.insert(in_force.end(), t.readings.begin(), t.readings.end());
  t.readings = std::move(in_force);
  return t;
}

std::vector<Route> api_routes() {
  std::vector<Route> routes;
  routes.push_back({"GET", "/healthz", [](RequestContext& ctx) {
    json ids = json::array();
    for (const auto& p : ctx.service.policies().all()) ids.push_back(p->id);
    return json_response(json{{"status", "ok"}, {"policies", ids}}.dump());
  }});
  routes.push_back({"GET", "/metrics", [](RequestContext& ctx) {
    Response r;
    r.content_type = "text/plain; version=0.0.4; charset=utf-8";
    if (Metrics* m = ctx.service.metrics()) r.body = m->text();
    return r;
  }});
  routes.push_back({"GET", "/v1/policies", [](RequestContext& ctx) {
    json list = json::array();
    for (const auto& p : ctx.service.policies().all()) list.push_back(policy_summary(*p));
    return json_response(json{{"api", "v1"}, {"policies", list}}.dump());
  }});
  routes.push_back({"GET", "/v1/policies/{id}", [](RequestContext& ctx) {
    PolicyTarget t = policy_target(ctx, ctx.param("id"), {});
    return json_response(policy_detail(*t.loaded).dump());
  }});
  routes.push_back({"POST", "/v1/policies/{id}/evaluate", [](RequestContext& ctx) {
    PolicyTarget t = policy_target(ctx, ctx.param("id"));
    require_media_type(ctx, {"application/json", "application/x-ndjson"});
    if (ctx.request.media_type() == "application/x-ndjson") return evaluate_batch(ctx, std::move(t));
    Engines& e = ctx.service.engines(t.policy);
    model::Case c = read_case(ctx, t, e);
    solver::CaseResult r = e.engine.evaluate(c);
    std::string out;
    ctx.service.result_json()(out, *t.policy, c, r, e.readings, true);
    audit(ctx, t, ctx.request.body, &c, model::to_string(r.decision));
    return json_response(std::move(out));
  }});
  routes.push_back({"POST", "/v1/policies/{id}/explain", [](RequestContext& ctx) {
    PolicyTarget t = policy_target(ctx, ctx.param("id"), {"reading", "max"});
    require_media_type(ctx, {"application/json"});
    explain::ExplainOptions eo;  // ?max=N as the CLI's --max: at most N corrections, actionable first
    for (const auto& v : ctx.request.query_values("max")) {
      bool digits = !v.empty() && v.size() <= 6 && v.find_first_not_of("0123456789") == std::string::npos;
      if (!digits) {
        model::diagnose("query").fail("`max=" + v + "`: expected a whole number of corrections (0 = all)");
      }
      eo.max = std::stoi(v);
    }
    Engines& e = ctx.service.engines(t.policy);
    model::Case c = read_case(ctx, t, e);
    explain::Explanation x = e.explainer().explain(c, eo);
    std::string out = explain::explanation_json(*t.policy, c, x);
    audit(ctx, t, ctx.request.body, &c, model::to_string(x.result.decision));
    return json_response(std::move(out));
  }});
  routes.push_back({"POST", "/v1/policies/{id}/render", [](RequestContext& ctx) {
    PolicyTarget t = policy_target(ctx, ctx.param("id"));
    require_media_type(ctx, {"application/json"});
    Engines& e = ctx.service.engines(t.policy);
    model::Case c = read_case(ctx, t, e);
    solver::CaseResult r = e.engine.evaluate(c);
    visualize::DecisionGraph g = visualize::build_decision_graph(*t.policy);
    visualize::CaseOverlay ov = visualize::overlay_case(g, *t.policy, r, c.has_case_id ? c.case_id : "(no case_id)");
    std::string dot = visualize::write_dot(g, *t.policy, &ov);
    std::string svg;
    {
      // Graphviz keeps global state: one layout at a time in the process.
      static std::mutex graphviz;
      std::lock_guard<std::mutex> lock(graphviz);
      svg = visualize::render(dot, visualize::Format::Svg);
    }
    audit(ctx, t, ctx.request.body, &c, model::to_string(r.decision));
    Response res;
    res.content_type = "image/svg+xml";
    res.body = std::move(svg);
    return res;
  }});
  auto asset_route = [](const std::string& name) {
    return [name](RequestContext&) {
      auto a = asset(name);
      if (!a) throw HttpError(404, "no such resource `/" + name + "`");
      Response r;
      r.content_type = a->content_type;
      r.body = std::string(a->content);
      r.headers.emplace_back("Content-Security-Policy",
                             "default-src 'self'; img-src 'self' blob: data:; style-src 'self'; script-src 'self'; "
                             "connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'none'");
      return r;
    };
  };
  routes.push_back({"GET", "/", asset_route("index.html")});
  routes.push_back({"GET", "/assets/{name}", [](RequestContext& ctx) {
    if (ctx.param("name") == "example-case.json") {  // the bundled example case, for "Load the example"
      Response r;
      r.body = std::string(model::embedded_file("example-case.json").value_or(std::string_view("{}")));
      return r;
    }
    auto a = asset(ctx.param("name"));
    if (!a || ctx.param("name") == "index.html") throw HttpError(404, "no such resource `" + ctx.request.path + "`");
    Response r;
    r.content_type = a->content_type;
    r.body = std::string(a->content);
    return r;
  }});
  return routes;
}

}  // namespace pp::serve
