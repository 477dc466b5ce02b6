#include "solver/mcdc_generator.h"

#include <algorithm>
#include <cmath>
#include <set>
#include <sstream>
#include <stdexcept>

#include <fmt/format.h>

#include "solver/encoding.h"
#include "solver/session.h"

namespace pp::solver {

int McdcSuite::pairs_found() const {
  return static_cast<int>(std::count_if(conditions.begin(), conditions.end(), [](const McdcCondition& c) { return c.status == PairStatus::Found; }));
}
int McdcSuite::pairs_none() const {
  return static_cast<int>(std::count_if(conditions.begin(), conditions.end(), [](const McdcCondition& c) { return c.status == PairStatus::None; }));
}
int McdcSuite::pairs_unknown() const {
  return static_cast<int>(std::count_if(conditions.begin(), conditions.end(), [](const McdcCondition& c) { return c.status == PairStatus::Unknown; }));
}

namespace {

void collect_conditions(const model::Expr& e, std::vector<const model::Expr*>& out) {
  switch (e.op) {
    case model::Op::Atom:
    case model::Op::NumCmp:
    case model::Op::EnumIn:
    case model::Op::Count: out.push_back(&e); return;
    case model::Op::Not:
    case model::Op::And:
    case model::Op::Or:
      for (const auto& k : e.kids) collect_conditions(k, out);
      return;
    default: return;
  }
}

std::string number_text(double v) {
  std::ostringstream ss;
  ss << v;
  return ss.str();
}

}  // namespace

std::vector<const model::Expr*> leaf_conditions(const model::Expr& e) {
  std::vector<const model::Expr*> out;
  collect_conditions(e, out);
  return out;
}

std::string condition_text(const model::Policy& policy, const model::Expr& e) {
  const auto& v = policy.vocab;
  switch (e.op) {
    case model::Op::Atom: return v.atoms[e.atom].name;
    case model::Op::NumCmp: return v.atoms[e.atom].name + " " + model::to_string(e.cmp) + " " + number_text(e.number);
    case model::Op::EnumIn: {
      const auto& f = v.facts[v.atoms[e.atom].fact];
      std::string s = f.path + " in {";
      bool first = true;
      for (size_t b = 0; b < f.values.size() && b < 64; ++b)
        if (e.mask >> b & 1) {
          s += (first ? "" : ", ") + f.values[b];
          first = false;
        }
      return s + "}";
    }
    case model::Op::Count: {
      std::string path = e.kids.empty() || e.kids[0].op != model::Op::Atom ? "?" : v.facts[v.atoms[e.kids[0].atom].fact].path;
      return "count " + path + " " + model::to_string(e.cmp) + " " + number_text(e.number);
    }
    default: return "?";
  }
}

namespace {

struct Cond {
  int criterion = -1;               // the criterion that must flip with it (-1: the decision alone)
  const model::Expr* node = nullptr;  // an atomic condition, or
  int child = -1;                   // a use: this criterion, as part of `criterion` (or of the decision)
  std::vector<int> slots;
  std::vector<char> in_slots;  // per atom: one of the condition's slots
};

class Generator {
 public:
  Generator(std::shared_ptr<const model::Policy> policy, Limits limits)
      : policy_(std::move(policy)),
        p_(*policy_),
        eval_(p_),
        session_(policy_, limits),
        ea_(session_.encoding()),
        eb_(session_.copy("mcdc.b.")),
        pair_(session_.make_combined_solver()),
        valid_(session_.make_combined_solver()) {
    pair_.add(ea_.axioms());
    pair_.add(eb_.axioms());
    valid_.add(ea_.axioms());
  }

  McdcSuite run() {
    collect();
    collect_uses();
    for (size_t i = 0; i < conds_.size(); ++i) find_pair(i);
    for (size_t i = 0; i < conds_.size(); ++i) add_boundaries(i);
    for (size_t i = 0; i < suite_.cases.size(); ++i) suite_.cases[i].c.case_id = fmt::format("mcdc-{:03}", i + 1);
    for (auto& c : suite_.cases) c.c.has_case_id = true;
    return std::move(suite_);
  }

