#include "serve/service_context.h"

#include <stdexcept>

#include "model/diagnostic.h"
#include "model/embedded_files.h"
#include "model/sha256.h"

namespace pp::serve {

namespace {

[[noreturn]] void reading_error(const std::string& message) {
  model::diagnose("reading").fail(message);
}

}  // namespace

void PolicyRegistry::add(std::shared_ptr<const model::Policy> policy, model::PolicySource source) {
  if (find(policy->id)) {
    model::diagnose(source.file).fail("a policy with id `" + policy->id + "` is already loaded (expected each --policy to have its own id)");
  }
  auto lp = std::make_unique<LoadedPolicy>();
  lp->id = policy->id;
  lp->encoded = policy;
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

namespace {

// "AMB.id=READING" -> (ambiguity, reading); `where` names the source in errors.
std::pair<std::string, std::string> split_reading(const std::string& r, const std::string& where) {
  auto eq = r.find('=');
  if (eq == std::string::npos || eq == 0 || eq + 1 == r.size()) {
    model::diagnose(where).fail("`" + r + "`: expected AMB.ID=READING");
  }
  return {r.substr(0, eq), r.substr(eq + 1)};
}

}  // namespace

void PolicyRegistry::set_readings(const std::vector<std::string>& readings) {
  for (auto& lp : policies_) lp->readings.clear();
  for (const auto& r : readings) {
    auto [amb, rd] = split_reading(r, "--reading");
    bool placed = false;
    std::string known;
    for (auto& lp : policies_) {
      for (const auto& x : lp->encoded->ambiguities) known += (known.empty() ? "" : ", ") + x.id;
      if (!lp->encoded->find_ambiguity(amb)) continue;
      for (const auto& old : lp->readings)
        if (split_reading(old, "--reading").first == amb && old != r) {
          model::diagnose("--reading").fail("ambiguity `" + amb + "` given two readings (`" + old.substr(amb.size() + 1) + "`, `" + rd + "`)");
        }
      lp->readings.push_back(r);
      placed = true;
    }
    if (!placed) {
      model::diagnose("--reading").fail("unknown ambiguity `" + amb + "` in every policy served (expected one of " + known + ")");
    }
  }
  for (auto& lp : policies_) {
    std::map<std::string, std::string> chosen;
    for (const auto& r : lp->readings) chosen.insert(split_reading(r, "--reading"));
    lp->policy = chosen.empty() ? lp->encoded : lp->encoded->under(chosen, "--reading");
  }
  std::lock_guard<std::mutex> lock(*mutex_);
  variants_.clear();
}

std::shared_ptr<const model::Policy> PolicyRegistry::under(const LoadedPolicy& lp,
                                                           const std::vector<std::string>& readings) const {
  if (readings.empty()) return lp.policy;
  const model::Policy& p = *lp.encoded;
  std::map<std::string, std::string> asked;  // ambiguity -> reading, as the request gives them
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
    auto [it, fresh] = asked.emplace(amb, rd);
    if (!fresh && it->second != rd) reading_error("two readings of `" + amb + "`");
  }
  // the service's readings, each replaced by the request's of the same ambiguity
  std::map<std::string, std::string> chosen, served;
  for (const auto& r : lp.readings) served.insert(split_reading(r, "--reading"));
  chosen = served;
  for (const auto& [a, r] : asked) chosen[a] = r;
  if (chosen == served) return lp.policy;
  std::string key = lp.id;
  for (const auto& [a, r] : chosen) key += "\n" + a + "=" + r;
  std::lock_guard<std::mutex> lock(*mutex_);
  if (auto it = variants_.find(key); it != variants_.end()) return it->second;
  if (variants_.size() >= kMaxVariants)
    throw std::length_error("the service holds at most " + std::to_string(kMaxVariants) +
                            " combinations of readings; this one is not among them");
  auto variant = p.under(chosen, "reading");  // the readings' conditions, parsed once at load time
  variants_.emplace(key, variant);
  return variant;
}

Engines::Engines(std::shared_ptr<const model::Policy> p, solver::Limits limits)
    : policy(p), reader(*p), engine(p, limits), readings(p, limits), limits_(limits) {}

explain::Explainer& Engines::explainer() {
  if (!explainer_) explainer_ = std::make_unique<explain::Explainer>(policy, limits_);
  return *explainer_;
}

ServiceContext::ServiceContext(PolicyRegistry registry, ResultJsonWriter result_json, ErrorJsonWriter error_json,
                               AuditLog* audit, Metrics* metrics)
    : registry_(std::move(registry)), result_json_(std::move(result_json)), error_json_(std::move(error_json)),
      audit_(audit), metrics_(metrics) {}

Engines& ServiceContext::engines(const std::shared_ptr<const model::Policy>& policy) const {
  // INVARIANT: an Engines is used by the thread that made it only; it holds
  // its policy, so the key (the policy's address) is not reused while it lives.
  static thread_local std::map<const model::Policy*, std::unique_ptr<Engines>> mine;
  auto& e = mine[policy.get()];
  if (!e) e = std::make_unique<Engines>(policy, explain_limits);
  return *e;
}

}  // namespace pp::serve
