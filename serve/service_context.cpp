#include "serve/service_context.h"

#include <stdexcept>

#include "model/diagnostic.h"
#include "model/embedded_files.h"
#include "model/sha256.h"

namespace pp::serve {

namespace {

[[noreturn]] void reading_error(const std::string& message) {
  model::Diagnostic d;
  d.location.file = "reading";
  d.message = message;
  throw model::DiagnosticError(d);
}

}  // namespace

void PolicyRegistry::add(std::shared_ptr<const model::Policy> policy, model::PolicySource source) {
  if (find(policy->id)) {
    model::Diagnostic d;
    d.location.file = source.file;
    d.message = "a policy with id `" + policy->id + "` is already loaded (expected each --policy to have its own id)";
    throw model::DiagnosticError(d);
  }
  auto lp = std::make_unique<LoadedPolicy>();
  lp->id = policy->id;
  lp->policy = std::move(policy);
  lp->source_sha256 = model::sha256_hex(source.text);
  lp->source = std::move(source);
  policies_.push_back(std::move(lp));
}

void PolicyRegistry::add_bundled() {
  auto text = model::embedded_file("cmm-607.yaml");
  add(model::load_bundled_policy(), model::PolicySource{std::string(text ? *text : ""), "cmm-607.yaml", ""});
}

void PolicyRegistry::add_file(const std::string& path) {
  model::PolicySource src;
  src.text = model::read_file(path);
  src.file = path;
  auto slash = path.find_last_of('/');
  src.dir = slash == std::string::npos ? "." : path.substr(0, slash);
  auto policy = model::load_policy(src);
  add(std::move(policy), std::move(src));
}

const LoadedPolicy* PolicyRegistry::find(std::string_view id) const {
  for (const auto& p : policies_)
    if (p->id == id) return p.get();
  return nullptr;
}

std::shared_ptr<const model::Policy> PolicyRegistry::under(const LoadedPolicy& lp,
                                                           const std::vector<std::string>& readings) const {
  if (readings.empty()) return lp.policy;
  const model::Policy& p = *lp.policy;
  std::map<std::string, std::string> chosen;  // ambiguity -> reading, sorted: one key per set
  for (const auto& r : readings) {
    auto eq = r.find('=');
    if (eq == std::string::npos || eq == 0 || eq + 1 == r.size())
      reading_error("`" + r + "`: expected AMB.ID=READING");
    std::string amb = r.substr(0, eq), rd = r.substr(eq + 1);
    const model::Ambiguity* a = nullptr;
    std::string known;
    for (const auto& x : p.ambiguities) {
      if (x.id == amb) a = &x;
      known += (known.empty() ? "" : ", ") + x.id;
    }
    if (!a) reading_error("unknown ambiguity `" + amb + "` (expected one of " + known + ")");
    const model::Reading* found = nullptr;
    std::string names;
    for (const auto& x : a->readings) {
      if (x.id == rd) found = &x;
      names += (names.empty() ? "" : ", ") + x.id;
    }
    if (!found) reading_error("unknown reading `" + rd + "` of `" + amb + "` (expected one of " + names + ")");
    auto [it, fresh] = chosen.emplace(amb, rd);
    if (!fresh && it->second != rd) reading_error("two readings of `" + amb + "`");
  }
  std::string key = lp.id;
  for (const auto& [a, r] : chosen) key += "\n" + a + "=" + r;
  std::lock_guard<std::mutex> lock(*mutex_);
  if (auto it = variants_.find(key); it != variants_.end()) return it->second;
  if (variants_.size() >= kMaxVariants)
    throw std::length_error("the service holds at most " + std::to_string(kMaxVariants) +
                            " combinations of readings; this one is not among them");
  std::map<std::string, std::string> overrides;
  for (const auto& [amb, rd] : chosen)
    for (const auto& a : p.ambiguities)
      if (a.id == amb)
        for (const auto& x : a.readings)
          if (x.id == rd)
            for (const auto& [cid, when] : x.overrides) overrides[cid] = when;
  auto variant = model::load_policy(lp.source, overrides);
  variants_.emplace(key, variant);
  return variant;
}

Engines::Engines(std::shared_ptr<const model::Policy> p, solver::Limits explain_limits)
    : policy(p), reader(*p), engine(p), explain_limits_(explain_limits) {}

explain::Explainer& Engines::explainer() {
  if (!explainer_) explainer_ = std::make_unique<explain::Explainer>(policy, explain_limits_);
  return *explainer_;
}

ServiceContext::ServiceContext(PolicyRegistry registry, ResultJsonWriter result_json, ErrorJsonWriter error_json,
                               AuditLog* audit, Metrics* metrics)
    : registry_(std::move(registry)), result_json_(std::move(result_json)), error_json_(std::move(error_json)),
      audit_(audit), metrics_(metrics) {
  explain_limits.timeout_ms = 5000;
}

Engines& ServiceContext::engines(const std::shared_ptr<const model::Policy>& policy) const {
  // INVARIANT: an Engines is used by the thread that made it only; it holds
  // its policy, so the key (the policy's address) is not reused while it lives.
  static thread_local std::map<const model::Policy*, std::unique_ptr<Engines>> mine;
  auto& e = mine[policy.get()];
  if (!e) e = std::make_unique<Engines>(policy, explain_limits);
  return *e;
}

}  // namespace pp::serve
