// Vacuous and redundant criteria (solver layer). The policy with a criterion
// replaced by true (removed from an All group) and by false (removed from an
// Any group), over the same case variables (AnalysisContext::ask_pivot, built
// once for every criterion): where the two decide alike, the criterion is
// vacuous; where one of them decides as the policy wherever the criterion
// matters, it is redundant in its group, and a minimal set of context
// literals says why. Cases the solver returns on the way answer later
// queries they settle (PivotEvidence), so the work stays near-linear in the
// number of criteria for chains, and one query per criterion for groups.
#include <algorithm>

#include <fmt/format.h>

#include "solver/analysis/analyses.h"
#include "solver/analysis/analysis_text.h"
#include "solver/core_minimizer.h"

namespace pp::solver::analysis {

using model::Criterion;
using model::CriterionKind;
using model::Tri;

namespace {

// Why criterion `x` with value `x_value` cannot occur where it could change a
// decision: a minimal set of context literals (CriteriaGraph::context) that,
// with the axioms, exclude it. Empty when the context alone does not explain it.
std::vector<std::pair<int, bool>> why_irrelevant(AnalysisContext& cx, int x, bool x_value) {
  std::optional<CriteriaGraph::Context> ctx_lits = cx.graph().context(x);
  if (!ctx_lits) return {};
  std::vector<std::pair<int, bool>> lits;
  for (const auto& [k, v] : *ctx_lits)
    if (k != x && !cx.graph().depends_on(k, x)) lits.emplace_back(k, v);
  if (lits.empty()) return {};
  // A wide group gives each of its children a context of every sibling, and
  // a check costs Z3 time in proportion to all that its solver holds: asked
  // of the shared solver, n children cost n^2. So a wide context is first
  // tried in part, on a small solver of its own: the literals of the
  // criteria nearest x in the policy (related criteria sit together), four
  // times more each round. A minimal core of a part is a minimal core of the
  // whole (each of its literals is needed even with the rest removed).
  // Only when no part explains it is the whole context asked.
  constexpr size_t kPart = 24;
  if (lits.size() > kPart) {
    // `lits` is in index order: the nearest are found walking out from x.
    std::vector<size_t> near;
    near.reserve(lits.size());
    size_t hi = static_cast<size_t>(
        std::lower_bound(lits.begin(), lits.end(), std::pair<int, bool>(x, false)) - lits.begin());
    size_t lo = hi;
    while (lo > 0 || hi < lits.size()) {
      if (hi == lits.size() || (lo > 0 && x - lits[lo - 1].first <= lits[hi].first - x)) near.push_back(--lo);
      else near.push_back(hi++);
    }
    for (size_t part = kPart; part < lits.size(); part *= 4) {
      std::vector<size_t> pick(near.begin(), near.begin() + static_cast<long>(part));
      std::sort(pick.begin(), pick.end());  // in index order, as the whole context is
      z3::solver& t = cx.scratch_solver();
      t.push();
      t.add(x_value ? cx.enc().criterion(x) : !cx.enc().criterion(x));
      std::vector<z3::expr> part_trackers;
      for (size_t j = 0; j < pick.size(); ++j) {
        const auto& [k, v] = lits[pick[j]];
        z3::expr lit = k == kAnyPathway ? cx.enc().any_pathway() : cx.enc().criterion(k);
        part_trackers.push_back(cx.ctx().bool_const(fmt::format("!part.{}", j).c_str()));
        t.add(z3::implies(part_trackers.back(), v ? lit : !lit));
      }
      std::optional<std::vector<size_t>> core = minimal_core(t, part_trackers, CoreOrder::ByIndex);
      t.pop();
      if (core) {
        std::vector<std::pair<int, bool>> out;
        for (size_t j : *core) out.push_back(lits[pick[j]]);
        return out;
      }
    }
  }
  // One tracker per literal, asserted once for the whole analysis.
  std::vector<z3::expr> trackers;
  for (const auto& [k, v] : lits) trackers.push_back(cx.literal_tracker(k, v));
  z3::solver& s = cx.literal_solver();
  s.push();
  s.add(x_value ? cx.enc().criterion(x) : !cx.enc().criterion(x));
  std::vector<std::pair<int, bool>> out;
  if (auto core = minimal_core(s, trackers, CoreOrder::ByIndex))
    for (size_t i : *core) out.push_back(lits[i]);
  s.pop();
  return out;
}

// What cases found along the way show about the pivot queries below: where a
// case is a counterexample to "criterion i never changes the decision" (with
// i true or with i false), the solver need not be asked. One pass over the
// criteria per case (from the decision down): a criterion used in exactly one
// place (one group, one referencing condition, or one role in the decision)
// changes the decision there iff it changes its one user and its user changes
// the decision; for a criterion used in several places nothing is concluded
// and the solver is asked. Without this, a chain of n criteria asks n queries
// of size n; with it, one case answers them all.
class PivotEvidence {
 public:
  explicit PivotEvidence(AnalysisContext& cx) : cx_(cx), use_(static_cast<size_t>(cx.n())), seen_(static_cast<size_t>(cx.n()), 0) {
    const model::Policy& p = cx.policy();
    std::vector<int> roles(static_cast<size_t>(cx.n()), 0);
    for (int q : p.pathways) roles[static_cast<size_t>(q)]++, use_[static_cast<size_t>(q)] = {kPathwayRole, {}};
    for (int x : p.exclusions) roles[static_cast<size_t>(x)]++, use_[static_cast<size_t>(x)] = {kExclusionRole, {}};
    if (p.scope >= 0) roles[static_cast<size_t>(p.scope)]++, use_[static_cast<size_t>(p.scope)] = {kScopeRole, {}};
    for (int k = 0; k < cx.n(); ++k) {
      const auto& uses = cx.graph().uses(k);
      size_t n_uses = uses.size() + static_cast<size_t>(roles[static_cast<size_t>(k)]);
      if (n_uses != 1) use_[static_cast<size_t>(k)].parent = kUnknown;
      else if (!uses.empty()) use_[static_cast<size_t>(k)] = {uses[0].parent, uses[0].kind};
    }
    single_path_.assign(static_cast<size_t>(cx.n()), 0);
    for (size_t k = static_cast<size_t>(cx.n()); k-- > 0;) {  // users come after what they use
      int up = use_[k].parent;
      single_path_[k] = up == kPathwayRole || up == kExclusionRole || (up >= 0 && single_path_[static_cast<size_t>(up)]);
    }
  }

