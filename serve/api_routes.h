// The routes of the service's own API (v1), health, metrics and the case
// page, as a table for the Router (serve layer). docs/api.md is the contract.
// Handlers are thin: read the case, call the libraries, write the CLI's JSON.
#pragma once
#include <vector>

#include "serve/router.h"

namespace pp::serve {

// GET /healthz, GET /metrics, GET /v1/policies, GET /v1/policies/{id},
// POST /v1/policies/{id}/evaluate|explain|render, GET / and /assets/{name}.
std::vector<Route> api_routes();

// Shared by other route tables (e.g. the Da Vinci endpoints):
// the loaded policy named by the path's {id} (404 when none) and the policy
// under the request's `?reading=` values.
struct PolicyTarget {
  const LoadedPolicy* loaded = nullptr;
  std::shared_ptr<const model::Policy> policy;  // under the readings
  std::vector<std::string> readings;
};
// Throws HttpError(404) when the id names no policy; DiagnosticError (400)
// on a bad reading or an unknown query parameter (`allowed` names the others).
PolicyTarget policy_target(const RequestContext& ctx, const std::string& id,
                           const std::vector<std::string>& allowed = {"reading"});

// 415 unless the body's media type is one of `types`.
void require_media_type(const RequestContext& ctx, const std::vector<std::string>& types);

}  // namespace pp::serve
