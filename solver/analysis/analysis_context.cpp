// The state the analyses share, and the witness helper (see analysis_context.h).
#include "solver/analysis/analysis_context.h"

#include <algorithm>
#include <stdexcept>

#include <fmt/format.h>

#include "solver/witness.h"

namespace pp::solver::analysis {

using model::Combinator;
using model::Decision;
using model::Policy;
using model::Tri;

std::string check_claims(const model::Case& c, const std::vector<Claim>& claims, const Policy& policy,
                         const std::function<const Policy&(const std::string&)>& reading_policy) {
  for (const auto& cl : claims) {
    const Policy& p = cl.reading.empty() ? policy : reading_policy(cl.reading);
    model::Evaluator ev(p);
    model::Evaluation e = ev.evaluate(c);
    std::string under = cl.reading.empty() ? "" : " under " + cl.reading;
    if (const model::Relation* r = broken_relation(p, ev, c, e)) return "the witness breaks domain relation " + r->id;
    if (cl.decision && model::decision_of(e) != *cl.decision)
      return fmt::format("decision{} is {}, the claim says {}", under, model::to_string(model::decision_of(e)),
                         model::to_string(*cl.decision));
    for (const auto& [id, v] : cl.criteria) {
      int i = p.find_criterion(id);
      if (i < 0) return "unknown criterion " + id + under;
      if (e.criteria[static_cast<size_t>(i)] != (v ? Tri::True : Tri::False))
        return fmt::format("{}{} is {}, the claim says {}", id, under, model::to_string(e.criteria[static_cast<size_t>(i)]), v);
    }
    for (const auto& h : cl.holds)
      if (ev.eval(h.expr, c, e) != Tri::True) return "a claimed condition does not hold" + under + ": " + h.text;
  }
  return "";
}

AnalysisContext::AnalysisContext(std::shared_ptr<const Policy> policy, const model::PolicySource& source, Limits limits)
    : policy_(std::move(policy)),
      p_(*policy_),
      source_(source),
      limits_(limits),
      session_(policy_, limits),
      enc_(session_.encoding()),
      s_(session_.make_solver()),
      ev_(p_),
      graph_(p_) {
  s_.add(enc_.axioms());
}

std::string AnalysisContext::name(int i) const {
  const model::Criterion& c = crit(i);
  return c.title.empty() ? c.id : c.id + " (" + c.title + ")";
}

CheckResult AnalysisContext::ask(const std::vector<z3::expr>& extra) {
  s_.push();
  for (const auto& e : extra) s_.add(e);
  CheckResult r = check(s_);
  s_.pop();
  return r;
}

void AnalysisContext::incomplete(const std::string& what, const CheckResult& r, std::vector<std::string> criteria) {
  Finding f;
  f.kind = "incomplete";
  f.severity = Severity::Warning;
  f.criteria = std::move(criteria);
  f.message = what + ": the solver gave no answer (" + r.reason + "); this check is left undecided";
  findings_.push_back(std::move(f));
}

std::shared_ptr<const Policy> AnalysisContext::reading_policy_ptr(const std::string& key) {
  auto it = readings_.find(key);
  if (it != readings_.end()) return it->second;
  auto slash = key.find('/');
  std::string amb = key.substr(0, slash), rd = key.substr(slash + 1);
  for (const auto& a : p_.ambiguities)
    if (a.id == amb)
      for (const auto& r : a.readings)
        if (r.id == rd) return readings_.emplace(key, p_.under({{amb, rd}})).first->second;
  throw std::logic_error("unknown reading " + key);
}

const Policy& AnalysisContext::reading_policy(const std::string& key) { return *reading_policy_ptr(key); }

const Encoding& AnalysisContext::encoding_of(const std::string& reading) {
  if (reading.empty()) return enc_;
  auto it = reading_enc_.find(reading);
  if (it != reading_enc_.end()) return *it->second;
  // Same vocabulary, same prefix: the reading shares the case variables.
  const Encoding& e = session_.add(reading_policy_ptr(reading), "");
  reading_enc_.emplace(reading, &e);
  return e;
}

z3::expr AnalysisContext::replaced_is(int i) {
  // A bit-vector: `replaced == i` fixes its bits, and unit propagation alone
  // then falsifies every other `replaced == k`.
  unsigned width = 1;
  while ((std::uint64_t{1} << width) <= static_cast<std::uint64_t>(n())) ++width;
  if (!replaced_) replaced_ = ctx().bv_const("!replaced", width);
  return *replaced_ == ctx().bv_val(static_cast<std::uint64_t>(i), width);
}

CheckResult AnalysisContext::ask_pivot(int i, const std::vector<z3::expr>& extra, std::optional<model::Case>* witness) {
  if (!pivot_solver_) {
    // The policy as Encoding compiles it (decision = scope and some pathway
    // and no exclusion) twice more, each criterion k named by a constant of
    // its own, `ite(replaced == k, value, its condition over the others')`,
    // for value true and false. Named, not nested: a chain of criteria would
    // otherwise be one term as deep as the chain, which Z3 simplifies in time
    // quadratic in its depth.
    pivot_solver_.emplace(session_.make_solver());
    z3::solver& s = *pivot_solver_;
    s.add(enc_.axioms());
    z3::expr decisions[2] = {ctx().bool_val(false), ctx().bool_val(false)};
    for (bool value : {false, true}) {
      std::vector<z3::expr> c;
      c.reserve(static_cast<size_t>(n()));
      const z3::expr v = ctx().bool_val(value);
      for (int k = 0; k < n(); ++k) {
        z3::expr named = ctx().bool_const(fmt::format("!replaced.{}.{}", value, k).c_str());
        s.add(named == z3::ite(replaced_is(k), v, enc_.compile(crit(k).expr, c)));
        c.push_back(named);
      }
      z3::expr_vector paths(ctx()), excls(ctx());
      for (int q : p_.pathways) paths.push_back(c[static_cast<size_t>(q)]);
      for (int x : p_.exclusions) excls.push_back(c[static_cast<size_t>(x)]);
      z3::expr any_pathway = paths.empty() ? ctx().bool_val(false) : z3::mk_or(paths);
      z3::expr any_exclusion = excls.empty() ? ctx().bool_val(false) : z3::mk_or(excls);
      z3::expr d = any_pathway && !any_exclusion;
      if (p_.scope >= 0) d = c[static_cast<size_t>(p_.scope)] && d;
      decisions[value ? 1 : 0] = d;
    }
    pivot_ = decisions[1] != decisions[0];
  }
  z3::solver& s = *pivot_solver_;
  s.push();
  s.add(replaced_is(i));
  s.add(*pivot_);
  for (const auto& e : extra) s.add(e);
  CheckResult r = check(s);
  if (witness && r.answer == Answer::Sat) *witness = enc_.decode(s.get_model());
  s.pop();
  return r;
}

z3::solver& AnalysisContext::literal_solver() {
  if (!literal_solver_) {
    literal_solver_.emplace(session_.make_solver());
    literal_solver_->add(enc_.axioms());
  }
  return *literal_solver_;
}

z3::solver& AnalysisContext::scratch_solver() {
  if (!scratch_solver_) {
    scratch_solver_.emplace(session_.make_solver());
    scratch_solver_->add(enc_.axioms());
  }
  return *scratch_solver_;
}

const z3::expr& AnalysisContext::literal_tracker(int k, bool value) {
  // Slot 2 * (k + 1) + value: kAnyPathway (-1) first, then two per criterion.
  const size_t slot = 2 * static_cast<size_t>(k + 1) + (value ? 1 : 0);
  if (trackers_.size() <= slot) trackers_.resize(2 * static_cast<size_t>(n() + 1));
  if (trackers_[slot]) return *trackers_[slot];
  z3::expr lit = k == kAnyPathway ? enc_.any_pathway() : enc_.criterion(k);
  if (!value) lit = !lit;
  z3::expr t = ctx().bool_const(fmt::format("!literal.{}.{}", k, value ? 1 : 0).c_str());
  literal_solver().add(z3::implies(t, lit));
  trackers_[slot] = t;
  return *trackers_[slot];
}

void AnalysisContext::claims_to_z3(const std::vector<Claim>& claims, std::vector<z3::expr>& out) {
  for (const auto& cl : claims) {
    const Encoding& e = encoding_of(cl.reading);
    if (cl.decision) out.push_back(e.decision() == ctx().bool_val(*cl.decision == Decision::MedicallyNecessary));
    if (cl.decision && e.policy().scope >= 0)  // a denial is in scope; out_of_scope is not
      out.push_back(e.in_scope() == ctx().bool_val(*cl.decision != Decision::OutOfScope));
    for (const auto& [id, v] : cl.criteria) out.push_back(e.criterion(id) == ctx().bool_val(v));
    for (const auto& h : cl.holds) out.push_back(e.compile(h.expr));
  }
}

std::string AnalysisContext::replay(const model::Case& c, const std::vector<Claim>& claims) {
  return check_claims(c, claims, p_, [this](const std::string& k) -> const Policy& { return reading_policy(k); });
}

std::optional<model::Case> AnalysisContext::solve(const std::vector<Claim>& claims, const std::vector<z3::expr>& extra,
                                                  CheckResult* r) {
  std::vector<z3::expr> all = extra;
  claims_to_z3(claims, all);
  s_.push();
  for (const auto& e : all) s_.add(e);
  CheckResult cr = check(s_);
  std::optional<model::Case> out;
  if (cr.answer == Answer::Sat) {
    Witness w = decode_and_replay(s_, {&enc_}, [&](const z3::model&, const std::vector<model::Case>& cases) {
      return replay(cases[0], claims).empty();
    });
    if (!w.replays) {
      s_.pop();
      throw std::logic_error("analyze: a witness does not replay through the concrete evaluator: " +
                             replay(w.cases[0], claims));
    }
    out = std::move(w.cases[0]);
  }
  s_.pop();
  if (r) *r = cr;
  return out;
}

bool AnalysisContext::attach_witness(Finding& f, const std::vector<z3::expr>& extra) {
  CheckResult r;
  std::optional<model::Case> c = extra.empty() ? std::nullopt : solve(f.claims, extra, &r);
  if (!c) c = solve(f.claims, {}, &r);
  if (!c) return false;
  label(*c, f.kind);
  f.witness = std::move(c);
  return true;
}

void AnalysisContext::label(model::Case& c, const std::string& kind) {
  c.case_id = fmt::format("{}-{}", kind, ++case_numbers_[kind]);
  c.has_case_id = true;
}

const model::Fact* AnalysisContext::technique_fact() const {
  for (const auto& f : p_.vocab.facts)
    if (f.type == model::FactType::Enum) return &f;
  return nullptr;
}

const model::Fact* AnalysisContext::level_fact() const {
  for (const auto& f : p_.vocab.facts)
    if (f.type == model::FactType::EnumSet) return &f;
  return nullptr;
}

model::Expr AnalysisContext::technique_in(const model::Fact& f, const std::vector<std::string>& values) const {
  model::Expr e;
  e.op = model::Op::EnumIn;
  e.atom = f.atoms[0];
  for (const auto& v : values) {
    auto it = std::find(f.values.begin(), f.values.end(), v);
    if (it != f.values.end()) e.mask |= std::uint64_t{1} << (it - f.values.begin());
  }
  return e;
}

const std::map<int, std::vector<std::string>>& AnalysisContext::barred_techniques() {
  if (barred_) return *barred_;
  barred_.emplace();
  const model::Fact* tf = technique_fact();
  if (!tf) return *barred_;
  for (int x : p_.exclusions) {
    std::vector<int> atoms;
    model::collect_atoms(crit(x).expr, atoms);
    if (std::find(atoms.begin(), atoms.end(), tf->atoms[0]) == atoms.end()) continue;
    for (const auto& v : tf->values) {
      CheckResult r = ask({enc_.compile(technique_in(*tf, {v})), !enc_.criterion(x)});
      if (r.answer == Answer::Unsat) (*barred_)[x].push_back(v);
    }
  }
  return *barred_;
}

}  // namespace pp::solver::analysis
