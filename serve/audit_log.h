// The audit log of the service (serve layer): one JSON line per decision,
// appended and flushed before the response is sent, so a SIGTERM or a crash
// loses no decided request. Rotation is left to the system (logrotate with
// copytruncate, or rename then restart).
#pragma once
#include <cstdio>
#include <mutex>
#include <string>
#include <vector>

namespace pp::serve {

struct AuditRecord {
  std::string request_id;
  std::string route;         // the route pattern
  std::string policy_id;
  std::string policy_sha256;
  std::vector<std::string> readings;  // AMB.id=READING the request asked for
  std::string case_sha256;   // of the case's bytes as received
  std::string case_id;       // "" when the case has none
  long line = 0;             // batch line (x-ndjson), 0 otherwise
  std::string decision;      // medically_necessary | not_medically_necessary | undetermined | error
  std::string coverage_assertion_id;  // Da Vinci CRD/DTR (serve/davinci/routes.h); "" otherwise
  double latency_ms = 0;
};

class AuditLog {
 public:
  // Opens `path` for appending; throws DiagnosticError when it cannot.
  explicit AuditLog(const std::string& path);
  ~AuditLog();
  AuditLog(const AuditLog&) = delete;
  AuditLog& operator=(const AuditLog&) = delete;

  // Appends one line and flushes it; false when the write failed.
  bool write(const AuditRecord& r);
  // Appends several lines (a batch's chunk) with one flush.
  bool write(const std::vector<AuditRecord>& rs);

 private:
  std::mutex mutex_;
  std::FILE* file_ = nullptr;
};

// The JSON line of one record (no newline); `time` is filled in here (UTC, ms).
std::string audit_line(const AuditRecord& r);

}  // namespace pp::serve
