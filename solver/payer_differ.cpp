// Differences between two payers' policies, and diff_policies, which picks
// between them and the versions' diff (see policy_differ.h).
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

size_t shared_atoms(const model::Vocabulary& a, const model::Vocabulary& b) {
  size_t n = 0;
  for (size_t i = 0; i < a.atoms.size(); ++i) n += matching_atom(a, static_cast<int>(i), b) >= 0;
  return n;
}

namespace {

void require_shared_facts(const Policy& a, const Policy& b) {
  if (shared_atoms(a.vocab, b.vocab) == 0)
    model::diagnose(b.file).fail("`" + a.id + "` and `" + b.id + "` share no fact: there is nothing to compare (expected two policies over one vocabulary, or vocabularies with common fact paths)");
  // An enum both name with no value in common (another procedure's
  // techniques): no case can be stated to both.
  for (const auto& f : a.vocab.facts) {
    if (f.type != model::FactType::Enum) continue;
    int j = b.vocab.find_fact(f.path);
    if (j < 0 || b.vocab.facts[static_cast<size_t>(j)].type != model::FactType::Enum) continue;
    const auto& vb = b.vocab.facts[static_cast<size_t>(j)].values;
    bool common = false;
    for (const auto& v : f.values) common |= std::find(vb.begin(), vb.end(), v) != vb.end();
    if (!common)
      model::diagnose(b.file).fail("`" + a.id + "` and `" + b.id + "` share no case: `" + f.path +
                                   "` has no value both allow, so there is nothing to compare (expected two policies on one procedure)");
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
  const bool same = model::same_vocabulary(pa.vocab, pb.vocab);
  const Encoding& B = session.add(b, same ? "" : "new!");
  z3::solver s = session.make_solver();
  s.add(A.axioms());
  s.add(B.axioms());
  if (!same) link_vocabularies(s, A, B);
  Relaxed RA = relax(A, s, "A"), RB = relax(B, s, "B");
  model::Evaluator ea(pa), eb(pb);

  // Decodes the model into a witness for both, replayed; numbers the model
  // gives as rationals between two doubles are pinned and asked again.
  auto witness = [&](const std::function<bool(const model::Evaluation&, const model::Evaluation&)>& ok, Region& reg) {
    std::vector<const Encoding*> encodings{&A};
    if (!same) encodings.push_back(&B);
    model::Evaluation eva, evb;
    Witness w = decode_and_replay(s, encodings, [&](const z3::model&, const std::vector<model::Case>& cs) {
      const model::Case& ca = cs[0];
      const model::Case& cb = same ? cs[0] : cs[1];
      eva = ea.evaluate(ca);
      evb = eb.evaluate(cb);
      return relations_hold(pa, ea, ca, eva) && relations_hold(pb, eb, cb, evb) && ok(eva, evb);
    });
    if (!w.replays) return false;
    reg.before = model::decision_of(eva);
    reg.after = model::decision_of(evb);
    reg.witness = w.cases[0];
    if (!same) reg.witness_after = w.cases[1];
    return true;
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
        if (!witness(ok, reg)) replay_failed("a witness does not replay under both policies");
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
      if (!witness(ok, reg)) replay_failed("a witness does not replay under both policies");
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
    d.changes = model::text_changes(*before, *after);
    d.decisions = diff_decisions(std::move(before), std::move(after), limits, max_regions ? max_regions : 64);
  }
  return d;
}

}  // namespace pp::solver
