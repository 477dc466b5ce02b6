// What every request handler of the service shares (serve layer): the loaded
// policies (and each under its named readings), one set of engines per thread
// (Z3 contexts are not thread-safe: a thread only ever uses its own), the
// audit log, the metrics, and the CLI's JSON writers.
#pragma once
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "explain/explainer.h"
#include "model/case.h"
#include "model/case_reader.h"
#include "model/policy.h"
#include "solver/case_engine.h"
#include "solver/limits.h"
#include "solver/reading_checker.h"

namespace pp::serve {

class AuditLog;
class Metrics;

// One policy as the service serves it: the encoded reading, and the policy
// under each other named reading, derived once and asked for by id.
struct LoadedPolicy {
  std::string id;                                   // the policy's id (URL segment)
  std::shared_ptr<const model::Policy> policy;      // as served: under `readings`
  std::shared_ptr<const model::Policy> encoded;     // as encoded (the file's chosen readings)
  std::vector<std::string> readings;                // the service's --reading for it ("AMB.id=READING")
  model::PolicySource source;                       // for readings combined on demand
  std::string source_sha256;                        // of source.text
};

// The loaded policies, addressed by id.
class PolicyRegistry {
 public:
  // Policies under readings held at most (each also costs every thread its
  // engines): a client cycling through combinations cannot grow memory past it.
  static constexpr size_t kMaxVariants = 64;

  // Adds a policy; throws DiagnosticError when its id is already loaded.
  void add(std::shared_ptr<const model::Policy> policy, model::PolicySource source);
  // The bundled CMM-607 model (the default when no --policy is given).
  void add_bundled();
  // Loads a policy file (throws DiagnosticError: file:line:col).
  void add_file(const std::string& path);

  // The service's --reading (as the CLI's): each goes to every loaded policy
  // that names its ambiguity. Throws DiagnosticError (file "--reading") on a
  // reading no loaded policy has, or two readings of one ambiguity.
  void set_readings(const std::vector<std::string>& readings);

  const LoadedPolicy* find(std::string_view id) const;  // nullptr when none
  const std::vector<std::unique_ptr<LoadedPolicy>>& all() const { return policies_; }

  // The policy `p` under `readings` ("AMB.id=READING" each, as the CLI's
  // --reading) on top of the service's own (a request's reading of an
  // ambiguity replaces the service's); `p.policy` when that changes nothing.
  // Derived once per set, then
  // cached. Throws DiagnosticError (file "reading") on an unknown ambiguity
  // or reading, std::length_error past kMaxVariants sets.
  std::shared_ptr<const model::Policy> under(const LoadedPolicy& p, const std::vector<std::string>& readings) const;

 private:
  std::vector<std::unique_ptr<LoadedPolicy>> policies_;
  std::unique_ptr<std::mutex> mutex_ = std::make_unique<std::mutex>();  // movable registry
  mutable std::map<std::string, std::shared_ptr<const model::Policy>> variants_;  // key: id + readings
};

// One thread's reader, engine and explainer for one policy (one Z3 context
// each, created on first need, used by that thread only).
struct Engines {
  Engines(std::shared_ptr<const model::Policy> p, solver::Limits limits);
  std::shared_ptr<const model::Policy> policy;
  model::CaseReader reader;
  solver::CaseEngine engine;
  solver::ReadingChecker readings;  // depends_on: the case under the other named readings
  // The explainer (its own Z3 contexts), made on the first explain.
  explain::Explainer& explainer();

 private:
  solver::Limits limits_;
  std::unique_ptr<explain::Explainer> explainer_;
};

// How the CLI writes an evaluate result as JSON (cli::append_evaluate_json:
// a single case with why, depends_on and warnings; a batch line with
// depends_on); the service is handed the very function, so both write the
// same bytes.
using ResultJsonWriter = std::function<void(std::string& out, const model::Policy&, const model::Case&,
                                            const solver::CaseResult&, solver::ReadingChecker&, bool single)>;
// How the CLI writes a batch line that could not be read (cli::append_error_json).
using ErrorJsonWriter = std::function<void(std::string& out, long line, const std::string& message)>;

class ServiceContext {
 public:
  ServiceContext(PolicyRegistry registry, ResultJsonWriter result_json, ErrorJsonWriter error_json,
                 AuditLog* audit, Metrics* metrics);

  const PolicyRegistry& policies() const { return registry_; }
  // This thread's engines for `policy` (made on the first call from a thread).
  Engines& engines(const std::shared_ptr<const model::Policy>& policy) const;

  const ResultJsonWriter& result_json() const { return result_json_; }
  const ErrorJsonWriter& error_json() const { return error_json_; }
  AuditLog* audit() const { return audit_; }      // nullptr: no audit log
  Metrics* metrics() const { return metrics_; }  // nullptr: no metrics
  // Every Z3 query of the service (named for explain, used by every engine
  // here and by the Da Vinci routes): a deterministic resource limit, no
  // wall-clock timeout. Debian's Z3 4.8.12 runs timeouts on a shared timer
  // thread pool that deadlocks when several threads use timeouts at once
  // (Z3Prover/z3 PR #5371, issue #5990); a precaution: the one hang seen while
  // building this was a slow explain of a near-empty case, not that bug.
  // Answers equal the CLI's unless a limit is hit.
  solver::Limits explain_limits{0, 50'000'000};

 private:
  PolicyRegistry registry_;
  ResultJsonWriter result_json_;
  ErrorJsonWriter error_json_;
  AuditLog* audit_;
  Metrics* metrics_;
};

}  // namespace pp::serve
