// Gaps (solver layer): what no criterion addresses. A case stating no finding
// in any list; a list some pathways require and others do not; facts and
// values no criterion reads or names.
#include <functional>
#include <map>

#include <fmt/format.h>

#include "solver/analysis/analyses.h"
#include "solver/analysis/analysis_text.h"

namespace pp::solver::analysis {

using model::Criterion;
using model::Decision;
using model::Expr;
using model::Op;

namespace {

Condition none_of_criteria(const std::vector<int>& ids, const std::string& text) {
  std::vector<Expr> kids;
  for (int i : ids) kids.push_back(ref_expr(i));
  return {not_expr(or_expr(kids)), text};
}

}  // namespace

void find_gaps(AnalysisContext& cx) {
  const model::Policy& p = cx.policy();
  const auto& v = p.vocab;
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
    cl.holds = {none, none_of_criteria(p.pathways, "no pathway is met"),
                none_of_criteria(p.exclusions, "no exclusion applies")};
    f.claims = {cl};
    std::vector<std::string> can;
    for (int pth : p.pathways) {
      Claim c2;
      c2.holds = {none};
      c2.criteria = {{cx.crit(pth).id, true}};
      c2.decision = Decision::MedicallyNecessary;
      if (cx.solve({c2}, {})) can.push_back(cx.crit(pth).id);
    }
    if (cx.attach_witness(f)) {
      f.message = fmt::format(
          "a case stating no finding in any list ({}: every member false) meets no pathway{}, and no exclusion applies to it: "
          "no criterion addresses it, and it is denied only by the default rule{}",
          prose_list(groups), can.empty() ? "" : " unless " + prose_list(can, " or ") + ", which asks for none of them",
          p.default_denial_section.empty() ? "" : " (" + p.default_denial_section + ")");
      cx.add(std::move(f));
    }
  }
  // (2) A list some pathways require and others do not.
  for (const auto& fact : v.facts) {
    if (fact.type != model::FactType::Group) continue;
    std::vector<Expr> kids;
    for (int a : fact.atoms) kids.push_back(not_expr(atom_expr(a)));
    Condition none{and_expr(kids), "no member of `" + fact.path + "` is true"};
    std::vector<std::string> require, approve_without;
    for (int pth : p.pathways) {
      CheckResult r = cx.ask({cx.enc().criterion(pth), cx.enc().compile(none.expr)});
      if (r.answer == Answer::Unsat) require.push_back(cx.crit(pth).id);
      else if (r.answer == Answer::Sat) approve_without.push_back(cx.crit(pth).id);
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
    if (!cx.attach_witness(f)) continue;
    f.message = fmt::format("{} {} an `{}` member, but {} {} a case with none: nothing in {} asks for one", prose_list(require),
                            require.size() == 1 ? "requires" : "require", fact.path, prose_list(approve_without),
                            approve_without.size() == 1 ? "approves" : "approve", prose_list(approve_without));
    cx.add(std::move(f));
  }
  // (3) Facts and values no criterion reads or names.
  std::vector<char> read(v.atoms.size(), 0);
  std::map<int, std::uint64_t> named;  // enum atom -> values named
  std::function<void(const Expr&)> walk = [&](const Expr& e) {
    if (e.atom >= 0) read[static_cast<size_t>(e.atom)] = 1;
    if (e.op == Op::EnumIn) named[e.atom] |= e.mask;
    for (const auto& k : e.kids) walk(k);
  };
  for (const auto& c : p.criteria) walk(c.expr);
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
      cx.add(std::move(f));
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
        cx.add(std::move(f));
      }
    }
  }
}

}  // namespace pp::solver::analysis
