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
#include "solver/witness.h"

namespace pp::solver {

using model::Combinator;
using model::Criterion;
using model::Expr;
using model::Op;
using model::Policy;
using model::Tri;

DecisionDiff diff_decisions(std::shared_ptr<const Policy> before, std::shared_ptr<const Policy> after, Limits limits,
                            size_t max_regions, const std::string& case_id_prefix) {
  DecisionDiff result;
  Session session(before, limits);
  z3::context& ctx = session.ctx();
  const Encoding& A = session.encoding();
  const Policy& pa = *before;
  const Policy& pb = *after;
  // Same vocabulary: the new version shares the old one's case variables.
  const bool same = model::same_vocabulary(pa.vocab, pb.vocab);
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
      redefined[i] = model::criterion_condition(pa.criteria[i], pa) !=
                     model::criterion_condition(pb.criteria[static_cast<size_t>(a_to_b[i])], pb);
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
    // The witness, replayed through both versions (numbers pinned and asked
    // again when the model gives one as a rational between two doubles).
    std::vector<const Encoding*> encodings{&A};
    if (!same) encodings.push_back(&B);
    model::Evaluation eva, evb;
    Witness w = decode_and_replay(s, encodings, [&](const z3::model& mm, const std::vector<model::Case>& cs) {
      const model::Case& ca = cs[0];
      const model::Case& cb = same ? cs[0] : cs[1];
      eva = ea.evaluate(ca);
      evb = eb.evaluate(cb);
      return relations_hold(pa, ea, ca, eva) && relations_hold(pb, eb, cb, evb) &&
             model::decision_of(eva) != model::decision_of(evb) && eva.decision != Tri::Unknown &&
             evb.decision != Tri::Unknown && (eva.decision == Tri::True) == mm.eval(A.decision(), true).is_true();
    });
    if (!w.replays) replay_failed("a witness does not replay under both versions");
    z3::model m = *w.model;
    model::Case wa = w.cases[0];
    model::Case wb = same ? wa : w.cases[1];

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
