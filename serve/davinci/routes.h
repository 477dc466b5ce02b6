// The Da Vinci CRD/DTR routes of `policyproof serve` (serve layer;
// docs/davinci.md): the route table's entries for
//   GET  /cds-services                       CDS Hooks discovery
//   POST /cds-services/{id}                  order-sign / order-select
//   POST /Questionnaire/$questionnaire-package
//   POST /Questionnaire/$next-question
// Each passes the body to DavinciService and audit-logs every hook call and
// response (one line per order, with its coverage-assertion-id).
// Header-only: the handlers need the router (pp_serve), which links pp_davinci.
#pragma once
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "model/sha256.h"
#include "serve/audit_log.h"
#include "serve/davinci/davinci.h"
#include "serve/router.h"
#include "serve/service_context.h"

namespace pp::serve {

namespace davinci_detail {

// The service over the loaded policies that have a FHIR mapping, made on the
// first request (the registry is known only then).
struct Lazy {
  std::once_flag once;
  std::unique_ptr<davinci::DavinciService> service;
  std::string error;

  davinci::DavinciService& get(const RequestContext& ctx) {
    std::call_once(once, [&] {
      std::vector<std::shared_ptr<const model::Policy>> ps;
      for (const auto& p : ctx.service.policies().all())
        if (davinci::load_bundled_fhir_mapping(p->policy->vocab)) ps.push_back(p->policy);
      if (ps.empty()) {
        error = "no loaded policy has a FHIR mapping";
        return;
      }
      davinci::ServiceOptions o;
      o.limits = ctx.service.explain_limits;
      std::string host = ctx.request.header("host");
      if (!host.empty()) {
        std::string proto = ctx.request.header("x-forwarded-proto");
        o.service_base = (proto.empty() ? "http" : proto) + "://" + host;
      }
      service = std::make_unique<davinci::DavinciService>(ps, o);
    });
    if (!service) throw HttpError(404, error);
    return *service;
  }
};

inline double ms_since(std::chrono::steady_clock::time_point t) {
  return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t).count();
}

inline Response reply(RequestContext& ctx, const davinci::Reply& r, const std::string& policy_id,
                      const std::string& policy_sha256) {
  if (AuditLog* log = ctx.service.audit()) {
    std::vector<AuditRecord> records;
    const std::string body_sha = model::sha256_hex(ctx.request.body);
    for (const auto& a : r.audit) {
      AuditRecord rec;
      rec.request_id = ctx.request_id;
      rec.route = ctx.request.method + " " + ctx.route;
      rec.policy_id = policy_id;
      rec.policy_sha256 = policy_sha256;
      rec.case_sha256 = body_sha;
      rec.case_id = a.value("order", a.value("questionnaire", std::string()));
      rec.decision = a.contains("decision") ? a["decision"].get<std::string>()
                     : a.contains("next_question") ? "question:" + a["next_question"].get<std::string>()
                     : a.contains("error") ? "error" : "";
      rec.coverage_assertion_id = a.value("coverage_assertion_id", std::string());
      rec.latency_ms = ms_since(ctx.start);
      records.push_back(std::move(rec));
    }
    if (records.empty() && r.status >= 400) {
      AuditRecord rec;
      rec.request_id = ctx.request_id;
      rec.route = ctx.request.method + " " + ctx.route;
      rec.policy_id = policy_id;
      rec.policy_sha256 = policy_sha256;
      rec.case_sha256 = body_sha;
      rec.decision = "error";
      rec.latency_ms = ms_since(ctx.start);
      records.push_back(std::move(rec));
    }
    if (!log->write(records)) throw HttpError(503, "cannot write the audit log; the response was not recorded");
  }
  Response out;
  out.status = r.status;
  out.content_type = r.content_type;
  out.body = r.body;
  return out;
}

inline void require_json(const RequestContext& ctx) {
  std::string mt = ctx.request.media_type();
  if (mt != "application/json" && mt != "application/fhir+json")
    throw HttpError(415, "unsupported content type `" + ctx.request.header("content-type") +
                             "` (expected application/json or application/fhir+json)");
}

}  // namespace davinci_detail

inline std::vector<Route> davinci_routes() {
  auto lazy = std::make_shared<davinci_detail::Lazy>();
  using davinci_detail::reply;
  std::vector<Route> routes;
  auto policy_of = [](davinci::DavinciService& s) -> const model::Policy& { return *s.policies().front().policy; };
  routes.push_back({"GET", "/cds-services", [lazy](RequestContext& ctx) {
                      davinci::DavinciService& s = lazy->get(ctx);
                      Response r;
                      r.body = s.discovery().body;
                      return r;
                    }});
  routes.push_back({"POST", "/cds-services/{id}", [lazy, policy_of](RequestContext& ctx) {
                      davinci_detail::require_json(ctx);
                      davinci::DavinciService& s = lazy->get(ctx);
                      const std::string& id = ctx.param("id");
                      const model::Policy* p = &policy_of(s);
                      for (const auto& e : s.policies())
                        if (id.rfind(e.key + "-", 0) == 0) p = e.policy.get();
                      return reply(ctx, s.hook(id, ctx.request.body), p->id, p->sha256);
                    }});
  routes.push_back({"POST", "/Questionnaire/$questionnaire-package", [lazy, policy_of](RequestContext& ctx) {
                      davinci_detail::require_json(ctx);
                      davinci::DavinciService& s = lazy->get(ctx);
                      const model::Policy& p = policy_of(s);
                      return reply(ctx, s.questionnaire_package(ctx.request.body), p.id, p.sha256);
                    }});
  routes.push_back({"POST", "/Questionnaire/$next-question", [lazy, policy_of](RequestContext& ctx) {
                      davinci_detail::require_json(ctx);
                      davinci::DavinciService& s = lazy->get(ctx);
                      const model::Policy& p = policy_of(s);
                      return reply(ctx, s.next_question(ctx.request.body), p.id, p.sha256);
                    }});
  return routes;
}

}  // namespace pp::serve
