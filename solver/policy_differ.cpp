// Textual and semantic differences between two policy versions (see policy_differ.h).
#include "solver/policy_differ.h"

#include <algorithm>
#include <cstdint>
#include <functional>
#include <map>
#include <set>
#include <stdexcept>

#include <fmt/format.h>

#include "solver/session.h"

namespace pp::solver {

using model::Combinator;
using model::Criterion;
using model::Expr;
using model::Op;
using model::Policy;
using model::Tri;

namespace {

std::string join(const std::vector<std::string>& v, const char* sep) {
  std::string out;
  for (size_t i = 0; i < v.size(); ++i) {
    if (i) out += sep;
    out += v[i];
  }
  return out;
}

std::string number_text(double d) { return fmt::format("{}", d); }

// The condition as the policy file writes it (for people), not canonical.
std::string display_condition(const Criterion& c, const Policy& p) {
  if (c.combinator == Combinator::Leaf) return c.when_source;
  std::vector<std::string> ids;
  for (int k : c.children) ids.push_back(p.criteria[static_cast<size_t>(k)].id);
  return std::string(c.combinator == Combinator::All ? "all: [" : "any: [") + join(ids, ", ") + "]";
}

std::string fact_signature(const model::Fact& f) {
  static const char* types[] = {"bool", "number", "enum", "enum_set", "group", "code_list"};
  std::string s = fmt::format("type {}, kind {}", types[static_cast<int>(f.type)], model::to_string(f.kind));
  if (f.type == model::FactType::Number)
    s += fmt::format(", min {}{}", number_text(f.min), f.max < 1e300 ? ", max " + number_text(f.max) : "");
  if (!f.values.empty()) s += ", values [" + join(f.values, ", ") + "]";
  if (!f.members.empty()) {
    std::vector<std::string> m;
    for (const auto& mem : f.members) m.push_back(mem.name + (mem.kind != f.kind ? std::string(" (") + model::to_string(mem.kind) + ")" : ""));
    s += ", members [" + join(m, ", ") + "]";
  }
  return s;
}

std::string code_signature(const model::Code& c) {
  return fmt::format("procedure {}, levels [{}], techniques [{}]{}; {}", c.procedure, join(c.levels, ", "),
                     join(c.techniques, ", "), c.add_on ? ", add-on" : "", c.description);
}

std::string ambiguity_signature(const model::Ambiguity& a, const Policy& p) {
  std::string s = a.question + " | criteria [" + join(a.criteria, ", ") + "]";
  for (const auto& r : a.readings) {
    s += " | " + r.id + ": " + r.text;
    for (const auto& [cid, when] : r.overrides) {
      // Canonical form of the override: parse it against the policy.
      std::string canon = when;
      try {
        canon = condition_text(model::parse_expression(p, when, p.file, 0, 0, false), p);
      } catch (const model::DiagnosticError&) {
      }
      s += " [" + cid + " := " + canon + "]";
    }
  }
  return s;
}

// Keyed comparison of two lists: added, removed and changed entries.
template <class T, class Key, class SigA, class SigB>
void compare_keyed(const std::vector<T>& a, const std::vector<T>& b, Key key, SigA sig, SigB sig_b, const char* what,
                   std::vector<TextChange>& out) {
  std::map<std::string, const T*> in_b;
  for (const auto& x : b) in_b.emplace(key(x), &x);
  std::set<std::string> in_a;
  for (const auto& x : a) {
    in_a.insert(key(x));
    auto it = in_b.find(key(x));
    if (it == in_b.end()) {
      out.push_back({what, key(x), "removed", sig(x), ""});
    } else if (sig(x) != sig_b(*it->second)) {
      out.push_back({what, key(x), "changed", sig(x), sig_b(*it->second)});
    }
  }
  for (const auto& x : b)
    if (!in_a.count(key(x))) out.push_back({what, key(x), "added", "", sig_b(x)});
}

// Atom index of `name` in `v`, with the same type, or -1.
int matching_atom(const model::Vocabulary& from, int atom, const model::Vocabulary& to) {
  const auto& a = from.atoms[static_cast<size_t>(atom)];
  int b = to.find_atom(a.name);
  if (b < 0 || to.atoms[static_cast<size_t>(b)].type != a.type) return -1;
  return b;
}

// Links two encodings' case variables by name (the same type); enum values by
// value name. Values (and enum facts) one side lacks are left out of the
// comparison, so every witness can be read by both.
void link_vocabularies(z3::solver& s, const Encoding& A, const Encoding& B) {
  z3::context& ctx = A.ctx();
  const auto& va = A.policy().vocab;
  const auto& vb = B.policy().vocab;
  for (size_t i = 0; i < va.atoms.size(); ++i) {
    int j = matching_atom(va, static_cast<int>(i), vb);
    if (j < 0) continue;
    const z3::expr& x = A.atom(static_cast<int>(i));
    const z3::expr& y = B.atom(j);
    if (va.atoms[i].type != model::AtomType::Enum) {
      s.add(x == y);
      continue;
    }
    const auto& fa = va.facts[static_cast<size_t>(va.atoms[i].fact)].values;
    const auto& fb = vb.facts[static_cast<size_t>(vb.atoms[static_cast<size_t>(j)].fact)].values;
    for (size_t k = 0; k < fa.size(); ++k) {
      auto it = std::find(fb.begin(), fb.end(), fa[k]);
      z3::expr xa = x == ctx.int_val(static_cast<int>(k));
      if (it == fb.end()) s.add(!xa);
      else s.add(xa == (y == ctx.int_val(static_cast<int>(it - fb.begin()))));
    }
    for (size_t k = 0; k < fb.size(); ++k)
      if (std::find(fa.begin(), fa.end(), fb[k]) == fa.end()) s.add(y != ctx.int_val(static_cast<int>(k)));
  }
}

[[noreturn]] void replay_failed(const std::string& what) {
  throw std::logic_error("diff: " + what + " (the Z3 encoding and the concrete evaluator disagree)");
}

bool relations_hold(const Policy& p, const model::Evaluator& ev, const model::Case& c, const model::Evaluation& e) {
  for (const auto& r : p.relations)
    if (ev.eval(r.expr, c, e) != Tri::True) return false;
  return true;
}

}  // namespace

bool same_vocabulary(const model::Vocabulary& a, const model::Vocabulary& b) {
  if (a.atoms.size() != b.atoms.size()) return false;
  for (size_t i = 0; i < a.atoms.size(); ++i) {
    const auto& x = a.atoms[i];
    const auto& y = b.atoms[i];
    if (x.name != y.name || x.type != y.type) return false;
    if (x.type == model::AtomType::Enum &&
        a.facts[static_cast<size_t>(x.fact)].values != b.facts[static_cast<size_t>(y.fact)].values)
      return false;
  }
  return true;
}

std::string condition_text(const Expr& e, const Policy& p) {
  const auto& v = p.vocab;
  auto sorted_kids = [&](const char* sep) {
    std::vector<std::string> ks;
    for (const auto& k : e.kids) ks.push_back(condition_text(k, p));
    std::sort(ks.begin(), ks.end());
    return join(ks, sep);
  };
  switch (e.op) {
    case Op::True: return "true";
    case Op::False: return "false";
    case Op::Atom: return v.atoms[static_cast<size_t>(e.atom)].name;
    case Op::NumCmp:
      return fmt::format("{} {} {}", v.atoms[static_cast<size_t>(e.atom)].name, model::to_string(e.cmp), number_text(e.number));
    case Op::EnumIn: {
      const auto& a = v.atoms[static_cast<size_t>(e.atom)];
      const auto& f = v.facts[static_cast<size_t>(a.fact)];
      std::vector<std::string> vals;
      for (size_t i = 0; i < f.values.size() && i < 64; ++i)
        if ((e.mask >> i) & 1) vals.push_back(f.values[i]);
      std::sort(vals.begin(), vals.end());
      return a.name + " in {" + join(vals, ", ") + "}";
    }
    case Op::Count: return fmt::format("count({}) {} {}", sorted_kids(", "), model::to_string(e.cmp), number_text(e.number));
    case Op::Not: return "not (" + condition_text(e.kids[0], p) + ")";
    case Op::And: return "(" + sorted_kids(" and ") + ")";
    case Op::Or: return "(" + sorted_kids(" or ") + ")";
    case Op::Ref: return "@" + p.criteria[static_cast<size_t>(e.ref)].id;
    case Op::Decision: return "approved";
  }
  return "?";
}

std::string criterion_condition(const Criterion& c, const Policy& p) {
  if (c.combinator == Combinator::Leaf) return condition_text(c.expr, p);
  std::vector<std::string> ids;
  for (int k : c.children) ids.push_back(p.criteria[static_cast<size_t>(k)].id);
  std::sort(ids.begin(), ids.end());
  return std::string(c.combinator == Combinator::All ? "all(" : "any(") + join(ids, ", ") + ")";
}

std::vector<TextChange> text_changes(const Policy& a, const Policy& b) {
  std::vector<TextChange> out;
  auto field = [&](const char* name, const std::string& x, const std::string& y) {
    if (x != y) out.push_back({"policy", name, "changed", x, y});
  };
  field("id", a.id, b.id);
  field("title", a.title, b.title);
  field("version", a.version, b.version);
  field("effective", a.effective, b.effective);
  field("source", a.source_file, b.source_file);
  field("vocabulary", a.vocab.id, b.vocab.id);
  field("decision", a.decision_text, b.decision_text);
  field("default_denial", a.default_denial_text, b.default_denial_text);

  // Criteria, by id.
  for (const auto& c : a.criteria) {
    int j = b.find_criterion(c.id);
    if (j < 0) {
      out.push_back({"criterion", c.id, "removed", display_condition(c, a), ""});
      continue;
    }
    const Criterion& d = b.criteria[static_cast<size_t>(j)];
    if (c.kind != d.kind) out.push_back({"criterion", c.id, "kind", model::to_string(c.kind), model::to_string(d.kind)});
    if (c.category != d.category) out.push_back({"criterion", c.id, "category", c.category, d.category});
    if (c.section != d.section) out.push_back({"criterion", c.id, "section", c.section, d.section});
    if (c.title != d.title) out.push_back({"criterion", c.id, "title", c.title, d.title});
    if (c.text != d.text) out.push_back({"criterion", c.id, "reworded", c.text, d.text});
    if (criterion_condition(c, a) != criterion_condition(d, b))
      out.push_back({"criterion", c.id, "condition", display_condition(c, a), display_condition(d, b)});
  }
  for (const auto& d : b.criteria)
    if (a.find_criterion(d.id) < 0) out.push_back({"criterion", d.id, "added", "", display_condition(d, b)});

  auto category_sig = [](const model::Category& c) { return c.title + " | " + c.section + " | " + c.text; };
  compare_keyed(a.categories, b.categories, [](const model::Category& c) { return c.id; }, category_sig, category_sig,
                "category", out);
  compare_keyed(a.ambiguities, b.ambiguities, [](const model::Ambiguity& x) { return x.id; },
                [&](const model::Ambiguity& x) { return ambiguity_signature(x, a); },
                [&](const model::Ambiguity& x) { return ambiguity_signature(x, b); }, "ambiguity", out);
  compare_keyed(a.codes, b.codes, [](const model::Code& c) { return c.code; }, code_signature, code_signature, "code", out);
  auto definition_sig = [](const model::Definition& d) { return d.text + " | techniques [" + join(d.techniques, ", ") + "]"; };
  compare_keyed(a.definitions, b.definitions, [](const model::Definition& d) { return d.term; }, definition_sig,
                definition_sig, "definition", out);
  compare_keyed(a.vocab.facts, b.vocab.facts, [](const model::Fact& f) { return f.path; }, fact_signature, fact_signature,
                "fact", out);
  compare_keyed(a.relations, b.relations, [](const model::Relation& r) { return r.id; },
                [&](const model::Relation& r) { return condition_text(r.expr, a); },
                [&](const model::Relation& r) { return condition_text(r.expr, b); }, "relation", out);
  return out;
}

DecisionDiff diff_decisions(std::shared_ptr<const Policy> before, std::shared_ptr<const Policy> after, Limits limits,
                            size_t max_regions, const std::string& case_id_prefix) {
  DecisionDiff result;
  Session session(before, limits);
  z3::context& ctx = session.ctx();
  const Encoding& A = session.encoding();
  const Policy& pa = *before;
  const Policy& pb = *after;
  // Same vocabulary: the new version shares the old one's case variables.
  const bool same = same_vocabulary(pa.vocab, pb.vocab);
  const Encoding& B = session.add(after, same ? "" : "new!");

  z3::solver s = session.make_solver();
  s.add(A.axioms());
  s.add(B.axioms());
  if (!same) link_vocabularies(s, A, B);
  if (pa.scope < 0 && pb.scope < 0) s.add(A.decision() != B.decision());
  else  // also: neither approves, and one of them puts the case out of scope
    s.add(A.decision() != B.decision() || (!A.decision() && !B.decision() && A.in_scope() != B.in_scope()));

  // Criteria of both versions, matched by id; redefinitions computed once.
  std::vector<int> a_to_b(pa.criteria.size(), -1);
  std::vector<char> redefined(pa.criteria.size(), 0);
  for (size_t i = 0; i < pa.criteria.size(); ++i) {
    a_to_b[i] = pb.find_criterion(pa.criteria[i].id);
    if (a_to_b[i] >= 0)
      redefined[i] = criterion_condition(pa.criteria[i], pa) !=
                     criterion_condition(pb.criteria[static_cast<size_t>(a_to_b[i])], pb);
  }
  // Who uses whom (children and @refs), per version: a criterion only one
  // version has explains a region when something in the region uses it.
  auto users_of = [](const Policy& p) {
    std::vector<std::vector<int>> users(p.criteria.size());
    for (size_t i = 0; i < p.criteria.size(); ++i) {
      std::vector<int> refs;
      model::collect_refs(p.criteria[i].expr, refs);
      for (int r : refs) users[static_cast<size_t>(r)].push_back(static_cast<int>(i));
    }
    return users;
  };
  auto users_a = users_of(pa), users_b = users_of(pb);

  model::Evaluator ea(pa), eb(pb);
  std::vector<Region> regions;
  while (true) {
    CheckResult cr = check(s);
    if (cr.answer == Answer::Unknown) {
      result.complete = false;
      result.reason = cr.reason;
      break;
    }
    if (cr.answer == Answer::Unsat) break;
    if (regions.size() >= max_regions) {
      result.complete = false;
      result.reason = fmt::format("stopped after {} regions (the limit)", max_regions);
      break;
    }
    z3::model m = s.get_model();
    model::Case wa = A.decode(m);
    model::Case wb = same ? wa : B.decode(m);
    model::Evaluation eva = ea.evaluate(wa), evb = eb.evaluate(wb);
    auto replays = [&] {
      return relations_hold(pa, ea, wa, eva) && relations_hold(pb, eb, wb, evb) &&
             model::decision_of(eva) != model::decision_of(evb) && eva.decision != Tri::Unknown &&
             evb.decision != Tri::Unknown && (eva.decision == Tri::True) == m.eval(A.decision(), true).is_true();
    };
    if (!replays()) {
      // A number the model gives as a rational between two doubles: fix every
      // number to the double it was read as, and ask again.
      s.push();
      for (size_t i = 0; i < pa.vocab.atoms.size(); ++i)
        if (pa.vocab.atoms[i].type == model::AtomType::Number)
          s.add(A.atom(static_cast<int>(i)) == ctx.real_val(decimal_literal(wa.value[i]).c_str()));
      if (!same)
        for (size_t i = 0; i < pb.vocab.atoms.size(); ++i)
          if (pb.vocab.atoms[i].type == model::AtomType::Number)
            s.add(B.atom(static_cast<int>(i)) == ctx.real_val(decimal_literal(wb.value[i]).c_str()));
      CheckResult again = check(s);
      if (again.answer == Answer::Sat) {
        m = s.get_model();
        wa = A.decode(m);
        wb = same ? wa : B.decode(m);
        eva = ea.evaluate(wa);
        evb = eb.evaluate(wb);
      }
      s.pop();
      if (again.answer != Answer::Sat || !replays()) replay_failed("a witness does not replay under both versions");
    }

    // The pattern: criteria whose values differ, and the one-sided criteria
    // something in it uses.
    Region reg;
    reg.before = model::decision_of(eva);
    reg.after = model::decision_of(evb);
    z3::expr_vector pattern(ctx);
    pattern.push_back(A.decision() == ctx.bool_val(eva.decision == Tri::True));
    if (pa.scope >= 0) pattern.push_back(A.in_scope() == ctx.bool_val(eva.scope == Tri::True));
    std::vector<char> in_a(pa.criteria.size(), 0), in_b(pb.criteria.size(), 0);
    for (size_t i = 0; i < pa.criteria.size(); ++i) {
      bool va = eva.criteria[i] == Tri::True;
      if (m.eval(A.criterion(static_cast<int>(i)), true).is_true() != va) replay_failed("criterion `" + pa.criteria[i].id + "`");
      int j = a_to_b[i];
      if (j < 0) continue;
      bool vb = evb.criteria[static_cast<size_t>(j)] == Tri::True;
      if (m.eval(B.criterion(j), true).is_true() != vb) replay_failed("criterion `" + pb.criteria[static_cast<size_t>(j)].id + "`");
      if (va != vb) {
        in_a[i] = 1;
        in_b[static_cast<size_t>(j)] = 1;
      }
    }
    // Closure: a one-sided criterion joins when a member of the pattern uses it.
    for (bool grew = true; grew;) {
      grew = false;
      for (size_t i = 0; i < pa.criteria.size(); ++i) {
        if (a_to_b[i] >= 0 || in_a[i]) continue;
        bool used = pa.criteria[i].kind != model::CriterionKind::Condition;
        for (int u : users_a[i]) used |= in_a[static_cast<size_t>(u)] != 0;
        if (used) in_a[i] = 1, grew = true;
      }
      for (size_t j = 0; j < pb.criteria.size(); ++j) {
        if (pa.find_criterion(pb.criteria[j].id) >= 0 || in_b[j]) continue;
        bool used = pb.criteria[j].kind != model::CriterionKind::Condition;
        for (int u : users_b[j]) used |= in_b[static_cast<size_t>(u)] != 0;
        if (used) in_b[j] = 1, grew = true;
      }
    }
    for (size_t i = 0; i < pa.criteria.size(); ++i) {
      const z3::expr& xa = A.criterion(static_cast<int>(i));
      bool va = eva.criteria[i] == Tri::True;
      int j = a_to_b[i];
      if (!in_a[i]) {
        if (j >= 0) pattern.push_back(xa == B.criterion(j));  // equal elsewhere: part of the region
        continue;
      }
      CriterionValue cv;
      cv.id = pa.criteria[i].id;
      cv.before = va;
      pattern.push_back(xa == ctx.bool_val(va));
      if (j >= 0) {
        bool vb = evb.criteria[static_cast<size_t>(j)] == Tri::True;
        cv.after = vb;
        cv.redefined = redefined[i] != 0;
        pattern.push_back(B.criterion(j) == ctx.bool_val(vb));
      }
      reg.criteria.push_back(cv);
    }
    for (size_t j = 0; j < pb.criteria.size(); ++j) {
      if (!in_b[j] || pa.find_criterion(pb.criteria[j].id) >= 0) continue;
      bool vb = evb.criteria[j] == Tri::True;
      CriterionValue cv;
      cv.id = pb.criteria[j].id;
      cv.after = vb;
      pattern.push_back(B.criterion(static_cast<int>(j)) == ctx.bool_val(vb));
      reg.criteria.push_back(cv);
    }
    s.add(!z3::mk_and(pattern));  // block exactly this region
    reg.witness = std::move(wa);
    if (!same) reg.witness_after = std::move(wb);
    regions.push_back(std::move(reg));
  }

  // A stable order (Z3's order of discovery is not a contract): by the
  // direction, then by the pattern.
  auto key = [](const Region& r) {
    std::string k = fmt::format("{}>{}", static_cast<int>(r.before), static_cast<int>(r.after));
    for (const auto& c : r.criteria)
      k += fmt::format("|{}:{}{}", c.id, c.before ? (*c.before ? "T" : "F") : "-", c.after ? (*c.after ? "T" : "F") : "-");
    return k;
  };
  std::stable_sort(regions.begin(), regions.end(), [&](const Region& x, const Region& y) { return key(x) < key(y); });
  for (size_t n = 0; n < regions.size(); ++n) {
    std::string id = fmt::format("{}-{}", case_id_prefix, n + 1);
    regions[n].witness.case_id = id;
    regions[n].witness.has_case_id = true;
    if (regions[n].witness_after) {
      regions[n].witness_after->case_id = id;
      regions[n].witness_after->has_case_id = true;
    }
  }
  result.regions = std::move(regions);
  return result;
}

const char* to_string(Verdict v) {
  switch (v) {
    case Verdict::Equivalent: return "equivalent";
    case Verdict::AMorePermissive: return "A more permissive";
    case Verdict::BMorePermissive: return "B more permissive";
    case Verdict::Incomparable: return "incomparable";
  }
  return "?";
}

Verdict DecisionDiff::verdict() const {
  // Over the cases both address: an approval against a denial (not against
  // out of scope, where the other policy has nothing to say).
  bool a_more = false, b_more = false;
  for (const auto& r : regions) {
    if (r.before == model::Decision::MedicallyNecessary && r.after == model::Decision::NotMedicallyNecessary) a_more = true;
    if (r.after == model::Decision::MedicallyNecessary && r.before == model::Decision::NotMedicallyNecessary) b_more = true;
  }
  return a_more && b_more ? Verdict::Incomparable
         : a_more         ? Verdict::AMorePermissive
         : b_more         ? Verdict::BMorePermissive
                          : Verdict::Equivalent;
}

RegionMatcher::RegionMatcher(const DecisionDiff& d, const Policy& a, const Policy& b)
    : d_(d), a_(a), b_(b), eval_a_(a), eval_b_(b) {}

namespace {

// Whether `p` approves `c` once the criteria in `forced` take the given values
// (everything above them evaluated again, in topological order).
bool approves_granted(const Policy& p, const model::Evaluator& e, const model::Case& c, model::Evaluation ev,
                      const std::vector<std::pair<int, bool>>& forced) {
  model::Case scratch;
  const model::Case& closed = e.closure(c, scratch);
  std::vector<char> is_forced(p.criteria.size(), 0);
  for (auto [i, v] : forced) is_forced[static_cast<size_t>(i)] = 1, ev.criteria[static_cast<size_t>(i)] = v ? Tri::True : Tri::False;
  for (size_t i = 0; i < p.criteria.size(); ++i)
    if (!is_forced[i]) ev.criteria[i] = e.eval(p.criteria[i].expr, closed, ev);
  if (p.scope >= 0 && ev.criteria[static_cast<size_t>(p.scope)] != Tri::True) return false;
  for (int x : p.exclusions)
    if (ev.criteria[static_cast<size_t>(x)] != Tri::False) return false;
  for (int pw : p.pathways)
    if (ev.criteria[static_cast<size_t>(pw)] == Tri::True) return true;
  return false;
}

}  // namespace

bool RegionMatcher::holds(size_t region, const model::Evaluation& ea, const model::Evaluation& eb) const {
  const Region& reg = d_.regions[region];
  if (reg.before != model::decision_of(ea) || reg.after != model::decision_of(eb)) return false;
  auto at = [](const Policy& p, const model::Evaluation& e, const std::string& id, const std::optional<bool>& v) {
    if (!v) return true;
    int i = p.find_criterion(id);
    return i >= 0 && e.criteria[static_cast<size_t>(i)] == (*v ? Tri::True : Tri::False);
  };
  for (const auto& cv : reg.criteria)
    if (!at(a_, ea, cv.id, cv.before) || !at(b_, eb, cv.id, cv.after)) return false;
  return true;
}

bool RegionMatcher::granted_approves(const std::vector<size_t>& regions, const model::Case& ca, const model::Case& cb,
                                     const model::Evaluation& ea, const model::Evaluation& eb) const {
  const Region& first = d_.regions[regions.front()];
  if (!d_.payers || first.criteria.empty()) return true;
  const bool x_is_a = first.criteria.front().before.has_value();
  const Policy& px = x_is_a ? a_ : b_;
  std::vector<std::pair<int, bool>> forced;
  for (size_t r : regions)
    for (const auto& cv : d_.regions[r].criteria)
      forced.emplace_back(px.find_criterion(cv.id), !(x_is_a ? *cv.before : *cv.after));
  // Out of scope: the scope alone says why (the policy does not address the
  // case, whatever else it would ask).
  if (model::decision_of(x_is_a ? ea : eb) == model::Decision::OutOfScope) return true;
  return approves_granted(px, x_is_a ? eval_a_ : eval_b_, x_is_a ? ca : cb, x_is_a ? ea : eb, forced);
}

int RegionMatcher::region_of(const model::Case& ca, const model::Case& cb, const model::Evaluation& ea,
                             const model::Evaluation& eb) const {
  if (model::decision_of(ea) == model::decision_of(eb)) return -1;
  // Of the regions that explain the case alone, the one reading the fewest
  // facts (three levels: CMM-607's level rule, not "if it were malignant").
  int best = -1;
  for (size_t r = 0; r < d_.regions.size(); ++r)
    if ((best < 0 || d_.regions[r].facts.size() < d_.regions[static_cast<size_t>(best)].facts.size()) && holds(r, ea, eb) &&
        granted_approves({r}, ca, cb, ea, eb))
      best = static_cast<int>(r);
  return best;
}

std::pair<int, int> RegionMatcher::regions_of(const model::Case& ca, const model::Case& cb, const model::Evaluation& ea,
                                              const model::Evaluation& eb) const {
  if (model::decision_of(ea) == model::decision_of(eb)) return {-1, -1};
  std::vector<size_t> in;
  for (size_t r = 0; r < d_.regions.size(); ++r)
    if (holds(r, ea, eb)) in.push_back(r);
  // Of the pairs that explain the case, the one whose obstacles read the
  // fewest facts (a T3 level: the two level rules, not "if it were malignant").
  std::pair<int, int> best{-1, -1};
  size_t best_facts = SIZE_MAX;
  for (size_t i = 0; i < in.size(); ++i)
    for (size_t j = i + 1; j < in.size(); ++j) {
      std::set<std::string> facts(d_.regions[in[i]].facts.begin(), d_.regions[in[i]].facts.end());
      facts.insert(d_.regions[in[j]].facts.begin(), d_.regions[in[j]].facts.end());
      if (facts.size() >= best_facts || !granted_approves({in[i], in[j]}, ca, cb, ea, eb)) continue;
      best = {static_cast<int>(in[i]), static_cast<int>(in[j])};
      best_facts = facts.size();
    }
  return best;
}

size_t shared_atoms(const model::Vocabulary& a, const model::Vocabulary& b) {
  size_t n = 0;
  for (size_t i = 0; i < a.atoms.size(); ++i) n += matching_atom(a, static_cast<int>(i), b) >= 0;
  return n;
}

namespace {

void require_shared_facts(const Policy& a, const Policy& b) {
  model::Diagnostic d;
  d.location.file = b.file;
  if (shared_atoms(a.vocab, b.vocab) == 0) {
    d.message = "`" + a.id + "` and `" + b.id + "` share no fact: there is nothing to compare (expected two policies over one vocabulary, or vocabularies with common fact paths)";
    throw model::DiagnosticError(d);
  }
  // An enum both name with no value in common (another procedure's
  // techniques): no case can be stated to both.
  for (const auto& f : a.vocab.facts) {
    if (f.type != model::FactType::Enum) continue;
    int j = b.vocab.find_fact(f.path);
    if (j < 0 || b.vocab.facts[static_cast<size_t>(j)].type != model::FactType::Enum) continue;
    const auto& vb = b.vocab.facts[static_cast<size_t>(j)].values;
    bool common = false;
    for (const auto& v : f.values) common |= std::find(vb.begin(), vb.end(), v) != vb.end();
    if (!common) {
      d.message = "`" + a.id + "` and `" + b.id + "` share no case: `" + f.path +
                  "` has no value both allow, so there is nothing to compare (expected two policies on one procedure)";
      throw model::DiagnosticError(d);
    }
  }
}

// A policy's criteria as fresh constants whose parts can be granted: what a
// region's obstacle set is made of (see diff_payers).
struct Relaxed {
  std::vector<int> candidates;        // criterion indices: pathway parts, exclusions, the scope
  std::vector<int> pathway_of;        // per candidate: index in policy.pathways, or -1
  std::vector<char> exclusion;        // per candidate: granting means "does not apply"
  z3::expr_vector grant;              // per candidate: the relax literal
  z3::expr_vector bad;                // per candidate: the criterion in its obstacle state (unrelaxed)
  z3::expr decision;                  // the decision with the granted candidates granted
  z3::expr_vector approves_via;       // per pathway: approved through it, granted
  explicit Relaxed(z3::context& ctx) : grant(ctx), bad(ctx), decision(ctx), approves_via(ctx) {}
};

// The parts of a pathway: descend through `all` combinations; stop at leaves
// and `any` combinations (their failure is one obstacle).
void pathway_parts(const Policy& p, int c, std::vector<int>& out) {
  const Criterion& cr = p.criteria[static_cast<size_t>(c)];
  if (cr.combinator == Combinator::All) {
    for (int k : cr.children) pathway_parts(p, k, out);
    return;
  }
  if (std::find(out.begin(), out.end(), c) == out.end()) out.push_back(c);
}

Relaxed relax(const Encoding& E, z3::solver& s, const std::string& tag) {
  const Policy& p = E.policy();
  z3::context& ctx = E.ctx();
  Relaxed R(ctx);
  std::vector<int> cand_index(p.criteria.size(), -1);
  auto add = [&](int c, int pw, bool excl) {
    if (cand_index[static_cast<size_t>(c)] >= 0) return;
    cand_index[static_cast<size_t>(c)] = static_cast<int>(R.candidates.size());
    R.candidates.push_back(c);
    R.pathway_of.push_back(pw);
    R.exclusion.push_back(excl ? 1 : 0);
    R.grant.push_back(ctx.bool_const(("grant!" + tag + "!" + p.criteria[static_cast<size_t>(c)].id).c_str()));
    R.bad.push_back(excl ? E.criterion(c) : !E.criterion(c));
  };
  if (p.scope >= 0) add(p.scope, -1, false);
  for (size_t k = 0; k < p.pathways.size(); ++k) {
    std::vector<int> parts;
    pathway_parts(p, p.pathways[k], parts);
    for (int c : parts) add(c, static_cast<int>(k), false);
  }
  for (int x : p.exclusions) add(x, -1, true);
  // Each criterion a fresh constant (the Z3 terms of equal conditions are
  // shared, so granting one by substitution would grant its twins too):
  // leaves equal their condition, combinations combine their children's
  // granted values.
  std::vector<z3::expr> val;
  val.reserve(p.criteria.size());
  for (size_t i = 0; i < p.criteria.size(); ++i) {
    const Criterion& cr = p.criteria[i];
    z3::expr v = ctx.bool_const(("crit!" + tag + "!" + cr.id).c_str());
    if (cr.combinator == Combinator::Leaf) {
      s.add(v == E.criterion(static_cast<int>(i)));
    } else {
      z3::expr_vector kids(ctx);
      for (int k : cr.children) kids.push_back(val[static_cast<size_t>(k)]);
      s.add(v == (cr.combinator == Combinator::All ? z3::mk_and(kids) : z3::mk_or(kids)));
    }
    int ci = cand_index[i];
    if (ci >= 0) v = R.exclusion[static_cast<size_t>(ci)] ? (v && !R.grant[static_cast<unsigned>(ci)]) : (v || R.grant[static_cast<unsigned>(ci)]);
    val.push_back(v);
  }
  z3::expr_vector paths(ctx), excls(ctx);
  for (int pw : p.pathways) paths.push_back(val[static_cast<size_t>(pw)]);
  for (int x : p.exclusions) excls.push_back(val[static_cast<size_t>(x)]);
  z3::expr rest = !(excls.empty() ? ctx.bool_val(false) : z3::mk_or(excls));
  if (p.scope >= 0) rest = val[static_cast<size_t>(p.scope)] && rest;
  R.decision = (paths.empty() ? ctx.bool_val(false) : z3::mk_or(paths)) && rest;
  for (unsigned k = 0; k < paths.size(); ++k) R.approves_via.push_back(paths[k] && rest);
  return R;
}

// The fact paths an expression reads, through criterion references.
void facts_read(const Policy& p, const Expr& e, std::vector<char>& slots) {
  std::vector<int> atoms, refs;
  model::collect_atoms(e, atoms);
  for (int a : atoms) slots[static_cast<size_t>(p.vocab.atoms[static_cast<size_t>(a)].slot)] = 1;
  model::collect_refs(e, refs);
  for (int r : refs) facts_read(p, p.criteria[static_cast<size_t>(r)].expr, slots);
}

}  // namespace

DecisionDiff diff_payers(std::shared_ptr<const Policy> a, std::shared_ptr<const Policy> b, Limits limits,
                         size_t max_regions, const std::string& case_id_prefix) {
  const Policy& pa = *a;
  const Policy& pb = *b;
  require_shared_facts(pa, pb);
  DecisionDiff result;
  result.payers = true;
  Session session(a, limits);
  z3::context& ctx = session.ctx();
  const Encoding& A = session.encoding();
  const bool same = same_vocabulary(pa.vocab, pb.vocab);
  const Encoding& B = session.add(b, same ? "" : "new!");
  z3::solver s = session.make_solver();
  s.add(A.axioms());
  s.add(B.axioms());
  if (!same) link_vocabularies(s, A, B);
  Relaxed RA = relax(A, s, "A"), RB = relax(B, s, "B");
  model::Evaluator ea(pa), eb(pb);

  // Decodes the model into a witness for both, replayed; numbers the model
  // gives as rationals between two doubles are pinned and asked again.
  auto witness = [&](z3::model m, const std::function<bool(const model::Evaluation&, const model::Evaluation&)>& ok,
                     Region& reg) {
    for (int attempt = 0; attempt < 2; ++attempt) {
      model::Case wa = A.decode(m);
      model::Case wb = same ? wa : B.decode(m);
      model::Evaluation eva = ea.evaluate(wa), evb = eb.evaluate(wb);
      if (relations_hold(pa, ea, wa, eva) && relations_hold(pb, eb, wb, evb) && ok(eva, evb)) {
        reg.before = model::decision_of(eva);
        reg.after = model::decision_of(evb);
        reg.witness = std::move(wa);
        if (!same) reg.witness_after = std::move(wb);
        return true;
      }
      if (attempt) break;
      s.push();
      for (size_t i = 0; i < pa.vocab.atoms.size(); ++i)
        if (pa.vocab.atoms[i].type == model::AtomType::Number)
          s.add(A.atom(static_cast<int>(i)) == ctx.real_val(decimal_literal(wa.value[i]).c_str()));
      if (!same)
        for (size_t i = 0; i < pb.vocab.atoms.size(); ++i)
          if (pb.vocab.atoms[i].type == model::AtomType::Number)
            s.add(B.atom(static_cast<int>(i)) == ctx.real_val(decimal_literal(wb.value[i]).c_str()));
      CheckResult again = check(s);
      if (again.answer == Answer::Sat) m = s.get_model();
      s.pop();
      if (again.answer != Answer::Sat) break;
    }
    return false;
  };
  auto stop = [&](const std::string& why) {
    result.complete = false;
    if (result.reason.empty()) result.reason = why;
  };

  // Y approves, X does not: minimal sets of X's obstacles, smallest first.
  auto one_way = [&](const Encoding& X, const Encoding& Y, const Relaxed& R, bool x_is_a) {
    const Policy& px = X.policy();
    s.push();
    s.add(Y.decision());
    s.add(!X.decision());
    s.add(R.decision);
    // One pathway per region, the one the granted case would be approved
    // through; only its parts may be granted.
    z3::expr_vector sel(ctx);
    for (size_t k = 0; k < px.pathways.size(); ++k) {
      sel.push_back(ctx.bool_const(fmt::format("sel!{}!{}", x_is_a ? "A" : "B", k).c_str()));
      s.add(z3::implies(sel.back(), R.approves_via[static_cast<unsigned>(k)]));
    }
    for (unsigned k = 0; k < R.grant.size(); ++k) {
      s.add(z3::implies(R.grant[k], R.bad[k]));  // grant only what is an obstacle
      if (R.pathway_of[k] >= 0) s.add(z3::implies(R.grant[k], sel[static_cast<unsigned>(R.pathway_of[k])]));
    }
    s.add(z3::mk_or(sel));
    if (sel.size() > 1) s.add(z3::atmost(sel, 1));
    for (unsigned bound = 1; bound <= R.grant.size(); ++bound) {
      // Anything left at all? (then the smallest sets of this size)
      CheckResult any = check(s);
      if (any.answer == Answer::Unknown) { stop(any.reason); break; }
      if (any.answer == Answer::Unsat) break;
      z3::expr within = ctx.bool_const(fmt::format("bound!{}!{}", x_is_a ? "A" : "B", bound).c_str());
      s.add(z3::implies(within, z3::atmost(R.grant, bound)));
      z3::expr_vector assume(ctx);
      assume.push_back(within);
      while (true) {
        CheckResult cr = check(s, assume);
        if (cr.answer == Answer::Unknown) { stop(cr.reason); break; }
        if (cr.answer == Answer::Unsat) break;
        if (result.regions.size() >= max_regions) { stop(fmt::format("stopped after {} regions (the limit)", max_regions)); break; }
        z3::model m = s.get_model();
        std::vector<unsigned> granted;
        for (unsigned k = 0; k < R.grant.size(); ++k)
          if (m.eval(R.grant[k], true).is_true()) granted.push_back(k);
        Region reg;
        auto ok = [&](const model::Evaluation& eva, const model::Evaluation& evb) {
          const model::Evaluation& ex = x_is_a ? eva : evb;
          const model::Evaluation& ey = x_is_a ? evb : eva;
          if (ey.decision != Tri::True || ex.decision != Tri::False) return false;
          for (unsigned k : granted) {
            Tri v = ex.criteria[static_cast<size_t>(R.candidates[k])];
            if (v != (R.exclusion[k] ? Tri::True : Tri::False)) return false;
          }
          return true;
        };
        if (!witness(m, ok, reg)) replay_failed("a witness does not replay under both policies");
        std::vector<char> slots(px.vocab.slots.size(), 0);
        for (unsigned k : granted) {
          int c = R.candidates[k];
          CriterionValue cv;
          cv.id = px.criteria[static_cast<size_t>(c)].id;
          (x_is_a ? cv.before : cv.after) = R.exclusion[k] != 0;
          reg.criteria.push_back(cv);
          facts_read(px, px.criteria[static_cast<size_t>(c)].expr, slots);
        }
        for (size_t sl = 0; sl < slots.size(); ++sl)
          if (slots[sl]) reg.facts.push_back(px.vocab.slots[sl].path);
        result.regions.push_back(std::move(reg));
        // This set and its supersets, through this pathway: not again (a
        // set found through another pathway is another region: a T1-T4
        // level alone bars the malignant pathway, with the level bound the
        // non-malignant one; the same set twice is merged below).
        z3::expr_vector block(ctx);
        for (unsigned k : granted) block.push_back(!R.grant[k]);
        for (unsigned k = 0; k < sel.size(); ++k)
          if (m.eval(sel[k], true).is_true()) block.push_back(!sel[k]);
        s.add(z3::mk_or(block));
      }
      if (!result.complete) break;
    }
    s.pop();
  };
  one_way(B, A, RB, false);  // A approves, B does not
  if (result.complete) one_way(A, B, RA, true);  // B approves, A does not

  // Neither approves; one denies, the other puts the case out of scope.
  auto scope_only = [&](const Encoding& X, const Encoding& Y, bool x_is_a) {
    if (X.policy().scope < 0 || !result.complete) return;
    s.push();
    s.add(!A.decision());
    s.add(!B.decision());
    s.add(!X.in_scope());
    s.add(Y.in_scope());
    CheckResult cr = check(s);
    if (cr.answer == Answer::Unknown) stop(cr.reason);
    if (cr.answer == Answer::Sat) {
      Region reg;
      auto ok = [&](const model::Evaluation& eva, const model::Evaluation& evb) {
        const model::Evaluation& ex = x_is_a ? eva : evb;
        const model::Evaluation& ey = x_is_a ? evb : eva;
        return ex.scope == Tri::False && ey.scope == Tri::True && ey.decision == Tri::False;
      };
      if (!witness(s.get_model(), ok, reg)) replay_failed("a witness does not replay under both policies");
      const Policy& px = X.policy();
      CriterionValue cv;
      cv.id = px.criteria[static_cast<size_t>(px.scope)].id;
      (x_is_a ? cv.before : cv.after) = false;
      reg.criteria.push_back(cv);
      std::vector<char> slots(px.vocab.slots.size(), 0);
      facts_read(px, px.criteria[static_cast<size_t>(px.scope)].expr, slots);
      for (size_t sl = 0; sl < slots.size(); ++sl)
        if (slots[sl]) reg.facts.push_back(px.vocab.slots[sl].path);
      result.regions.push_back(std::move(reg));
    }
    s.pop();
  };
  scope_only(B, A, false);
  scope_only(A, B, true);

  // The same set of obstacles found through two pathways: one region.
  {
    std::set<std::string> seen;
    std::vector<Region> kept;
    for (auto& r : result.regions) {
      std::string k = fmt::format("{}>{}", static_cast<int>(r.before), static_cast<int>(r.after));
      std::vector<std::string> ids;
      for (const auto& c : r.criteria) ids.push_back(c.id);
      std::sort(ids.begin(), ids.end());
      for (const auto& id : ids) k += "|" + id;
      if (seen.insert(k).second) kept.push_back(std::move(r));
    }
    result.regions = std::move(kept);
  }
  // Stable order: by direction, then the size of the set, then the ids.
  auto key = [](const Region& r) {
    std::string k = fmt::format("{}>{}|{:03}", static_cast<int>(r.before), static_cast<int>(r.after), r.criteria.size());
    for (const auto& c : r.criteria) k += "|" + c.id;
    return k;
  };
  std::stable_sort(result.regions.begin(), result.regions.end(),
                   [&](const Region& x, const Region& y) { return key(x) < key(y); });
  for (size_t n = 0; n < result.regions.size(); ++n) {
    std::string id = fmt::format("{}-{}", case_id_prefix, n + 1);
    result.regions[n].witness.case_id = id;
    result.regions[n].witness.has_case_id = true;
    if (result.regions[n].witness_after) {
      result.regions[n].witness_after->case_id = id;
      result.regions[n].witness_after->has_case_id = true;
    }
  }
  return result;
}

PolicyDiff diff_policies(std::shared_ptr<const Policy> before, std::shared_ptr<const Policy> after, Limits limits,
                         size_t max_regions) {
  PolicyDiff d;
  require_shared_facts(*before, *after);
  // Two payers' policies (different ids): obstacle regions, and no textual
  // changes (every criterion differs); two versions of one policy: the
  // textual changes and the regions of differing criteria.
  if (before->id != after->id) {
    d.decisions = diff_payers(std::move(before), std::move(after), limits, max_regions ? max_regions : 256);
  } else {
    d.changes = text_changes(*before, *after);
    d.decisions = diff_decisions(std::move(before), std::move(after), limits, max_regions ? max_regions : 64);
  }
  return d;
}

}  // namespace pp::solver