 private:
  void collect() {
    for (size_t k = 0; k < p_.criteria.size(); ++k) {
      const auto& cr = p_.criteria[k];
      if (cr.combinator != model::Combinator::Leaf) continue;
      int n = 0;
      for (const model::Expr* e : leaf_conditions(cr.expr)) {
        Cond c;
        c.criterion = static_cast<int>(k);
        c.node = e;
        std::vector<int> atoms;
        model::collect_atoms(*e, atoms);
        c.in_slots.assign(p_.vocab.atoms.size(), 0);
        for (int a : atoms) {
          int s = p_.vocab.atoms[a].slot;
          if (std::find(c.slots.begin(), c.slots.end(), s) == c.slots.end()) c.slots.push_back(s);
        }
        for (int s : c.slots)
          for (int a : p_.vocab.slots[s].atoms) c.in_slots[a] = 1;
        // A member of a set (`request.levels.C1`): its pair differs in that
        // member alone, not in the rest of the set, so a range that loses
        // its end ({C1..C7} -> {C2..C7}) decides one of the pair otherwise.
        if (e->op == model::Op::Atom && p_.vocab.slots[p_.vocab.atoms[e->atom].slot].atoms.size() > 1) {
          std::fill(c.in_slots.begin(), c.in_slots.end(), 0);
          c.in_slots[e->atom] = 1;
        }
        McdcCondition mc;
        mc.id = cr.id + "#" + std::to_string(++n);
        mc.criterion = cr.id;
        mc.text = condition_text(p_, *e);
        mc.numeric = e->op == model::Op::NumCmp || e->op == model::Op::Count;
        conds_.push_back(std::move(c));
        suite_.conditions.push_back(std::move(mc));
      }
    }
  }

  // Every atom criterion `k` reads, through its children and references.
  void atoms_of(int k, std::vector<int>& atoms, std::vector<char>& seen) const {
    if (seen[k]) return;
    seen[k] = 1;
    const auto& cr = p_.criteria[k];
    model::collect_atoms(cr.expr, atoms);
    std::vector<int> refs;
    model::collect_refs(cr.expr, refs);
    for (int r : refs) atoms_of(r, atoms, seen);
    for (int ch : cr.children) atoms_of(ch, atoms, seen);
  }

  // Uses: each criterion as a part of the criteria that use it, and each
  // pathway and exclusion as a part of the decision. A pair for a use makes
  // the structure above the leaves observable (a child dropped from an `all`
  // changes no leaf condition).
  void collect_uses() {
    auto add = [&](int child, int parent, const std::string& how) {
      Cond c;
      c.criterion = parent;
      c.child = child;
      std::vector<int> atoms;
      std::vector<char> seen(p_.criteria.size(), 0);
      atoms_of(child, atoms, seen);
      c.in_slots.assign(p_.vocab.atoms.size(), 0);
      for (int a : atoms) {
        int sl = p_.vocab.atoms[a].slot;
        if (std::find(c.slots.begin(), c.slots.end(), sl) == c.slots.end()) c.slots.push_back(sl);
      }
      for (int sl : c.slots)
        for (int a : p_.vocab.slots[sl].atoms) c.in_slots[a] = 1;
      McdcCondition mc;
      mc.id = p_.criteria[child].id + "@" + (parent < 0 ? std::string("decision") : p_.criteria[parent].id);
      mc.criterion = parent < 0 ? p_.criteria[child].id : p_.criteria[parent].id;
      mc.text = p_.criteria[child].id + " " + how;
      conds_.push_back(std::move(c));
      suite_.conditions.push_back(std::move(mc));
    };
    for (size_t k = 0; k < p_.criteria.size(); ++k) {
      const auto& cr = p_.criteria[k];
      for (int ch : cr.children)
        add(ch, static_cast<int>(k), std::string("in ") + cr.id + (cr.combinator == model::Combinator::All ? " (all of)" : " (any of)"));
      if (cr.combinator == model::Combinator::Leaf) {
        std::vector<int> refs;
        model::collect_refs(cr.expr, refs);
        std::sort(refs.begin(), refs.end());
        refs.erase(std::unique(refs.begin(), refs.end()), refs.end());
        for (int r : refs) add(r, static_cast<int>(k), "referenced by " + cr.id);
      }
    }
    for (int x : p_.pathways) add(x, -1, "as a pathway of the decision");
    for (int x : p_.exclusions) add(x, -1, "as an exclusion of the decision");
  }

