// Counters of the service in the Prometheus text format (serve layer):
// requests by route and status, errors, latency histograms by route,
// decisions, open connections. Lock-free counters: the hot path only adds.
#pragma once
#include <array>
#include <atomic>
#include <memory>
#include <string>
#include <vector>

namespace pp::serve {

class Metrics {
 public:
  // `routes`: the route patterns, in table order; an extra route "unmatched"
  // counts requests no route took (404, 405, malformed).
  explicit Metrics(std::vector<std::string> routes);

  int route_index(const std::string& pattern) const;  // the "unmatched" index when none
  int unmatched() const { return static_cast<int>(routes_.size()) - 1; }

  void observe(int route, int status, double seconds);
  void decision(const std::string& decision);  // medically_necessary | ...
  void connection_opened() { ++open_connections_; ++connections_total_; }
  void connection_closed() { --open_connections_; }
  void connection_refused() { ++connections_refused_; }
  void timed_out() { ++timeouts_; }
  long open_connections() const { return open_connections_.load(); }

  // The exposition text (text/plain; version=0.0.4).
  std::string text() const;

  static constexpr std::array<double, 14> kBuckets = {0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01,
                                                      0.025, 0.05, 0.1, 0.25, 0.5, 1, 5};

 private:
  struct PerRoute {
    std::array<std::atomic<unsigned long>, 600> status{};  // by status code (100-599)
    std::array<std::atomic<unsigned long>, kBuckets.size() + 1> bucket{};  // last: +Inf
    std::atomic<unsigned long> count{0};
    std::atomic<unsigned long> errors{0};
    std::atomic<unsigned long> sum_us{0};
  };
  std::vector<std::string> routes_;
  std::vector<std::unique_ptr<PerRoute>> per_route_;
  std::array<std::atomic<unsigned long>, 3> decisions_{};
  std::atomic<long> open_connections_{0};
  std::atomic<unsigned long> connections_total_{0};
  std::atomic<unsigned long> connections_refused_{0};
  std::atomic<unsigned long> timeouts_{0};
};

}  // namespace pp::serve
