// `policyproof serve`: the reviewer's service: the JSON API, the case page and
// the audit log over HTTP/1.1 (cli layer: parse the flags, load the policies,
// build the route table, run the server in the foreground until SIGINT/SIGTERM).
#include <CLI/CLI.hpp>
#include <filesystem>
#include <iostream>
#include <memory>
#include <optional>
#include <thread>

#include "cli/case_result_output.h"
#include "cli/common.h"
#include "model/bundled_policies.h"
#include "model/policy.h"
#include "serve/davinci/routes.h"
#include "serve/api_routes.h"
#include "serve/audit_log.h"
#include "serve/http_server.h"
#include "serve/metrics.h"
#include "serve/service_context.h"

namespace pp::cli {

namespace {

struct ServeOptions {
  std::string bind = "127.0.0.1";
  int port = 8080;
  std::vector<std::string> policies;
  int threads = 0;
  std::string audit_log;
  long max_connections = 1024;
  double header_timeout_s = 10;
  double body_timeout_s = 30;
};

int run(const ServeOptions& o) {
  serve::PolicyRegistry registry;
  if (o.policies.empty()) registry.add_bundled();
  for (const auto& path : o.policies) {
    // A bundled policy named by its id (`--policy L34106`), unless a file of that name exists.
    std::error_code ec;
    if (path.find('/') == std::string::npos && !std::filesystem::exists(path, ec))
      if (auto src = model::bundled_policy_source(path)) {
        if (src->file == "cmm-607.yaml") registry.add_bundled();
        else registry.add(model::load_policy(*src), *src);
        continue;
      }
    registry.add_file(path);
  }
  registry.set_readings(reading_option_values());  // --reading: the service's default readings

  // The route table: the service's own API and page, then other tables.
  serve::Router router;
  router.add(serve::api_routes());
  router.add(serve::davinci_routes());  // Da Vinci CRD/DTR (docs/davinci.md)

  std::vector<std::string> names;
  for (const auto& r : router.routes()) names.push_back(r.method + " " + r.pattern);
  serve::Metrics metrics(names);
  std::unique_ptr<serve::AuditLog> audit;
  if (!o.audit_log.empty()) audit = std::make_unique<serve::AuditLog>(o.audit_log);
  serve::ServiceContext service(std::move(registry), append_evaluate_json, append_error_json, audit.get(), &metrics);

  serve::ServerOptions so;
  so.bind = o.bind;
  so.port = static_cast<unsigned short>(o.port);
  so.threads = o.threads > 0 ? o.threads : static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  so.limits.max_connections = o.max_connections;
  so.limits.header_timeout = std::chrono::milliseconds(static_cast<long>(o.header_timeout_s * 1000));
  so.limits.body_timeout = std::chrono::milliseconds(static_cast<long>(o.body_timeout_s * 1000));
  serve::Server server(so, service, router);

  std::string ids;
  for (const auto& p : service.policies().all()) ids += (ids.empty() ? "" : ", ") + p->id + " " + p->policy->version;
  std::string host = o.bind.find(':') != std::string::npos ? "[" + o.bind + "]" : o.bind;
  std::cerr << "policyproof serve: listening on http://" << host << ":" << server.port() << "/ (" << so.threads
            << " threads; policies: " << ids << (audit ? "; audit log " + o.audit_log : "") << ")" << std::endl;
  server.run(true);
  std::cerr << "policyproof serve: stopped" << std::endl;
  return kExitOk;
}

}  // namespace

CommandRunner add_serve_command(CLI::App& app) {
  auto o = std::make_shared<ServeOptions>();
  auto* cmd = app.add_subcommand("serve", "the HTTP JSON API, the case page and the audit log (until SIGINT/SIGTERM)");
  cmd->add_option("--bind", o->bind, "address to listen on (default 127.0.0.1: loopback only)");
  cmd->add_option("--port", o->port, "TCP port (default 8080; 0: any free port, printed)")->check(CLI::Range(0, 65535));
  cmd->add_option("--policy", o->policies, "policy to serve: a file, or a bundled policy's id (CMM-607, L34106); repeatable; default: the bundled CMM-607 model")
      ->allow_extra_args(false);
  cmd->add_option("--threads", o->threads, "worker threads, each with its own Z3 context (default: every core)")
      ->check(CLI::PositiveNumber);
  cmd->add_option("--audit-log", o->audit_log, "append one JSON line per decision to this file (flushed before each answer)");
  cmd->add_option("--max-connections", o->max_connections, "open connections at most (default 1024); more are answered 503")
      ->check(CLI::PositiveNumber);
  cmd->add_option("--header-timeout", o->header_timeout_s,
                  "seconds a connection may take to send a request's headers, or stay idle (default 10)")
      ->check(CLI::Range(0.01, 3600.0));
  cmd->add_option("--body-timeout", o->body_timeout_s, "seconds a request's body may take once its headers are in (default 30)")
      ->check(CLI::Range(0.01, 3600.0));
  return [o] { return guarded([&] { return run(*o); }); };
}

}  // namespace pp::cli