  model::Evaluation evaluate(const model::Case& c) const { return eval_.evaluate(c); }

  bool cond_value(const Cond& k, const model::Case& c, const model::Evaluation& ev) const {
    if (!k.node) return ev.criteria[k.child] == model::Tri::True;
    return eval_.eval(*k.node, c, ev) == model::Tri::True;
  }

  // Whether (a, b) is an independence pair for `k`.
  bool is_pair(const Cond& k, const model::Case& a, const model::Evaluation& eva, const model::Case& b,
               const model::Evaluation& evb) const {
    for (size_t x = 0; x < a.value.size(); ++x)
      if (!k.in_slots[x] && a.value[x] != b.value[x]) return false;
    return cond_value(k, a, eva) != cond_value(k, b, evb) &&
           (k.criterion < 0 || eva.criteria[k.criterion] != evb.criteria[k.criterion]) && eva.decision != evb.decision;
  }

  bool valid(const model::Case& c) {
    valid_.push();
    valid_.add(ea_.case_constraint(c));
    CheckResult r = check(valid_);
    valid_.pop();
    return r.answer == Answer::Sat;
  }

  // Adds `c` (fully specified, valid) unless the suite has it; returns its index.
  int add_case(model::Case c, const std::string& role) {
    for (size_t i = 0; i < suite_.cases.size(); ++i)
      if (suite_.cases[i].c.value == c.value) {
        if (!role.empty()) suite_.cases[i].roles.push_back(role);
        return static_cast<int>(i);
      }
    McdcCase m;
    model::Evaluation ev = evaluate(c);
    if (ev.decision == model::Tri::Unknown) throw std::logic_error("an MC/DC case is not fully decided");
    m.decision = model::decision_of(ev.decision);
    for (const auto& s : model::pathway_statuses(p_, ev))
      if (s.status == model::Tri::True) m.pathways.push_back(p_.criteria[s.criterion].id);
    for (int x : model::applying_exclusions(p_, ev)) m.exclusions.push_back(p_.criteria[x].id);
    m.c = std::move(c);
    if (!role.empty()) m.roles.push_back(role);
    suite_.cases.push_back(std::move(m));
    return static_cast<int>(suite_.cases.size() - 1);
  }

  void record_pair(size_t i, int a, int b) {
    auto& mc = suite_.conditions[i];
    const Cond& k = conds_[i];
    bool a_true = cond_value(k, suite_.cases[a].c, evaluate(suite_.cases[a].c));
    mc.status = PairStatus::Found;
    mc.first = a_true ? a : b;
    mc.second = a_true ? b : a;
    suite_.cases[mc.first].roles.push_back("pair " + mc.id + " true");
    suite_.cases[mc.second].roles.push_back("pair " + mc.id + " false");
  }

  // Values that flip `k` in `c` by changing its facts only (bool: toggled;
  // number: the constant or one unit past it; enum: each other value).
  std::vector<model::Case> concrete_flips(const Cond& k, const model::Case& c) const {
    std::vector<model::Case> out;
    if (!k.node) return out;
    const model::Expr& e = *k.node;
    if (e.op == model::Op::Atom) {
      model::Case d = c;
      d.value[e.atom] = c.value[e.atom] != 0 ? 0 : 1;
      out.push_back(std::move(d));
    } else if (e.op == model::Op::NumCmp) {
      for (double v : {e.number - 1, e.number, e.number + 1}) {
        if (v == c.value[e.atom]) continue;
        model::Case d = c;
        d.value[e.atom] = v;
        out.push_back(std::move(d));
      }
    } else if (e.op == model::Op::EnumIn) {
      const auto& f = p_.vocab.facts[p_.vocab.atoms[e.atom].fact];
      for (size_t v = 0; v < f.values.size(); ++v) {
        if (static_cast<double>(v) == c.value[e.atom]) continue;
        model::Case d = c;
        d.value[e.atom] = static_cast<double>(v);
        out.push_back(std::move(d));
      }
    }
    return out;
  }

