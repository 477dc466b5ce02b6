#include "serve/audit_log.h"

#include <cerrno>
#include <chrono>
#include <cstring>
#include <ctime>

#include "model/diagnostic.h"
#include "model/json_text.h"

namespace pp::serve {

namespace {

std::string utc_now() {
  auto now = std::chrono::system_clock::now();
  auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()).count();
  std::time_t secs = static_cast<std::time_t>(ms / 1000);
  std::tm tm{};
  gmtime_r(&secs, &tm);
  char buf[96];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900, tm.tm_mon + 1,
                tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, static_cast<int>(ms % 1000));
  return buf;
}

}  // namespace

AuditLog::AuditLog(const std::string& path) {
  file_ = std::fopen(path.c_str(), "ab");
  if (!file_) {
    model::diagnose(path).fail(std::string("cannot open the audit log for appending (") + std::strerror(errno) + ")");
  }
}

AuditLog::~AuditLog() {
  if (file_) std::fclose(file_);
}

std::string audit_line(const AuditRecord& r) {
  std::string s = "{\"time\":\"" + utc_now() + "\",\"request_id\":";
  model::json_escape(s, r.request_id);
  s += ",\"route\":";
  model::json_escape(s, r.route);
  s += ",\"policy\":{\"id\":";
  model::json_escape(s, r.policy_id);
  s += ",\"sha256\":";
  model::json_escape(s, r.policy_sha256);
  s += "},\"readings\":[";
  for (size_t i = 0; i < r.readings.size(); ++i) {
    if (i) s += ',';
    model::json_escape(s, r.readings[i]);
  }
  s += "],\"case_sha256\":";
  model::json_escape(s, r.case_sha256);
  s += ",\"case_id\":";
  if (r.case_id.empty()) s += "null"; else model::json_escape(s, r.case_id);
  if (r.line > 0) s += ",\"line\":" + std::to_string(r.line);
  s += ",\"decision\":";
  model::json_escape(s, r.decision);
  if (!r.coverage_assertion_id.empty()) { s += ",\"coverage_assertion_id\":"; model::json_escape(s, r.coverage_assertion_id); }
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.3f", r.latency_ms);
  s += ",\"latency_ms\":";
  s += buf;
  s += '}';
  return s;
}

bool AuditLog::write(const AuditRecord& r) {
  std::string line = audit_line(r);
  line += '\n';
  std::lock_guard<std::mutex> lock(mutex_);
  bool ok = std::fwrite(line.data(), 1, line.size(), file_) == line.size();
  return std::fflush(file_) == 0 && ok;
}

bool AuditLog::write(const std::vector<AuditRecord>& rs) {
  if (rs.empty()) return true;
  std::string lines;
  for (const auto& r : rs) {
    lines += audit_line(r);
    lines += '\n';
  }
  std::lock_guard<std::mutex> lock(mutex_);
  bool ok = std::fwrite(lines.data(), 1, lines.size(), file_) == lines.size();
  return std::fflush(file_) == 0 && ok;
}

}  // namespace pp::serve
