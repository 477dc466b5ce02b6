// The policy checked as a whole (see policy_analyzer.h).
//
// One Session: the policy's encoding (prefix ""), plus, compiled into the
// same context and sharing its case variables, the policy with one criterion
// replaced by true or by false (for vacuity and redundancy) and the policy
// under each reading of its ambiguities. One solver holds the axioms; each
// query is pushed and popped. Witness queries are built from the finding's
// claims, so a witness shows what the finding says by construction, and is
// then replayed through the concrete evaluator all the same.
#include "solver/policy_analyzer.h"

#include <algorithm>
#include <filesystem>
#include <cctype>
#include <map>
#include <set>
#include <stdexcept>

#include <fmt/format.h>

#include "model/bundled_policies.h"
#include "model/embedded_files.h"
#include "solver/policy_differ.h"
#include "solver/session.h"

namespace pp::solver {

using model::Combinator;
using model::Criterion;
using model::CriterionKind;
using model::Decision;
using model::Expr;
using model::Op;
using model::Policy;
using model::Tri;

const char* to_string(Severity s) {
  switch (s) {
    case Severity::Error: return "error";
    case Severity::Warning: return "warning";
    case Severity::Info: return "info";
  }
  return "?";
}

int Analysis::count(Severity s) const {
  int n = 0;
  for (const auto& f : findings) n += f.severity == s;
  return n;
}

model::PolicySource policy_source(const std::string& path) {
  model::PolicySource src;
  if (path.empty()) {
    auto text = model::embedded_file("cmm-607.yaml");
    if (!text) throw std::logic_error("the bundled policy is missing");
    src.text = std::string(*text);
    src.file = "cmm-607.yaml";
    return src;
  }
  std::error_code ec;  // a bundled policy's id (`--policy L34106`), as load_policy_option reads it
  if (path.find('/') == std::string::npos && !std::filesystem::exists(path, ec))
    if (auto bundled = model::bundled_policy_source(path)) return *bundled;
  src.text = model::read_file(path);
  src.file = path;
  auto slash = path.find_last_of('/');
  src.dir = slash == std::string::npos ? "." : path.substr(0, slash);
  return src;
}

std::shared_ptr<const Policy> load_reading(const model::PolicySource& source, const model::Reading& reading) {
  return model::load_policy(source, reading.overrides);
}

namespace {

std::string check_claims(const model::Case& c, const std::vector<Claim>& claims, const Policy& policy,
                         const std::function<const Policy&(const std::string&)>& reading_policy) {
  for (const auto& cl : claims) {
    const Policy& p = cl.reading.empty() ? policy : reading_policy(cl.reading);
    model::Evaluator ev(p);
    model::Evaluation e = ev.evaluate(c);
    std::string under = cl.reading.empty() ? "" : " under " + cl.reading;
    for (const auto& r : p.relations)
      if (ev.eval(r.expr, c, e) != Tri::True) return "the witness breaks domain relation " + r.id;
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

}  // namespace

std::string replay_finding(const Finding& f, const Policy& policy,
                           const std::function<const Policy&(const std::string&)>& reading_policy) {
  if (f.witness) {
    std::string r = check_claims(*f.witness, f.claims, policy, reading_policy);
    if (!r.empty()) return "witness: " + r;
  } else if (!f.claims.empty()) {
    return "claims without a witness";
  }
  if (f.contrast) {
    std::string r = check_claims(*f.contrast, f.contrast_claims, policy, reading_policy);
    if (!r.empty()) return "contrast: " + r;
  }
  return "";
}

namespace {

Expr atom_expr(int a) {
  Expr e;
  e.op = Op::Atom;
  e.atom = a;
  return e;
}
Expr ref_expr(int i) {
  Expr e;
  e.op = Op::Ref;
  e.ref = i;
  return e;
}
Expr not_expr(Expr e) { return Expr::make(Op::Not, {std::move(e)}); }
Expr and_expr(std::vector<Expr> kids) {
  if (kids.size() == 1) return kids[0];
  return Expr::make(Op::And, std::move(kids));
}
Expr or_expr(std::vector<Expr> kids) {
  if (kids.empty()) return Expr::constant(false);
  if (kids.size() == 1) return kids[0];
  return Expr::make(Op::Or, std::move(kids));
}

std::string join(const std::vector<std::string>& v, const std::string& sep = ", ") {
  std::string out;
  for (size_t i = 0; i < v.size(); ++i) {
    if (i) out += sep;
    out += v[i];
  }
  return out;
}

// "a", "a and b", "a, b and c"
std::string prose_list(const std::vector<std::string>& v, const char* last = " and ") {
  if (v.empty()) return "";
  if (v.size() == 1) return v[0];
  std::vector<std::string> head(v.begin(), v.end() - 1);
  return join(head) + last + v.back();
}

// Content words of a text, for relating an exclusion's wording to a pathway's:
// lowercase, letters only, at least four letters, a plural `s` dropped.
std::set<std::string> content_words(const std::string& text) {
  static const std::set<std::string> stop = {
      "with", "that", "this", "than", "from", "into", "when", "which", "each", "every", "other", "others",
      "their", "there", "these", "those", "have", "been", "being", "least", "more", "less", "most", "such",
      "following", "either", "both", "only", "over", "under", "after", "before", "include", "including",
      "includes", "individual", "performed", "considered", "used", "using", "level", "levels", "same",
      "any", "all", "none", "also", "even", "associated", "shows", "show", "defined", "etc",
      // Policy language that qualifies rather than names a thing.
      "significant", "significantly", "severe", "causing", "cause", "point", "treatment", "treat", "treated",
      "treating", "potential",
      "clinically", "clinical", "procedure", "condition", "requirement", "required", "presence", "documentation",
      "symptom", "applicable", "criteria", "meeting", "prevent", "prevention", "program"};
  std::set<std::string> out;
  std::string w;
  auto flush = [&] {
    if (w.size() >= 4 && !stop.count(w)) {
      std::string s = w;
      if (s.size() > 4 && s.back() == 's' && s[s.size() - 2] != 's') s.pop_back();
      if (!stop.count(s)) out.insert(s);
    }
    w.clear();
  };
  for (char ch : text) {
    unsigned char u = static_cast<unsigned char>(ch);
    if (std::isalpha(u)) w += static_cast<char>(std::tolower(u));
    else flush();
  }
  flush();
  return out;
}

constexpr int kAnyPathway = -1;  // context literal: "some pathway is met"

class Analyzer {
 public:
  Analyzer(std::shared_ptr<const Policy> policy, const model::PolicySource& source, Limits limits)
      : policy_(std::move(policy)),
        p_(*policy_),
        source_(source),
        limits_(limits),
        session_(policy_, limits),
        enc_(session_.encoding()),
        s_(session_.make_solver()),
        ev_(p_) {
    s_.add(enc_.axioms());
    build_graph();
  }

  Analysis run() {
    structure();
    conflicts();
    overlaps();
    gaps();
    ambiguities();
    codes();
    Analysis a;
    a.findings = std::move(findings_);
    return a;
  }

 private:
  // ------------------------------------------------------------------ plumbing
  z3::context& ctx() { return session_.ctx(); }
  const Criterion& crit(int i) const { return p_.criteria[static_cast<size_t>(i)]; }
  int n() const { return static_cast<int>(p_.criteria.size()); }
  std::string name(int i) const {
    const Criterion& c = crit(i);
    return c.title.empty() ? c.id : c.id + " (" + c.title + ")";
  }

  // A query on top of the axioms: sat, unsat or unknown.
  CheckResult ask(const std::vector<z3::expr>& extra) {
    s_.push();
    for (const auto& e : extra) s_.add(e);
    CheckResult r = check(s_);
    s_.pop();
    return r;
  }

  // Records a solver limit as a finding (never as a pass or a fail).
  void incomplete(const std::string& what, const CheckResult& r, std::vector<std::string> criteria = {}) {
    Finding f;
    f.kind = "incomplete";
    f.severity = Severity::Warning;
    f.criteria = std::move(criteria);
    f.message = what + ": the solver gave no answer (" + r.reason + "); this check is left undecided";
    findings_.push_back(std::move(f));
  }

  const Policy& reading_policy(const std::string& key) {
    auto it = readings_.find(key);
    if (it != readings_.end()) return *it->second;
    auto slash = key.find('/');
    std::string amb = key.substr(0, slash), rd = key.substr(slash + 1);
    for (const auto& a : p_.ambiguities)
      if (a.id == amb)
        for (const auto& r : a.readings)
          if (r.id == rd) return *readings_.emplace(key, load_reading(source_, r)).first->second;
    throw std::logic_error("unknown reading " + key);
  }

  const Encoding& encoding_of(const std::string& reading) {
    if (reading.empty()) return enc_;
    auto it = reading_enc_.find(reading);
    if (it != reading_enc_.end()) return *it->second;
    reading_policy(reading);
    // Same vocabulary, same prefix: the reading shares the case variables.
    const Encoding& e = session_.add(readings_.at(reading), "");
    reading_enc_.emplace(reading, &e);
    return e;
  }

  void claims_to_z3(const std::vector<Claim>& claims, std::vector<z3::expr>& out) {
    for (const auto& cl : claims) {
      const Encoding& e = encoding_of(cl.reading);
      if (cl.decision) out.push_back(e.decision() == ctx().bool_val(*cl.decision == Decision::MedicallyNecessary));
      if (cl.decision && e.policy().scope >= 0)  // a denial is in scope; out_of_scope is not
        out.push_back(e.in_scope() == ctx().bool_val(*cl.decision != Decision::OutOfScope));
      for (const auto& [id, v] : cl.criteria) out.push_back(e.criterion(id) == ctx().bool_val(v));
      for (const auto& h : cl.holds) out.push_back(e.compile(h.expr));
    }
  }

  std::string replay(const model::Case& c, const std::vector<Claim>& claims) {
    return check_claims(c, claims, p_, [this](const std::string& k) -> const Policy& { return reading_policy(k); });
  }

  // A case where every claim holds (and `extra`), decoded and replayed; nullopt
  // when none exists (or the solver gave up: `*r` says which).
  std::optional<model::Case> solve(const std::vector<Claim>& claims, const std::vector<z3::expr>& extra,
                                   CheckResult* r = nullptr) {
    std::vector<z3::expr> all = extra;
    claims_to_z3(claims, all);
    s_.push();
    for (const auto& e : all) s_.add(e);
    CheckResult cr = check(s_);
    std::optional<model::Case> out;
    if (cr.answer == Answer::Sat) {
      model::Case c = enc_.decode(s_.get_model());
      if (!replay(c, claims).empty()) {
        // A number given as a rational between two doubles: fix every number
        // to the double it was read as, and ask again.
        for (size_t a = 0; a < p_.vocab.atoms.size(); ++a)
          if (p_.vocab.atoms[a].type == model::AtomType::Number)
            s_.add(enc_.atom(static_cast<int>(a)) == ctx().real_val(decimal_literal(c.value[a]).c_str()));
        if (check(s_).answer == Answer::Sat) c = enc_.decode(s_.get_model());
        std::string why = replay(c, claims);
        if (!why.empty()) {
          s_.pop();
          throw std::logic_error("analyze: a witness does not replay through the concrete evaluator: " + why);
        }
      }
      out = std::move(c);
    }
    s_.pop();
    if (r) *r = cr;
    return out;
  }

  // Attaches a witness for `f.claims` (trying `extra` first, then without it).
  bool attach_witness(Finding& f, const std::vector<z3::expr>& extra = {}) {
    CheckResult r;
    std::optional<model::Case> c = extra.empty() ? std::nullopt : solve(f.claims, extra, &r);
    if (!c) c = solve(f.claims, {}, &r);
    if (!c) return false;
    label(*c, f.kind);
    f.witness = std::move(c);
    return true;
  }

  void label(model::Case& c, const std::string& kind) {
    c.case_id = fmt::format("{}-{}", kind, ++case_numbers_[kind]);
    c.has_case_id = true;
  }

  // The policy with criterion `i` replaced by a constant, compiled over the
  // same case variables; cached.
  const Encoding& with_constant(int i, bool value) {
    auto key = std::make_pair(i, value);
    auto it = constant_enc_.find(key);
    if (it != constant_enc_.end()) return *it->second;
    auto copy = std::make_shared<Policy>(p_);
    Criterion& c = copy->criteria[static_cast<size_t>(i)];
    c.expr = Expr::constant(value);
    c.combinator = Combinator::Leaf;
    c.children.clear();
    const Encoding& e = session_.add(copy, "");
    constant_enc_.emplace(key, &e);
    return e;
  }

  // ------------------------------------------------------------------ the criteria graph
  enum class UseKind { AllChild, AnyChild, Reference };
  struct Use {
    int parent;
    UseKind kind;
  };

  void build_graph() {
    uses_.assign(static_cast<size_t>(n()), {});
    depends_.assign(static_cast<size_t>(n()), std::vector<char>(static_cast<size_t>(n()), 0));
    for (int i = 0; i < n(); ++i) {
      const Criterion& c = crit(i);
      if (c.combinator != Combinator::Leaf) {
        for (int k : c.children)
          uses_[static_cast<size_t>(k)].push_back({i, c.combinator == Combinator::All ? UseKind::AllChild : UseKind::AnyChild});
      } else {
        std::vector<int> refs;
        model::collect_refs(c.expr, refs);
        std::sort(refs.begin(), refs.end());
        refs.erase(std::unique(refs.begin(), refs.end()), refs.end());
        for (int r : refs) uses_[static_cast<size_t>(r)].push_back({i, UseKind::Reference});
      }
    }
    // INVARIANT: criteria are topologically ordered, so children come first.
    for (int i = 0; i < n(); ++i) {
      std::vector<int> direct;
      model::collect_refs(crit(i).expr, direct);
      auto& d = depends_[static_cast<size_t>(i)];
      for (int k : direct) {
        d[static_cast<size_t>(k)] = 1;
        for (int j = 0; j < n(); ++j) d[static_cast<size_t>(j)] |= depends_[static_cast<size_t>(k)][static_cast<size_t>(j)];
      }
    }
    is_pathway_.assign(static_cast<size_t>(n()), 0);
    is_exclusion_.assign(static_cast<size_t>(n()), 0);
    for (int pth : p_.pathways) is_pathway_[static_cast<size_t>(pth)] = 1;
    for (int x : p_.exclusions) is_exclusion_[static_cast<size_t>(x)] = 1;
  }

  bool depends_on(int k, int x) const { return k >= 0 && depends_[static_cast<size_t>(k)][static_cast<size_t>(x)]; }

  // Literals that hold wherever a change of `node` can reach the decision:
  // siblings of All groups true, of Any groups false, the other pathways and
  // every exclusion false above a pathway, the other exclusions false and some
  // pathway met above an exclusion; intersected over every way up. nullopt:
  // no way up (the criterion is unused).
  using Context = std::map<int, bool>;
  std::optional<Context> context(int node) {
    auto it = context_memo_.find(node);
    if (it != context_memo_.end()) return it->second;
    std::vector<Context> ways;
    if (is_pathway_[static_cast<size_t>(node)]) {
      Context c;
      for (int q : p_.pathways)
        if (q != node) c[q] = false;
      for (int x : p_.exclusions) c[x] = false;
      ways.push_back(c);
    }
    if (is_exclusion_[static_cast<size_t>(node)]) {
      Context c;
      for (int x : p_.exclusions)
        if (x != node) c[x] = false;
      c[kAnyPathway] = true;
      ways.push_back(c);
    }
    for (const Use& u : uses_[static_cast<size_t>(node)]) {
      std::optional<Context> up = context(u.parent);
      if (!up) continue;
      Context c = *up;
      if (u.kind != UseKind::Reference) {
        bool v = u.kind == UseKind::AllChild;
        for (int k : crit(u.parent).children) {
          if (k == node) continue;
          auto [pos, fresh] = c.emplace(k, v);
          if (!fresh && pos->second != v) c.erase(pos);  // contradictory: keep neither
        }
      }
      ways.push_back(std::move(c));
    }
    std::optional<Context> out;
    for (auto& w : ways) {
      if (!out) {
        out = std::move(w);
        continue;
      }
      for (auto p = out->begin(); p != out->end();) {
        auto q = w.find(p->first);
        if (q == w.end() || q->second != p->second) p = out->erase(p);
        else ++p;
      }
    }
    context_memo_[node] = out;
    return out;
  }

  std::string literal_text(int k, bool v) const {
    if (k == kAnyPathway) return v ? "a pathway is met" : "no pathway is met";
    return v ? crit(k).id : "not " + crit(k).id;
  }

  // Why `x` with value `x_value` cannot occur where it could change a decision:
  // a minimal set of context literals that, with the axioms, exclude it
  // (deletion-based minimisation of an unsat core). Empty when the context
  // alone does not explain it.
  std::vector<std::pair<int, bool>> explain(int x, bool x_value) {
    std::optional<Context> ctx_lits = context(x);
    if (!ctx_lits) return {};
    std::vector<std::pair<int, bool>> lits;
    for (const auto& [k, v] : *ctx_lits)
      if (k != x && !depends_on(k, x)) lits.emplace_back(k, v);
    if (lits.empty()) return {};
    auto literal = [&](const std::pair<int, bool>& l) {
      z3::expr e = l.first == kAnyPathway ? enc_.any_pathway() : enc_.criterion(l.first);
      return l.second ? e : !e;
    };
    s_.push();
    s_.add(x_value ? enc_.criterion(x) : !enc_.criterion(x));
    std::vector<z3::expr> trackers;
    std::map<unsigned, size_t> by_id;
    for (size_t i = 0; i < lits.size(); ++i) {
      z3::expr t = ctx().bool_const(fmt::format("!ctx.{}.{}", x, i).c_str());
      s_.add(z3::implies(t, literal(lits[i])));
      by_id.emplace(t.id(), i);
      trackers.push_back(t);
    }
    auto unsat_with = [&](const std::vector<size_t>& keep) {
      z3::expr_vector as(ctx());
      for (size_t i : keep) as.push_back(trackers[i]);
      return check(s_, as).answer == Answer::Unsat;
    };
    std::vector<std::pair<int, bool>> out;
    z3::expr_vector as(ctx());
    for (const auto& t : trackers) as.push_back(t);
    if (check(s_, as).answer == Answer::Unsat) {
      std::vector<size_t> core;
      z3::expr_vector uc = s_.unsat_core();
      for (unsigned i = 0; i < uc.size(); ++i) {
        auto it = by_id.find(uc[static_cast<int>(i)].id());
        if (it != by_id.end()) core.push_back(it->second);
      }
      std::sort(core.begin(), core.end());
      // Drop what is not needed, one literal at a time.
      std::vector<char> keep(core.size(), 1);
      for (size_t k = 0; k < core.size(); ++k) {
        keep[k] = 0;
        std::vector<size_t> trial;
        for (size_t j = 0; j < core.size(); ++j)
          if (keep[j]) trial.push_back(core[j]);
        if (!unsat_with(trial)) keep[k] = 1;
      }
      std::vector<size_t> minimal;
      for (size_t j = 0; j < core.size(); ++j)
        if (keep[j]) minimal.push_back(core[j]);
      core.swap(minimal);
      for (size_t i : core) out.push_back(lits[i]);
    }
    s_.pop();
    return out;
  }

  // The axioms (domains, relations) that, with `e`, are unsatisfiable: a
  // minimal core, in Z3's notation; "" when `e` is contradictory by itself.
  std::string axioms_against(const z3::expr& e) {
    z3::solver t = session_.make_solver();
    const z3::expr_vector& axioms = enc_.axiom_list();
    z3::expr_vector trackers(ctx());
    for (unsigned k = 0; k < axioms.size(); ++k) {
      z3::expr tk = ctx().bool_const(fmt::format("!axiom.{}", k).c_str());
      t.add(z3::implies(tk, axioms[static_cast<int>(k)]));
      trackers.push_back(tk);
    }
    t.add(e);
    if (check(t, trackers).answer != Answer::Unsat) return "";
    z3::expr_vector core = t.unsat_core();
    std::vector<unsigned> keep;
    for (unsigned k = 0; k < core.size(); ++k)
      for (unsigned j = 0; j < trackers.size(); ++j)
        if (z3::eq(core[static_cast<int>(k)], trackers[static_cast<int>(j)])) keep.push_back(j);
    for (size_t k = 0; k < keep.size();) {  // deletion-based minimisation
      z3::expr_vector trial(ctx());
      for (size_t j = 0; j < keep.size(); ++j)
        if (j != k) trial.push_back(trackers[static_cast<int>(keep[j])]);
      if (check(t, trial).answer == Answer::Unsat) keep.erase(keep.begin() + static_cast<long>(k));
      else ++k;
    }
    if (keep.empty()) return " (its condition contradicts itself)";
    std::vector<std::string> texts;
    for (unsigned j : keep) texts.push_back(axioms[static_cast<int>(j)].to_string());
    return " (it contradicts " + prose_list(texts) + ")";
  }

  // ------------------------------------------------------------------ dead, vacuous, redundant
  void structure() {
    std::vector<char> seen_true(static_cast<size_t>(n()), 0), seen_false(static_cast<size_t>(n()), 0);
    auto note = [&](const model::Case& c) {
      model::Evaluation e = ev_.evaluate(c);
      for (int i = 0; i < n(); ++i) (e.criteria[static_cast<size_t>(i)] == Tri::True ? seen_true : seen_false)[static_cast<size_t>(i)] = 1;
    };
    std::vector<char> dead(static_cast<size_t>(n()), 0), constant(static_cast<size_t>(n()), 0);
    for (int i = 0; i < n(); ++i) {
      const Criterion& c = crit(i);
      for (bool v : {true, false}) {
        auto& seen = v ? seen_true : seen_false;
        if (seen[static_cast<size_t>(i)]) continue;
        CheckResult r;
        Claim cl;
        cl.criteria.emplace_back(c.id, v);
        std::optional<model::Case> m = solve({cl}, {}, &r);
        if (m) {
          note(*m);
          continue;
        }
        if (r.answer == Answer::Unknown) {
          incomplete(fmt::format("whether {} can be {}", c.id, v ? "met" : "unmet"), r, {c.id});
          continue;
        }
        Finding f;
        f.criteria = {c.id};
        if (v) {
          dead[static_cast<size_t>(i)] = 1;
          f.kind = "dead";
          f.severity = c.kind == CriterionKind::Condition ? Severity::Warning : Severity::Error;
          f.message = fmt::format("{} can never be met: no case consistent with the domain relations satisfies it{}{}",
                                  name(i), c.kind == CriterionKind::Pathway ? ", so the pathway never approves"
                                           : c.kind == CriterionKind::Exclusion ? ", so the exclusion never applies" : "",
                                  axioms_against(enc_.criterion(i)));
        } else {
          constant[static_cast<size_t>(i)] = 1;
          f.kind = "always_met";
          f.severity = c.kind == CriterionKind::Exclusion ? Severity::Error : Severity::Warning;
          f.message = fmt::format("{} is met by every case{}", name(i),
                                  c.kind == CriterionKind::Exclusion ? ": the exclusion denies every case"
                                  : c.kind == CriterionKind::Pathway ? ": the pathway asks for nothing"
                                                                     : ": it constrains nothing");
        }
        findings_.push_back(std::move(f));
      }
    }
    // A pathway that can be met but is excluded whenever it is: it never approves.
    for (int pth : p_.pathways) {
      if (dead[static_cast<size_t>(pth)]) continue;
      Finding f;
      f.kind = "dead";
      f.criteria = {crit(pth).id};
      Claim cl;
      cl.criteria.emplace_back(crit(pth).id, true);
      cl.decision = Decision::MedicallyNecessary;
      CheckResult r;
      if (solve({cl}, {}, &r)) continue;
      if (r.answer == Answer::Unknown) {
        incomplete("whether " + crit(pth).id + " can approve a case", r, f.criteria);
        continue;
      }
      f.severity = Severity::Error;
      f.message = fmt::format("{} can be met, but an exclusion applies to every case that meets it: the pathway never approves", name(pth));
      findings_.push_back(std::move(f));
      dead[static_cast<size_t>(pth)] = 1;
    }

    // Vacuity and redundancy: the policy with the criterion replaced by true
    // (removed from an All group) or by false (removed from an Any group).
    for (int i = 0; i < n(); ++i) {
      if (dead[static_cast<size_t>(i)] || constant[static_cast<size_t>(i)]) continue;
      const Criterion& c = crit(i);
      std::vector<int> all_parents, any_parents;
      bool referenced = false;
      for (const Use& u : uses_[static_cast<size_t>(i)]) {
        if (u.kind == UseKind::AllChild) all_parents.push_back(u.parent);
        else if (u.kind == UseKind::AnyChild) any_parents.push_back(u.parent);
        else referenced = true;
      }
      // Pathways and exclusions (Any lists), and the scope, read by the decision itself.
      bool in_list = c.kind != CriterionKind::Condition || i == p_.scope;
      if (!in_list && uses_[static_cast<size_t>(i)].empty()) {
        Finding f;
        f.kind = "vacuous";
        f.severity = Severity::Warning;
        f.criteria = {c.id};
        f.message = fmt::format("{} is used by no pathway, exclusion or other criterion: it never changes a decision", name(i));
        findings_.push_back(std::move(f));
        continue;
      }
      const Encoding& t = with_constant(i, true);
      const Encoding& fl = with_constant(i, false);
      z3::expr pivot = t.decision() != fl.decision();
      CheckResult r = ask({pivot});
      if (r.answer == Answer::Unknown) {
        incomplete("whether " + c.id + " can change a decision", r, {c.id});
        continue;
      }
      bool vacuous = r.answer == Answer::Unsat;
      bool true_where_it_matters = vacuous, false_where_it_matters = vacuous;
      if (!vacuous && !all_parents.empty()) {
        CheckResult q = ask({pivot, !enc_.criterion(i)});
        if (q.answer == Answer::Unknown) incomplete("whether " + c.id + " can be removed from its group", q, {c.id});
        true_where_it_matters = q.answer == Answer::Unsat;
      }
      if (!vacuous && (!any_parents.empty() || in_list)) {
        CheckResult q = ask({pivot, enc_.criterion(i)});
        if (q.answer == Answer::Unknown) incomplete("whether " + c.id + " can be removed from its group", q, {c.id});
        false_where_it_matters = q.answer == Answer::Unsat;
      }
      if (!vacuous && !true_where_it_matters && !false_where_it_matters) continue;

      Finding f;
      f.criteria = {c.id};
      std::string why;
      // Removable from an All group: true wherever it matters.
      if (true_where_it_matters && !all_parents.empty()) {
        auto lits = explain(i, false);
        std::vector<std::string> groups;
        for (int g : all_parents) groups.push_back(crit(g).id);
        f.kind = "redundant";
        why = fmt::format("removing it from {} (all of) changes no decision", prose_list(groups));
        if (!lits.empty()) {
          std::vector<std::string> names;
          for (const auto& [k, v] : lits) {
            names.push_back(literal_text(k, v));
            if (k >= 0) f.criteria.push_back(crit(k).id);
          }
          why += fmt::format(": wherever it could change a decision, {} {}, and under the domain relations {} it",
                             prose_list(names), lits.size() == 1 ? "holds" : "hold",
                             lits.size() == 1 ? "that implies" : "these imply");
        } else {
          why += " (proved over every case)";
        }
      } else if (false_where_it_matters && (!any_parents.empty() || in_list)) {
        auto lits = explain(i, true);
        std::vector<std::string> groups;
        for (int g : any_parents) groups.push_back(crit(g).id + " (any of)");
        if (c.kind == CriterionKind::Pathway) groups.push_back("the pathways");
        if (c.kind == CriterionKind::Exclusion) groups.push_back("the exclusions");
        f.kind = "redundant";
        why = fmt::format("removing it from {} changes no decision", prose_list(groups));
        if (!lits.empty()) {
          bool all_negative = true;
          std::vector<std::string> positives, names;
          for (const auto& [k, v] : lits) {
            names.push_back(literal_text(k, v));
            if (k >= 0) f.criteria.push_back(crit(k).id);
            if (v || k == kAnyPathway) all_negative = false;
            else positives.push_back(crit(k).id);
          }
          if (all_negative)
            why += fmt::format(": under the domain relations, whenever it is met, {} is met too", prose_list(positives, " or "));
          else if (lits.size() == 1 && lits[0].first == kAnyPathway)
            why += ": it cannot apply to a case that meets a pathway (the pathways' own criteria rule it out)";
          else
            why += fmt::format(": wherever it could change a decision, {} {}, and under the domain relations that rules it out",
                               prose_list(names), lits.size() == 1 ? "holds" : "hold");
        } else {
          why += " (proved over every case)";
        }
      } else {
        f.kind = "vacuous";
        why = vacuous ? "it never changes a decision: replacing it by true or by false gives every case the same decision"
                      : true_where_it_matters ? "it is met wherever it could change a decision: replacing it by true changes no decision"
                                              : "it is unmet wherever it could change a decision: replacing it by false changes no decision";
        if (referenced && !vacuous) why += " (it is referenced from other conditions)";
      }
      if (vacuous && f.kind == "redundant") why += "; in fact it never changes a decision at all";
      f.severity = c.kind == CriterionKind::Condition ? Severity::Warning : Severity::Info;
      f.message = name(i) + ": " + why;
      std::sort(f.criteria.begin() + 1, f.criteria.end());
      findings_.push_back(std::move(f));
    }
  }

  // ------------------------------------------------------------------ conflicts
  // Criteria reachable from `root` (children and references), root included.
  std::vector<int> subtree(int root) const {
    std::vector<int> out;
    for (int k = 0; k < n(); ++k)
      if (k == root || depends_on(root, k)) out.push_back(k);
    return out;
  }

  // The words of a criterion: its text and the texts of the facts it reads.
  std::set<std::string> words_of(int i) const {
    const Criterion& c = crit(i);
    std::string text = c.text;
    if (c.combinator == Combinator::Leaf) {
      std::vector<int> atoms;
      model::collect_atoms(c.expr, atoms);
      for (int a : atoms) {
        const auto& at = p_.vocab.atoms[static_cast<size_t>(a)];
        const auto& f = p_.vocab.facts[static_cast<size_t>(at.fact)];
        if (f.type == model::FactType::Group && at.member >= 0) text += " " + f.members[static_cast<size_t>(at.member)].text;
      }
    }
    return content_words(text);
  }

  // Bool atoms (group members) whose wording contains `word`, read by leaf `i`.
  std::vector<int> atoms_with_word(int i, const std::string& word) const {
    std::vector<int> atoms, out;
    model::collect_atoms(crit(i).expr, atoms);
    for (int a : atoms) {
      const auto& at = p_.vocab.atoms[static_cast<size_t>(a)];
      const auto& f = p_.vocab.facts[static_cast<size_t>(at.fact)];
      if (f.type == model::FactType::Group && at.member >= 0 &&
          content_words(f.members[static_cast<size_t>(at.member)].text).count(word))
        out.push_back(a);
    }
    std::sort(out.begin(), out.end());
    out.erase(std::unique(out.begin(), out.end()), out.end());
    return out;
  }

  std::vector<z3::expr> only_exclusion(int x) {
    std::vector<z3::expr> out;
    for (int y : p_.exclusions)
      if (y != x) out.push_back(!enc_.criterion(y));
    return out;
  }

  // Slots (facts) a criterion's own condition reads.
  std::set<int> slots_read(int i) const {
    std::vector<int> atoms;
    model::collect_atoms(crit(i).expr, atoms);
    std::set<int> out;
    for (int a : atoms) out.insert(p_.vocab.atoms[static_cast<size_t>(a)].slot);
    return out;
  }

  std::string slot_path(int s) const { return p_.vocab.slots[static_cast<size_t>(s)].path; }

  void conflicts() {
    // Which exclusions can apply to a case meeting each pathway.
    std::map<std::pair<int, int>, bool> co, never;  // proved to co-occur / proved not to
    for (int pth : p_.pathways)
      for (int x : p_.exclusions) {
        CheckResult r = ask({enc_.criterion(pth), enc_.criterion(x)});
        if (r.answer == Answer::Unknown) incomplete("whether " + crit(pth).id + " and " + crit(x).id + " can co-occur", r);
        co[{pth, x}] = r.answer == Answer::Sat;
        never[{pth, x}] = r.answer == Answer::Unsat;
      }

    // Per pathway and exclusion category: info.
    std::vector<std::string> cats;
    for (const auto& c : p_.categories) cats.push_back(c.id);
    for (int x : p_.exclusions)
      if (std::find(cats.begin(), cats.end(), crit(x).category) == cats.end()) cats.push_back(crit(x).category);
    for (int pth : p_.pathways)
      for (const auto& cat : cats) {
        std::vector<int> yes, no;
        for (int x : p_.exclusions)
          if (crit(x).category == cat) {
            if (co[{pth, x}]) yes.push_back(x);
            if (never[{pth, x}]) no.push_back(x);
          }
        if (yes.empty()) continue;
        std::string title = cat;
        for (const auto& c : p_.categories)
          if (c.id == cat) title = c.title;
        Finding f;
        f.kind = "conflict";
        f.severity = Severity::Info;
        f.subject = "category: " + cat;
        f.criteria = {crit(pth).id};
        std::vector<std::string> yes_ids, no_ids;
        for (int x : yes) yes_ids.push_back(crit(x).id);
        for (int x : no) no_ids.push_back(crit(x).id);
        for (const auto& id : yes_ids) f.criteria.push_back(id);
        size_t in_category = 0;
        for (int x : p_.exclusions) in_category += crit(x).category == cat;
        f.message = fmt::format("{} can be met while an exclusion of `{}` applies ({} of {} can: {}); the exclusion denies the case",
                                name(pth), title, yes.size(), in_category, prose_list(yes_ids));
        if (!no.empty())
          f.message += fmt::format("; {} cannot apply to a case meeting {} (its own criteria rule {} out)", prose_list(no_ids),
                                   crit(pth).id, no.size() == 1 ? "it" : "them");
        Claim cl;
        cl.criteria = {{crit(pth).id, true}, {crit(yes[0]).id, true}};
        cl.decision = Decision::NotMedicallyNecessary;
        f.claims = {cl};
        attach_witness(f, only_exclusion(yes[0]));
        findings_.push_back(std::move(f));
      }

    // Notable conflicts: the exclusion's wording or facts are those of the pathway's own criteria.
    std::vector<std::set<std::string>> words(static_cast<size_t>(n()));
    std::map<std::string, int> df;
    for (int i = 0; i < n(); ++i) {
      words[static_cast<size_t>(i)] = words_of(i);
      for (const auto& w : words[static_cast<size_t>(i)]) df[w]++;
    }
    for (int pth : p_.pathways) {
      std::vector<int> sub = subtree(pth);
      std::set<int> pathway_slots;
      for (int k : sub)
        for (int s : slots_read(k)) pathway_slots.insert(s);
      for (int x : p_.exclusions) {
        if (!co[{pth, x}]) continue;
        // (a) wording: a word rare in the policy shared by the exclusion and a pathway criterion.
        struct Match {
          int criterion;
          std::string word;
          std::vector<int> atoms;
        };
        std::vector<Match> matches;
        for (int k : sub) {
          if (crit(k).combinator != Combinator::Leaf) continue;
          for (const auto& w : words[static_cast<size_t>(x)])
            if (df[w] <= 2 && words[static_cast<size_t>(k)].count(w)) matches.push_back({k, w, atoms_with_word(k, w)});
        }
        // (b) facts: every fact the exclusion reads is read by the pathway too.
        std::set<int> xs = slots_read(x);
        bool fact_related = !xs.empty() && std::includes(pathway_slots.begin(), pathway_slots.end(), xs.begin(), xs.end());
        if (matches.empty() && !fact_related) continue;

        Finding f;
        f.kind = "conflict";
        f.severity = Severity::Warning;
        f.criteria = {crit(pth).id, crit(x).id};
        Claim cl;
        cl.criteria = {{crit(pth).id, true}, {crit(x).id, true}};
        cl.decision = Decision::NotMedicallyNecessary;
        std::string reason;
        if (!matches.empty()) {
          // Prefer a match the witness can show through a named fact.
          std::stable_sort(matches.begin(), matches.end(), [](const Match& a, const Match& b) { return a.atoms.size() > b.atoms.size(); });
          const Match& m = matches[0];
          std::set<std::string> ws;
          std::set<std::string> ks;
          for (const auto& mm : matches) {
            ws.insert("\"" + mm.word + "\"");
            ks.insert(crit(mm.criterion).id);
          }
          for (const auto& k : ks) f.criteria.push_back(k);
          cl.criteria.emplace_back(crit(m.criterion).id, true);
          if (!m.atoms.empty()) cl.holds.push_back({atom_expr(m.atoms[0]), p_.vocab.atoms[static_cast<size_t>(m.atoms[0])].name});
          reason = fmt::format("the wording of {} shares {} with {} ({})", crit(x).id, prose_list({ws.begin(), ws.end()}),
                               prose_list({ks.begin(), ks.end()}), crit(pth).id);
          if (!m.atoms.empty())
            reason += fmt::format("; e.g. `{}` (\"{}\") together with \"{}\"", p_.vocab.atoms[static_cast<size_t>(m.atoms[0])].name,
                                  p_.vocab.facts[static_cast<size_t>(p_.vocab.atoms[static_cast<size_t>(m.atoms[0])].fact)]
                                      .members[static_cast<size_t>(p_.vocab.atoms[static_cast<size_t>(m.atoms[0])].member)].text,
                                  crit(x).text);
        } else {
          std::vector<std::string> paths;
          for (int s : xs) paths.push_back("`" + slot_path(s) + "`");
          // Show it through the pathway criterion that reads the same fact.
          for (int k : sub)
            if (crit(k).combinator == Combinator::Leaf) {
              std::set<int> ks = slots_read(k);
              bool shares = false;
              for (int s : xs) shares |= ks.count(s) > 0;
              if (!shares) continue;
              Claim probe = cl;
              probe.criteria.emplace_back(crit(k).id, true);
              if (solve({probe}, {})) {
                cl = probe;
                f.criteria.push_back(crit(k).id);
                break;
              }
            }
          reason = fmt::format("{} reads only {}, which {} reads as well: the two constrain the same fact and overlap",
                               crit(x).id, prose_list(paths), crit(pth).id);
        }
        f.claims = {cl};
        f.message = fmt::format("{} can be met while {} applies, and the two look related: {}. Such a case is denied; "
                                "check that the policy means to deny it",
                                name(pth), name(x), reason);
        attach_witness(f, only_exclusion(x));
        findings_.push_back(std::move(f));
      }
    }

    definition_conflicts();
  }

  // The technique fact (the first enum, as the loader resolves definitions).
  const model::Fact* technique_fact() const {
    for (const auto& f : p_.vocab.facts)
      if (f.type == model::FactType::Enum) return &f;
    return nullptr;
  }
  const model::Fact* level_fact() const {
    for (const auto& f : p_.vocab.facts)
      if (f.type == model::FactType::EnumSet) return &f;
    return nullptr;
  }
  Expr technique_in(const model::Fact& f, const std::vector<std::string>& values) const {
    Expr e;
    e.op = Op::EnumIn;
    e.atom = f.atoms[0];
    for (const auto& v : values) {
      auto it = std::find(f.values.begin(), f.values.end(), v);
      if (it != f.values.end()) e.mask |= std::uint64_t{1} << (it - f.values.begin());
    }
    return e;
  }

  // Per exclusion that reads the technique: the technique values for which it
  // always applies (computed once).
  const std::map<int, std::vector<std::string>>& barred_techniques() {
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

  // A definition names techniques; an exclusion that applies to every request
  // of some of them (but not all) bars part of what the definition covers.
  void definition_conflicts() {
    const model::Fact* tf = technique_fact();
    if (!tf || p_.definitions.empty()) return;
    const auto& barred = barred_techniques();
    for (const auto& [x, values] : barred) {
      // The most specific definitions that cover some barred value and some other.
      struct Hit {
        const model::Definition* d;
        std::vector<std::string> inside;
      };
      std::vector<Hit> hits;
      for (const auto& d : p_.definitions) {
        std::vector<std::string> inside, outside;
        for (const auto& t : d.techniques)
          (std::find(values.begin(), values.end(), t) != values.end() ? inside : outside).push_back(t);
        if (!inside.empty() && !outside.empty()) hits.push_back({&d, inside});
      }
      if (hits.empty()) continue;
      size_t best = hits[0].d->techniques.size();
      for (const auto& h : hits) best = std::min(best, h.d->techniques.size());
      std::vector<std::string> others;
      for (const auto& h : hits)
        if (h.d->techniques.size() != best) others.push_back(h.d->term);
      for (const auto& h : hits) {
        if (h.d->techniques.size() != best) continue;
        Finding f;
        f.kind = "conflict";
        f.severity = Severity::Warning;
        f.subject = "definition: " + h.d->term;
        f.criteria = {crit(x).id};
        std::vector<std::string> rest;
        for (const auto& t : h.d->techniques)
          if (std::find(h.inside.begin(), h.inside.end(), t) == h.inside.end()) rest.push_back(t);
        f.message = fmt::format(
            "the definition of {} (\"{}\") covers {}, but {} bars {}: a request for {} is not medically necessary "
            "when it is done by {}, whatever pathway it meets, while {} {} possible",
            h.d->term, h.d->text, prose_list(h.d->techniques), name(x), prose_list(h.inside), h.d->term,
            prose_list(h.inside, " or "), prose_list(rest), rest.size() == 1 ? "stays" : "stay");
        if (!others.empty()) f.message += fmt::format(" (also inside the definitions of {})", prose_list(others));
        // Witness: the case would be approved but for this technique.
        Claim cl;
        cl.decision = Decision::NotMedicallyNecessary;
        cl.criteria = {{crit(x).id, true}};
        cl.holds = {{technique_in(*tf, {h.inside[0]}), tf->path + " == " + h.inside[0]}};
        std::vector<z3::expr> extra = only_exclusion(x);
        extra.push_back(enc_.any_pathway());
        f.claims = {cl};
        if (!attach_witness(f, extra)) f.claims.clear();
        findings_.push_back(std::move(f));
      }
    }
  }

  // ------------------------------------------------------------------ overlaps
  void overlaps() {
    for (size_t a = 0; a < p_.pathways.size(); ++a)
      for (size_t b = a + 1; b < p_.pathways.size(); ++b) {
        int pa = p_.pathways[a], pb = p_.pathways[b];
        Finding f;
        f.kind = "overlap";
        f.severity = Severity::Info;
        f.criteria = {crit(pa).id, crit(pb).id};
        Claim cl;
        cl.criteria = {{crit(pa).id, true}, {crit(pb).id, true}};
        cl.decision = Decision::MedicallyNecessary;
        f.claims = {cl};
        if (attach_witness(f)) {
          f.message = fmt::format("a case can meet both {} and {}: either pathway approves it", name(pa), name(pb));
        } else {
          cl.decision = Decision::NotMedicallyNecessary;
          f.claims = {cl};
          if (!attach_witness(f)) continue;  // disjoint pathways: nothing to report
          f.message = fmt::format("a case can meet both {} and {}, but every such case is excluded", name(pa), name(pb));
        }
        findings_.push_back(std::move(f));
      }
  }

  // ------------------------------------------------------------------ gaps
  Condition none_of_criteria(const std::vector<int>& ids, const std::string& text) const {
    std::vector<Expr> kids;
    for (int i : ids) kids.push_back(ref_expr(i));
    return {not_expr(or_expr(kids)), text};
  }

  void gaps() {
    const auto& v = p_.vocab;
    // (1) No finding in any list: every member of every group false.
    std::vector<Expr> none_kids;
    std::vector<std::string> groups;
    for (const auto& f : v.facts)
      if (f.type == model::FactType::Group) {
        groups.push_back("`" + f.path + "`");
        for (int a : f.atoms) none_kids.push_back(not_expr(atom_expr(a)));
      }
    if (!none_kids.empty()) {
      Condition none{and_expr(none_kids), "no member of " + prose_list(groups, " or ") + " is true"};
      Finding f;
      f.kind = "gap";
      f.severity = Severity::Info;
      f.subject = "no finding in any list";
      Claim cl;
      cl.decision = Decision::NotMedicallyNecessary;
      cl.holds = {none, none_of_criteria(p_.pathways, "no pathway is met"),
                  none_of_criteria(p_.exclusions, "no exclusion applies")};
      f.claims = {cl};
      std::vector<std::string> can;
      for (int pth : p_.pathways) {
        Claim c2;
        c2.holds = {none};
        c2.criteria = {{crit(pth).id, true}};
        c2.decision = Decision::MedicallyNecessary;
        if (solve({c2}, {})) can.push_back(crit(pth).id);
      }
      if (attach_witness(f)) {
        f.message = fmt::format(
            "a case stating no finding in any list ({}: every member false) meets no pathway{}, and no exclusion applies to it: "
            "no criterion addresses it, and it is denied only by the default rule{}",
            prose_list(groups), can.empty() ? "" : " unless " + prose_list(can, " or ") + ", which asks for none of them",
            p_.default_denial_section.empty() ? "" : " (" + p_.default_denial_section + ")");
        findings_.push_back(std::move(f));
      }
    }
    // (2) A list some pathways require and others do not.
    for (const auto& fact : v.facts) {
      if (fact.type != model::FactType::Group) continue;
      std::vector<Expr> kids;
      for (int a : fact.atoms) kids.push_back(not_expr(atom_expr(a)));
      Condition none{and_expr(kids), "no member of `" + fact.path + "` is true"};
      std::vector<std::string> require, approve_without;
      for (int pth : p_.pathways) {
        CheckResult r = ask({enc_.criterion(pth), enc_.compile(none.expr)});
        if (r.answer == Answer::Unsat) require.push_back(crit(pth).id);
        else if (r.answer == Answer::Sat) approve_without.push_back(crit(pth).id);
      }
      if (require.empty() || approve_without.empty()) continue;
      Finding f;
      f.kind = "gap";
      f.severity = Severity::Info;
      f.subject = fact.path;
      f.criteria = approve_without;
      Claim cl;
      cl.holds = {none};
      cl.decision = Decision::MedicallyNecessary;
      cl.criteria = {{approve_without[0], true}};
      f.claims = {cl};
      if (!attach_witness(f)) continue;
      f.message = fmt::format("{} {} an `{}` member, but {} {} a case with none: nothing in {} asks for one", prose_list(require),
                              require.size() == 1 ? "requires" : "require", fact.path, prose_list(approve_without),
                              approve_without.size() == 1 ? "approves" : "approve", prose_list(approve_without));
      findings_.push_back(std::move(f));
    }
    // (3) Facts and values no criterion reads or names.
    std::vector<char> read(v.atoms.size(), 0);
    std::map<int, std::uint64_t> named;  // enum atom -> values named
    std::function<void(const Expr&)> walk = [&](const Expr& e) {
      if (e.atom >= 0) read[static_cast<size_t>(e.atom)] = 1;
      if (e.op == Op::EnumIn) named[e.atom] |= e.mask;
      for (const auto& k : e.kids) walk(k);
    };
    for (const auto& c : p_.criteria) walk(c.expr);
    for (const auto& fact : v.facts) {
      if (fact.type == model::FactType::CodeList) continue;  // the codes have their own findings
      std::vector<std::string> unread;
      for (int a : fact.atoms)
        if (!read[static_cast<size_t>(a)]) unread.push_back(v.atoms[static_cast<size_t>(a)].name);
      if (!unread.empty()) {
        Finding f;
        f.kind = "gap";
        f.severity = Severity::Info;
        f.subject = fact.path;
        f.message = fmt::format("no criterion reads {}: cases that differ only there always get the same decision",
                                prose_list(unread));
        findings_.push_back(std::move(f));
      }
      if (fact.type == model::FactType::Enum && read[static_cast<size_t>(fact.atoms[0])]) {
        std::vector<std::string> unnamed;
        for (size_t k = 0; k < fact.values.size() && k < 64; ++k)
          if (!((named[fact.atoms[0]] >> k) & 1)) unnamed.push_back(fact.values[k]);
        if (!unnamed.empty() && unnamed.size() < fact.values.size()) {
          Finding f;
          f.kind = "gap";
          f.severity = Severity::Info;
          f.subject = fact.path;
          f.message = fmt::format("no criterion names {} {}: such requests are decided only by criteria that do not "
                                  "mention `{}` (the policy allows them by not excluding them)",
                                  fact.path, prose_list(unnamed), fact.path);
          findings_.push_back(std::move(f));
        }
      }
    }
  }

  // ------------------------------------------------------------------ ambiguities
  void ambiguities() {
    for (const auto& a : p_.ambiguities) {
      for (size_t r = 1; r < a.readings.size(); ++r) {
        const auto& rd = a.readings[r];
        std::string key = a.id + "/" + rd.id;
        reading_policy(key);  // loads it
        DecisionDiff dd = diff_decisions(policy_, readings_.at(key), limits_, 16, "ambiguity-" + a.id + "-" + rd.id);
        if (!dd.complete && dd.regions.empty()) {
          CheckResult cr;
          cr.reason = dd.reason;
          incomplete("the consequences of reading " + key, cr, a.criteria);
          continue;
        }
        if (dd.regions.empty()) {
          Finding f;
          f.kind = "ambiguity";
          f.severity = Severity::Info;
          f.subject = key;
          f.criteria = a.criteria;
          f.message = fmt::format("{} ({}): reading `{}` ({}) changes no decision: every case gets the same decision under it as "
                                  "under the encoded reading `{}`, so the ambiguity is harmless",
                                  a.id, a.question, rd.id, rd.text, a.chosen);
          findings_.push_back(std::move(f));
          continue;
        }
        for (const auto& reg : dd.regions) {
          Finding f;
          f.kind = "ambiguity";
          f.severity = Severity::Warning;
          f.subject = key;
          f.criteria = a.criteria;
          Claim lit, alt;
          alt.reading = key;
          lit.decision = reg.before;
          alt.decision = reg.after;
          std::vector<std::string> diffs;
          for (const auto& cv : reg.criteria) {
            if (cv.before) lit.criteria.emplace_back(cv.id, *cv.before);
            if (cv.after) alt.criteria.emplace_back(cv.id, *cv.after);
            if (std::find(f.criteria.begin(), f.criteria.end(), cv.id) == f.criteria.end()) f.criteria.push_back(cv.id);
            diffs.push_back(fmt::format("{} {} -> {}", cv.id, cv.before ? (*cv.before ? "met" : "unmet") : "absent",
                                        cv.after ? (*cv.after ? "met" : "unmet") : "absent"));
          }
          f.claims = {lit, alt};
          f.witness = reg.witness;
          f.message = fmt::format("{} ({}): some cases are {} under the encoded reading `{}` but {} under `{}` ({}); there {}",
                                  a.id, a.question, model::to_string(reg.before), a.chosen, model::to_string(reg.after), rd.id,
                                  rd.text, join(diffs, ", "));
          std::string why = replay(*f.witness, f.claims);
          if (!why.empty()) throw std::logic_error("analyze: an ambiguity witness does not replay: " + why);
          findings_.push_back(std::move(f));
        }
        if (!dd.complete) {
          CheckResult cr;
          cr.reason = dd.reason;
          incomplete("the regions of reading " + key + " (some may be missing)", cr, a.criteria);
        }
      }
    }
  }

  // ------------------------------------------------------------------ the code table
  // "T1..T12" for a contiguous run of the level fact's values, else a list.
  static std::string level_range(const std::vector<std::string>& levels, const model::Fact& lf) {
    std::vector<long> idx;
    for (const auto& l : levels) {
      auto it = std::find(lf.values.begin(), lf.values.end(), l);
      if (it == lf.values.end()) return join(levels);
      idx.push_back(it - lf.values.begin());
    }
    std::sort(idx.begin(), idx.end());
    if (idx.size() > 2 && idx.back() - idx.front() + 1 == static_cast<long>(idx.size()))
      return lf.values[static_cast<size_t>(idx.front())] + ".." + lf.values[static_cast<size_t>(idx.back())];
    return join(levels);
  }

  // Requests whose codes contradict the code table: per kind of contradiction,
  // the codes for which it can happen, and whether the policy still approves.
  void codes() {
    const model::Fact* code_fact = nullptr;
    for (const auto& f : p_.vocab.facts)
      if (f.type == model::FactType::CodeList) code_fact = &f;
    if (!code_fact) return;
    const model::Fact* lf = level_fact();
    const model::Fact* tf = technique_fact();
    auto code_atom = [&](const std::string& code) {
      auto it = std::find(code_fact->values.begin(), code_fact->values.end(), code);
      return it == code_fact->values.end() ? -1 : code_fact->atoms[static_cast<size_t>(it - code_fact->values.begin())];
    };
    auto level_atoms = [&](const std::vector<std::string>& levels) {
      std::vector<Expr> out;
      if (!lf) return out;
      for (const auto& l : levels) {
        auto it = std::find(lf->values.begin(), lf->values.end(), l);
        if (it != lf->values.end()) out.push_back(atom_expr(lf->atoms[static_cast<size_t>(it - lf->values.begin())]));
      }
      return out;
    };
    std::set<std::string> barred_values;
    for (const auto& [x, values] : barred_techniques()) barred_values.insert(values.begin(), values.end());

    struct Kind {
      const char* title;   // what contradicts what
      const char* detail;  // per code, with {code} and {what}
      std::vector<std::pair<const model::Code*, Condition>> cases;
    };
    Kind levels{"a code requested with none of the levels it describes", "", {}};
    Kind techniques{"a code requested for a technique it does not describe", "", {}};
    Kind add_ons{"an add-on code requested without its primary code", "", {}};
    Kind excluded{"a code for a procedure the policy excludes", "", {}};
    for (const auto& code : p_.codes) {
      int ca = code_atom(code.code);
      if (ca < 0) continue;
      std::string cpt = p_.vocab.atoms[static_cast<size_t>(ca)].name;
      if (lf && !code.levels.empty() && code.levels.size() < lf->values.size())
        levels.cases.push_back({&code, {and_expr({atom_expr(ca), not_expr(or_expr(level_atoms(code.levels)))}),
                                        fmt::format("{} is requested and no requested level is in {}", code.code,
                                                    level_range(code.levels, *lf))}});
      if (tf && !code.techniques.empty() && code.techniques.size() < tf->values.size())
        techniques.cases.push_back({&code, {and_expr({atom_expr(ca), not_expr(technique_in(*tf, code.techniques))}),
                                            fmt::format("{} is requested and the technique is not {}", code.code,
                                                        prose_list(code.techniques, " or "))}});
      if (code.add_on) {
        std::vector<Expr> primaries;
        std::vector<std::string> names;
        for (const auto& other : p_.codes)
          if (!other.add_on && other.procedure == code.procedure && code_atom(other.code) >= 0) {
            primaries.push_back(atom_expr(code_atom(other.code)));
            names.push_back(other.code);
          }
        add_ons.cases.push_back({&code, {and_expr({atom_expr(ca), not_expr(or_expr(primaries))}),
                                         fmt::format("{} is requested without {}", code.code, prose_list(names, " or "))}});
      }
      bool all_barred = !code.techniques.empty();
      for (const auto& t : code.techniques) all_barred &= barred_values.count(t) > 0;
      if (all_barred)
        excluded.cases.push_back({&code, {atom_expr(ca), fmt::format("{} ({}) is requested", code.code, code.procedure)}});
    }
    for (Kind* k : {&levels, &techniques, &add_ons, &excluded}) {
      std::vector<std::string> approvable, denied;
      std::optional<size_t> first_approvable, first_possible;
      for (size_t i = 0; i < k->cases.size(); ++i) {
        const auto& [code, cond] = k->cases[i];
        CheckResult r1 = ask({enc_.compile(cond.expr), enc_.decision()});
        if (r1.answer == Answer::Unknown) incomplete("whether " + cond.text + " can be approved", r1);
        if (r1.answer == Answer::Sat) {
          approvable.push_back(code->code);
          if (!first_approvable) first_approvable = i;
          if (!first_possible) first_possible = i;
          continue;
        }
        CheckResult r2 = ask({enc_.compile(cond.expr)});
        if (r2.answer == Answer::Sat) {
          denied.push_back(code->code);
          if (!first_possible) first_possible = i;
        }
      }
      if (!first_possible) continue;
      Finding f;
      f.kind = "cpt";
      f.subject = k->title;
      f.severity = first_approvable ? Severity::Warning : Severity::Info;
      size_t pick = first_approvable ? *first_approvable : *first_possible;
      const model::Code& code = *k->cases[pick].first;
      int ca = code_atom(code.code);
      for (int i = 0; i < n(); ++i) {
        std::vector<int> atoms;
        model::collect_atoms(crit(i).expr, atoms);
        for (int a : atoms)
          if (p_.vocab.atoms[static_cast<size_t>(a)].fact == p_.vocab.atoms[static_cast<size_t>(ca)].fact) {
            f.criteria.push_back(crit(i).id);
            break;
          }
      }
      std::string codes_read = f.criteria.empty() ? "no criterion reads `" + code_fact->path + "`"
                                                  : prose_list(f.criteria) + " read `" + code_fact->path + "`";
      if (first_approvable)
        f.message = fmt::format("{} is possible, and the policy still approves such a request, for {} ({}){}", k->title,
                                prose_list(approvable), codes_read,
                                denied.empty() ? "" : "; for " + prose_list(denied) + " every such request is denied");
      else
        f.message = fmt::format("{} is possible for {}, but every such request is denied", k->title, prose_list(denied));
      f.message += fmt::format("; e.g. {} ({}: levels {}; techniques {})", k->cases[pick].second.text, code.procedure,
                               lf ? level_range(code.levels, *lf) : join(code.levels), prose_list(code.techniques, " or "));
      Claim cl;
      cl.holds = {k->cases[pick].second};
      cl.decision = first_approvable ? Decision::MedicallyNecessary : Decision::NotMedicallyNecessary;
      f.claims = {cl};
      attach_witness(f);
      findings_.push_back(std::move(f));
    }
    code_dependence(*code_fact);
  }

  // Which codes can change a decision on their own: two cases equal but for
  // one code, decided differently.
  void code_dependence(const model::Fact& code_fact) {
    const Encoding& b = session_.copy("cpt!");
    const auto& v = p_.vocab;
    std::vector<std::string> matter, inert;
    std::optional<std::pair<model::Case, model::Case>> example;
    int example_atom = -1;
    for (size_t k = 0; k < code_fact.atoms.size(); ++k) {
      int ca = code_fact.atoms[k];
      s_.push();
      s_.add(b.axioms());
      for (size_t a = 0; a < v.atoms.size(); ++a)
        if (static_cast<int>(a) != ca) s_.add(enc_.atom(static_cast<int>(a)) == b.atom(static_cast<int>(a)));
      s_.add(enc_.atom(ca));
      s_.add(!b.atom(ca));
      s_.add(enc_.decision() != b.decision());
      CheckResult r = check(s_);
      if (r.answer == Answer::Sat) {
        matter.push_back(code_fact.values[k]);
        if (!example) {
          z3::model m = s_.get_model();
          example = std::make_pair(enc_.decode(m), b.decode(m));
          example_atom = ca;
        }
      } else if (r.answer == Answer::Unsat) {
        inert.push_back(code_fact.values[k]);
      } else {
        incomplete("whether code " + code_fact.values[k] + " can change a decision", r);
      }
      s_.pop();
    }
    // Readings under which some criterion reads the codes.
    std::vector<std::string> reading_keys;
    int code_fact_index = code_fact.atoms.empty() ? -1 : v.atoms[static_cast<size_t>(code_fact.atoms[0])].fact;
    for (const auto& a : p_.ambiguities)
      for (size_t r = 1; r < a.readings.size(); ++r) {
        std::string key = a.id + "/" + a.readings[r].id;
        const Policy& rp = reading_policy(key);
        bool reads = false;
        for (const auto& c : rp.criteria) {
          std::vector<int> atoms;
          model::collect_atoms(c.expr, atoms);
          for (int at : atoms) reads |= rp.vocab.atoms[static_cast<size_t>(at)].fact == code_fact_index;
        }
        if (reads) reading_keys.push_back(key);
      }
    Finding f;
    f.kind = "cpt";
    f.severity = Severity::Info;
    f.subject = code_fact.path;
    std::string readings = reading_keys.empty() ? ""
                           : fmt::format(" (under {} the codes are read; see the ambiguity findings)", prose_list(reading_keys, " or "));
    if (matter.empty()) {
      f.message = fmt::format("no decision depends on `{}`: adding or removing any code never changes a decision{}",
                              code_fact.path, readings);
      findings_.push_back(std::move(f));
      return;
    }
    for (int i = 0; i < n(); ++i) {
      std::vector<int> atoms;
      model::collect_atoms(crit(i).expr, atoms);
      for (int a : atoms)
        if (v.atoms[static_cast<size_t>(a)].fact == v.atoms[static_cast<size_t>(example_atom)].fact) {
          f.criteria.push_back(crit(i).id);
          break;
        }
    }
    auto [with, without] = *example;
    std::string atom_name = v.atoms[static_cast<size_t>(example_atom)].name;
    Claim cw, co;
    model::Evaluation ew = ev_.evaluate(with), eo = ev_.evaluate(without);
    cw.decision = model::decision_of(ew.decision);
    cw.holds = {{atom_expr(example_atom), atom_name + " is requested"}};
    co.decision = model::decision_of(eo.decision);
    co.holds = {{not_expr(atom_expr(example_atom)), atom_name + " is not requested"}};
    if (cw.decision == co.decision || cw.decision == Decision::Undetermined)
      throw std::logic_error("analyze: the code-dependence pair does not replay");
    label(with, "cpt");
    without.case_id = with.case_id + "-without";
    without.has_case_id = true;
    f.message = fmt::format("decisions depend on `{}` only through {} (read by {}){}; the witness is {} with {} and {} "
                            "without it (the contrast){}",
                            code_fact.path, prose_list(matter), prose_list(f.criteria),
                            inert.empty() ? "" : "; " + prose_list(inert) + " never change a decision",
                            model::to_string(*cw.decision), atom_name, model::to_string(*co.decision), readings);
    f.witness = std::move(with);
    f.claims = {cw};
    f.contrast = std::move(without);
    f.contrast_claims = {co};
    std::string why = replay(*f.witness, f.claims);
    if (why.empty()) why = replay(*f.contrast, f.contrast_claims);
    if (!why.empty()) throw std::logic_error("analyze: the code-dependence pair does not replay: " + why);
    findings_.push_back(std::move(f));
  }

  // ------------------------------------------------------------------ state
  std::shared_ptr<const Policy> policy_;
  const Policy& p_;
  model::PolicySource source_;
  Limits limits_;
  Session session_;
  const Encoding& enc_;
  z3::solver s_;
  model::Evaluator ev_;
  std::vector<Finding> findings_;
  std::map<std::string, int> case_numbers_;
  std::map<std::string, std::shared_ptr<const Policy>> readings_;
  std::map<std::string, const Encoding*> reading_enc_;
  std::map<std::pair<int, bool>, const Encoding*> constant_enc_;
  std::vector<std::vector<Use>> uses_;
  std::vector<std::vector<char>> depends_;
  std::vector<char> is_pathway_, is_exclusion_;
  std::map<int, std::optional<Context>> context_memo_;
  std::optional<std::map<int, std::vector<std::string>>> barred_;
};

}  // namespace

Analysis analyze_policy(std::shared_ptr<const Policy> policy, const model::PolicySource& source, Limits limits) {
  Analyzer a(std::move(policy), source, limits);
  return a.run();
}

}  // namespace pp::solver