  // Whether criterion i reaches the decision along one path only: it and
  // every criterion above it are used in exactly one place. Then it changes
  // the decision only where every group on the path lets it through (its
  // siblings all met under an all, all unmet under an any) and its pathway
  // or exclusion decides: where its context literals (CriteriaGraph::context)
  // all hold.
  bool single_path(int i) const { return single_path_[static_cast<size_t>(i)]; }

  // Whether some case noted showed criterion i changing the decision while i is `v`.
  bool seen(int i, bool v) const { return seen_[static_cast<size_t>(i)] & (v ? 2 : 1); }

  // Notes a case (decoded from a model of the axioms). Ignored unless every
  // axiom holds on it exactly as decoded and every criterion has a value.
  void note(const model::Case& c) {
    const model::Policy& p = cx_.policy();
    if (!cx_.enc().fix_known(cx_.enc().axioms(), c).is_true()) return;
    model::Evaluation e = cx_.evaluator().evaluate(c);
    const size_t n = static_cast<size_t>(cx_.n());
    for (size_t k = 0; k < n; ++k)
      if (e.criteria[k] == Tri::Unknown) return;
    auto is_true = [&](int k) { return e.criteria[static_cast<size_t>(k)] == Tri::True; };
    int pathways_met = 0, exclusions_met = 0;
    for (int q : p.pathways) pathways_met += is_true(q);
    for (int x : p.exclusions) exclusions_met += is_true(x);
    bool in_scope = p.scope < 0 || is_true(p.scope);
    model::Evaluation flipped = e;
    // changes[k]: flipping criterion k alone (its users re-evaluated) flips
    // the decision. Users come after what they use (topological order).
    std::vector<signed char> changes(n, kNo);
    std::vector<int> unmet_children(n, 0), met_children(n, 0);
    for (size_t k = 0; k < n; ++k)
      for (int ch : p.criteria[k].children) (is_true(ch) ? met_children : unmet_children)[k]++;
    for (size_t k = n; k-- > 0;) {
      const Use& u = use_[k];
      bool t = e.criteria[k] == Tri::True;
      signed char& out = changes[k];
      if (u.parent == kUnknown) out = kUnknown;
      else if (u.parent == kPathwayRole) out = pathways_met - t == 0 && in_scope && exclusions_met == 0 ? kYes : kNo;
      else if (u.parent == kExclusionRole) out = exclusions_met - t == 0 && in_scope && pathways_met > 0 ? kYes : kNo;
      else if (u.parent == kScopeRole) out = pathways_met > 0 && exclusions_met == 0 ? kYes : kNo;
      else {
        const size_t up = static_cast<size_t>(u.parent);
        if (changes[up] != kYes) {
          out = changes[up];
        } else if (u.kind == CriteriaGraph::UseKind::AllChild && group_is_plain(up)) {
          out = unmet_children[up] - !t == 0 ? kYes : kNo;
        } else if (u.kind == CriteriaGraph::UseKind::AnyChild && group_is_plain(up)) {
          out = met_children[up] - t == 0 ? kYes : kNo;
        } else {  // re-evaluate the user with this criterion flipped
          flipped.criteria[k] = t ? Tri::False : Tri::True;
          Tri now = cx_.evaluator().eval(p.criteria[up].expr, c, flipped);
          flipped.criteria[k] = e.criteria[k];
          out = now != e.criteria[up] ? kYes : kNo;
        }
      }
      if (out == kYes) seen_[k] |= t ? 2 : 1;
    }
  }