  void find_pair(size_t i) {
    const Cond& k = conds_[i];
    auto& mc = suite_.conditions[i];
    // 1. A pair already in the suite.
    std::vector<model::Evaluation> evs;
    for (const auto& m : suite_.cases) evs.push_back(evaluate(m.c));
    for (size_t a = 0; a < suite_.cases.size(); ++a)
      for (size_t b = a + 1; b < suite_.cases.size(); ++b)
        if (is_pair(k, suite_.cases[a].c, evs[a], suite_.cases[b].c, evs[b])) {
          record_pair(i, static_cast<int>(a), static_cast<int>(b));
          return;
        }
    // 2. A case of the suite with the condition flipped by hand.
    for (size_t a = 0; a < suite_.cases.size(); ++a)
      for (auto& d : concrete_flips(k, suite_.cases[a].c)) {
        model::Evaluation evd = evaluate(d);
        if (!is_pair(k, suite_.cases[a].c, evs[a], d, evd) || !valid(d)) continue;
        int b = add_case(std::move(d), "");
        record_pair(i, static_cast<int>(a), b);
        return;
      }
    // 3. Ask Z3, in stages, so an unsat answer says why.
    z3::expr ca = k.node ? ea_.compile(*k.node) : ea_.criterion(k.child);
    z3::expr cb = k.node ? eb_.compile(*k.node) : eb_.criterion(k.child);
    z3::expr ka = k.criterion >= 0 ? ea_.criterion(k.criterion) : ea_.decision();
    z3::expr kb = k.criterion >= 0 ? eb_.criterion(k.criterion) : eb_.decision();
    pair_.push();
    pair_.add(ea_.same_case(eb_, k.slots));
    for (int sl : k.slots)
      for (int a : p_.vocab.slots[sl].atoms)
        if (!k.in_slots[a]) pair_.add(ea_.atom(a) == eb_.atom(a));
    pair_.add(ca != cb);
    const std::string cid = k.criterion >= 0 ? p_.criteria[k.criterion].id : std::string("the decision");
    struct Stage { z3::expr extra; std::string why; };
    std::vector<Stage> stages;
    stages.push_back({ka != kb, "it never changes " + cid + " on its own: wherever it flips, the rest of " + cid +
                                    " already decides it"});
    stages.push_back({ea_.decision() != eb_.decision(),
                      "wherever it changes " + cid + ", the decision stays the same (another pathway, an exclusion "
                      "or another criterion decides)"});
    CheckResult r = check(pair_);
    std::string why = "its facts cannot change its value without changing other facts (the domain relations tie them)";
    for (const auto& st : stages) {
      if (r.answer != Answer::Sat) break;
      pair_.add(st.extra);
      r = check(pair_);
      why = st.why;
    }
    if (r.answer == Answer::Unsat) {
      mc.status = PairStatus::None;
      mc.why = why;
    } else if (r.answer == Answer::Unknown) {
      mc.status = PairStatus::Unknown;
      mc.why = r.reason;
    } else {
      // Prefer a pair around a case the suite has.
      bool done = false;
      for (size_t a = 0; a < suite_.cases.size() && a < 24 && !done; ++a) {
        pair_.push();
        pair_.add(ea_.case_constraint(suite_.cases[a].c));
        if (check(pair_).answer == Answer::Sat) {
          model::Case b = decoded(eb_, pair_.get_model());
          int bi = add_case(std::move(b), "");
          record_pair(i, static_cast<int>(a), bi);
          done = true;
        }
        pair_.pop();
      }
      if (!done && check(pair_).answer != Answer::Sat) {
        mc.status = PairStatus::Unknown;
        mc.why = "the solver answered sat, then not";
      } else if (!done) {
        z3::model m = pair_.get_model();
        model::Case a = decoded(ea_, m), b = decoded(eb_, m);
        int ai = add_case(std::move(a), "");
        int bi = add_case(std::move(b), "");
        record_pair(i, ai, bi);
      }
    }
    pair_.pop();
    if (mc.status == PairStatus::Found) {
      const auto& a = suite_.cases[mc.first];
      const auto& b = suite_.cases[mc.second];
      if (!is_pair(k, a.c, evaluate(a.c), b.c, evaluate(b.c)))
        throw std::logic_error("the MC/DC pair for " + mc.id + " does not replay through the evaluator");
    }
  }

