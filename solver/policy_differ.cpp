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
#include "solver/vocabulary_link.h"

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

}  // namespace pp::solver
