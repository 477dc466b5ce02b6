#include "serve/metrics.h"

#include <cstdio>


namespace pp::serve {

namespace {

// A label value in the exposition format: backslash, quote and newline escaped.
std::string label(const std::string& v) {
  std::string out;
  for (char c : v) {
    if (c == '\\' || c == '"') out += '\\';
    if (c == '\n') { out += "\\n"; continue; }
    out += c;
  }
  return out;
}

// `method="POST",route="/v1/..."` for a route named "POST /v1/...".
std::string route_labels(const std::string& name) {
  auto sp = name.find(' ');
  if (sp == std::string::npos) return "route=\"" + label(name) + "\"";
  return "method=\"" + label(name.substr(0, sp)) + "\",route=\"" + label(name.substr(sp + 1)) + "\"";
}

std::string num(double v) {
  char buf[40];
  std::snprintf(buf, sizeof buf, "%.9g", v);
  return buf;
}

}  // namespace

Metrics::Metrics(std::vector<std::string> routes) : routes_(std::move(routes)) {
  routes_.push_back("unmatched");
  for (size_t i = 0; i < routes_.size(); ++i) per_route_.push_back(std::make_unique<PerRoute>());
}

int Metrics::route_index(const std::string& pattern) const {
  for (size_t i = 0; i + 1 < routes_.size(); ++i)
    if (routes_[i] == pattern) return static_cast<int>(i);
  return unmatched();
}

void Metrics::observe(int route, int status, double seconds) {
  if (route < 0 || route >= static_cast<int>(per_route_.size())) route = unmatched();
  PerRoute& r = *per_route_[route];
  if (status >= 100 && status < 600) r.status[status].fetch_add(1, std::memory_order_relaxed);
  if (status >= 400) r.errors.fetch_add(1, std::memory_order_relaxed);
  size_t b = 0;
  while (b < kBuckets.size() && seconds > kBuckets[b]) ++b;
  r.bucket[b].fetch_add(1, std::memory_order_relaxed);
  r.count.fetch_add(1, std::memory_order_relaxed);
  r.sum_us.fetch_add(static_cast<unsigned long>(seconds * 1e6), std::memory_order_relaxed);
}

void Metrics::decision(const std::string& d) {
  int i = d == "medically_necessary" ? 0 : d == "not_medically_necessary" ? 1 : 2;
  decisions_[i].fetch_add(1, std::memory_order_relaxed);
}

std::string Metrics::text() const {
  std::string out;
  out += "# HELP policyproof_http_requests_total HTTP requests answered, by route and status code.\n";
  out += "# TYPE policyproof_http_requests_total counter\n";
  for (size_t i = 0; i < routes_.size(); ++i)
    for (int s = 100; s < 600; ++s)
      if (unsigned long n = per_route_[i]->status[s].load())
        out += "policyproof_http_requests_total{" + route_labels(routes_[i]) + ",code=\"" + std::to_string(s) +
               "\"} " + std::to_string(n) + "\n";
  out += "# HELP policyproof_http_errors_total HTTP requests answered with a status of 400 or above, by route.\n";
  out += "# TYPE policyproof_http_errors_total counter\n";
  for (size_t i = 0; i < routes_.size(); ++i)
    out += "policyproof_http_errors_total{" + route_labels(routes_[i]) + "} " +
           std::to_string(per_route_[i]->errors.load()) + "\n";
  out += "# HELP policyproof_http_request_duration_seconds Time from the request read to the response ready, by route.\n";
  out += "# TYPE policyproof_http_request_duration_seconds histogram\n";
  for (size_t i = 0; i < routes_.size(); ++i) {
    const PerRoute& r = *per_route_[i];
    std::string l = route_labels(routes_[i]);
    unsigned long cum = 0;
    for (size_t b = 0; b <= kBuckets.size(); ++b) {
      cum += r.bucket[b].load();
      std::string le = b < kBuckets.size() ? num(kBuckets[b]) : "+Inf";
      out += "policyproof_http_request_duration_seconds_bucket{" + l + ",le=\"" + le + "\"} " + std::to_string(cum) + "\n";
    }
    out += "policyproof_http_request_duration_seconds_sum{" + l + "} " + num(r.sum_us.load() / 1e6) + "\n";
    out += "policyproof_http_request_duration_seconds_count{" + l + "} " + std::to_string(r.count.load()) + "\n";
  }
  out += "# HELP policyproof_decisions_total Cases decided, by decision.\n";
  out += "# TYPE policyproof_decisions_total counter\n";
  const char* names[] = {"medically_necessary", "not_medically_necessary", "undetermined"};
  for (int i = 0; i < 3; ++i)
    out += std::string("policyproof_decisions_total{decision=\"") + names[i] + "\"} " +
           std::to_string(decisions_[i].load()) + "\n";
  out += "# HELP policyproof_connections_open Connections open now.\n# TYPE policyproof_connections_open gauge\n";
  out += "policyproof_connections_open " + std::to_string(open_connections_.load()) + "\n";
  out += "# HELP policyproof_connections_total Connections accepted.\n# TYPE policyproof_connections_total counter\n";
  out += "policyproof_connections_total " + std::to_string(connections_total_.load()) + "\n";
  out += "# HELP policyproof_connections_refused_total Connections refused over the connection cap.\n";
  out += "# TYPE policyproof_connections_refused_total counter\n";
  out += "policyproof_connections_refused_total " + std::to_string(connections_refused_.load()) + "\n";
  out += "# HELP policyproof_timeouts_total Connections cut off by a read timeout.\n";
  out += "# TYPE policyproof_timeouts_total counter\n";
  out += "policyproof_timeouts_total " + std::to_string(timeouts_.load()) + "\n";
  return out;
}

}  // namespace pp::serve