  // A model's case in copy `enc`, checked against Z3's own decision.
  model::Case decoded(const Encoding& enc, const z3::model& m) {
    model::Case c = enc.decode(m);
    bool z3_says = m.eval(enc.decision(), true).is_true();
    model::Evaluation ev = evaluate(c);
    if (ev.decision == model::Tri::Unknown || (ev.decision == model::Tri::True) != z3_says)
      throw std::logic_error("Z3 and the concrete evaluator decide an MC/DC case differently");
    return c;
  }

  // Boundary values of a number comparison or count: the constant and one
  // unit either side, around the case where the condition decides (its pair).
  void add_boundaries(size_t i) {
    const Cond& k = conds_[i];
    auto& mc = suite_.conditions[i];
    if (!mc.numeric) return;
    const model::Expr& e = *k.node;
    model::Case base = mc.status == PairStatus::Found ? suite_.cases[mc.first].c
                       : suite_.cases.empty()         ? model::Case(p_.vocab)
                                                      : suite_.cases[0].c;
    if (mc.status != PairStatus::Found && suite_.cases.empty()) return;
    for (double v : {e.number - 1, e.number, e.number + 1}) {
      std::string role = fmt::format("boundary {} at {}", mc.id, number_text(v));
      if (e.op == model::Op::NumCmp) {
        model::Case d = base;
        d.value[e.atom] = v;
        if (!valid(d)) continue;
        size_t before = suite_.cases.size();
        mc.boundary.push_back(add_case(std::move(d), role));
        suite_.boundary_cases += suite_.cases.size() > before;
      } else {
        // a count: the set's other tests keep their values; Z3 picks the members
        model::Expr eq = e;
        eq.cmp = model::Cmp::Eq;
        eq.number = v;
        z3::solver s = session_.make_combined_solver();
        s.add(ea_.axioms());
        s.add(ea_.compile(eq));
        model::Case fixed = base;
        for (size_t x = 0; x < fixed.known.size(); ++x)
          if (k.in_slots[x]) fixed.unset(static_cast<int>(x));
        s.add(ea_.case_constraint(fixed));
        model::Evaluation ev = evaluate(base);
        for (size_t j = 0; j < conds_.size(); ++j) {
          const Cond& o = conds_[j];
          if (j == i || !o.node || o.node->op == model::Op::Count || o.slots != k.slots) continue;
          z3::expr oc = ea_.compile(*o.node);
          s.add(cond_value(o, base, ev) ? oc : !oc);
        }
        if (check(s).answer != Answer::Sat) continue;
        size_t before = suite_.cases.size();
        mc.boundary.push_back(add_case(decoded(ea_, s.get_model()), role));
        suite_.boundary_cases += suite_.cases.size() > before;
      }
    }
  }

  std::shared_ptr<const model::Policy> policy_;
  const model::Policy& p_;
  model::Evaluator eval_;
  Session session_;
  const Encoding& ea_;
  const Encoding& eb_;
  z3::solver pair_;
  z3::solver valid_;
  std::vector<Cond> conds_;
  McdcSuite suite_;
};

}  // namespace

McdcSuite generate_mcdc(std::shared_ptr<const model::Policy> policy, Limits limits) {
  try {
    return Generator(std::move(policy), limits).run();
  } catch (const z3::exception& e) {
    throw std::runtime_error(std::string("solver error: ") + e.msg());
  }
}

}  // namespace pp::solver