 private:
  static constexpr int kUnknown = -1, kPathwayRole = -2, kExclusionRole = -3, kScopeRole = -4;
  static constexpr signed char kNo = 0, kYes = 1;
  struct Use {
    int parent = kUnknown;  // a criterion, or one of the roles above
    CriteriaGraph::UseKind kind = CriteriaGraph::UseKind::Reference;
  };
  // An all/any group whose condition is the and/or of its children, once each.
  bool group_is_plain(size_t g) const {
    const model::Criterion& c = cx_.crit(static_cast<int>(g));
    return (c.expr.op == model::Op::And || c.expr.op == model::Op::Or) && c.expr.kids.size() == c.children.size();
  }

  AnalysisContext& cx_;
  std::vector<Use> use_;
  std::vector<char> single_path_;
  std::vector<char> seen_;  // bit 1: seen changing the decision while false; bit 2: while true
};

}  // namespace

void find_redundant_criteria(AnalysisContext& cx, const CriterionFlags& flags) {
  PivotEvidence evidence(cx);
  for (int i = 0; i < cx.n(); ++i) {
    if (flags.dead[static_cast<size_t>(i)] || flags.constant[static_cast<size_t>(i)]) continue;
    const model::Criterion& c = cx.crit(i);
    std::vector<int> all_parents, any_parents;
    bool referenced = false;
    for (const CriteriaGraph::Use& u : cx.graph().uses(i)) {
      if (u.kind == CriteriaGraph::UseKind::AllChild) all_parents.push_back(u.parent);
      else if (u.kind == CriteriaGraph::UseKind::AnyChild) any_parents.push_back(u.parent);
      else referenced = true;
    }
    // Pathways and exclusions (Any lists), and the scope, read by the decision itself.
    bool in_list = c.kind != CriterionKind::Condition || i == cx.policy().scope;
    if (!in_list && cx.graph().uses(i).empty()) {
      Finding f;
      f.kind = "vacuous";
      f.severity = Severity::Warning;
      f.criteria = {c.id};
      f.message = fmt::format("{} is used by no pathway, exclusion or other criterion: it never changes a decision", cx.name(i));
      cx.add(std::move(f));
      continue;
    }
    // Whether the policy with the criterion replaced by true and the one with
    // it replaced by false decide some case differently (the pivot), asked
    // only when no case seen so far shows it.
    std::optional<model::Case> seen_case;
    auto ask = [&](const std::vector<z3::expr>& extra) {
      CheckResult q = cx.ask_pivot(i, extra, &seen_case);
      if (seen_case) evidence.note(*seen_case);
      seen_case.reset();
      return q;
    };
    CheckResult sat;
    sat.answer = Answer::Sat;
    CheckResult r = evidence.seen(i, true) || evidence.seen(i, false) ? sat : ask({});
    if (r.answer == Answer::Unknown) {
      cx.incomplete("whether " + c.id + " can change a decision", r, {c.id});
      continue;
    }
    bool vacuous = r.answer == Answer::Unsat;
    bool true_where_it_matters = vacuous, false_where_it_matters = vacuous;
    // Why the criterion cannot be `v` where it matters (why_irrelevant), once.
    std::optional<std::vector<std::pair<int, bool>>> lits_against[2];
    auto why_not = [&](bool v) -> const std::vector<std::pair<int, bool>>& {
      if (!lits_against[v]) lits_against[v] = why_irrelevant(cx, i, v);
      return *lits_against[v];
    };
    // Whether the criterion is always `!v` where it matters. On a single path
    // to the decision, the context literals hold wherever the criterion
    // matters, so literals that rule out `v` prove it; else the solver is asked.
    CheckResult unsat;
    unsat.answer = Answer::Unsat;
    auto never = [&](bool v) {
      if (evidence.seen(i, v)) return sat;
      if (evidence.single_path(i) && !why_not(v).empty()) return unsat;
      return ask({v ? cx.enc().criterion(i) : !cx.enc().criterion(i)});
    };
    if (!vacuous && !all_parents.empty()) {
      CheckResult q = never(false);
      if (q.answer == Answer::Unknown) cx.incomplete("whether " + c.id + " can be removed from its group", q, {c.id});
      true_where_it_matters = q.answer == Answer::Unsat;
    }
    if (!vacuous && (!any_parents.empty() || in_list)) {
      CheckResult q = never(true);
      if (q.answer == Answer::Unknown) cx.incomplete("whether " + c.id + " can be removed from its group", q, {c.id});
      false_where_it_matters = q.answer == Answer::Unsat;
    }
    if (!vacuous && !true_where_it_matters && !false_where_it_matters) continue;

    Finding f;
    f.criteria = {c.id};
    std::string why;
    // Removable from an All group: true wherever it matters.
    if (true_where_it_matters && !all_parents.empty()) {
      auto lits = why_not(false);
      std::vector<std::string> groups;
      for (int g : all_parents) groups.push_back(cx.crit(g).id);
      f.kind = "redundant";
      why = fmt::format("removing it from {} (all of) changes no decision", prose_list(groups));
      if (!lits.empty()) {
        std::vector<std::string> names;
        for (const auto& [k, v] : lits) {
          names.push_back(cx.graph().literal_text(k, v));
          if (k >= 0) f.criteria.push_back(cx.crit(k).id);
        }
        why += fmt::format(": wherever it could change a decision, {} {}, and under the domain relations {} it",
                           prose_list(names), lits.size() == 1 ? "holds" : "hold",
                           lits.size() == 1 ? "that implies" : "these imply");
      } else {
        why += " (proved over every case)";
      }
    } else if (false_where_it_matters && (!any_parents.empty() || in_list)) {
      auto lits = why_not(true);
      std::vector<std::string> groups;
      for (int g : any_parents) groups.push_back(cx.crit(g).id + " (any of)");
      if (c.kind == CriterionKind::Pathway) groups.push_back("the pathways");
      if (c.kind == CriterionKind::Exclusion) groups.push_back("the exclusions");
      f.kind = "redundant";
      why = fmt::format("removing it from {} changes no decision", prose_list(groups));
      if (!lits.empty()) {
        bool all_negative = true;
        std::vector<std::string> positives, names;
        for (const auto& [k, v] : lits) {
          names.push_back(cx.graph().literal_text(k, v));
          if (k >= 0) f.criteria.push_back(cx.crit(k).id);
          if (v || k == kAnyPathway) all_negative = false;
          else positives.push_back(cx.crit(k).id);
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
    f.message = cx.name(i) + ": " + why;
    std::sort(f.criteria.begin() + 1, f.criteria.end());
    cx.add(std::move(f));
  }
}

}  // namespace pp::solver::analysis
