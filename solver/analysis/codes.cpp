// The code table (solver layer): requests whose codes contradict it (a code
// with none of its levels, for another technique, an add-on without its
// primary, a code for an excluded procedure), whether the policy still
// approves them, and which codes can change a decision on their own.
#include <algorithm>
#include <set>
#include <stdexcept>

#include <fmt/format.h>

#include "solver/analysis/analyses.h"
#include "solver/analysis/analysis_text.h"

namespace pp::solver::analysis {

using model::Criterion;
using model::Decision;
using model::Expr;

namespace {

// "T1..T12" for a contiguous run of the level fact's values, else a list.
std::string level_range(const std::vector<std::string>& levels, const model::Fact& lf) {
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

// Which codes can change a decision on their own: two cases equal but for
// one code, decided differently.
void code_dependence(AnalysisContext& cx, const model::Fact& code_fact) {
  const model::Policy& p = cx.policy();
  const Encoding& b = cx.session().copy("cpt!");
  const auto& v = p.vocab;
  std::vector<std::string> matter, inert;
  std::optional<std::pair<model::Case, model::Case>> example;
  int example_atom = -1;
  for (size_t k = 0; k < code_fact.atoms.size(); ++k) {
    int ca = code_fact.atoms[k];
    cx.solver().push();
    cx.solver().add(b.axioms());
    for (size_t a = 0; a < v.atoms.size(); ++a)
      if (static_cast<int>(a) != ca) cx.solver().add(cx.enc().atom(static_cast<int>(a)) == b.atom(static_cast<int>(a)));
    cx.solver().add(cx.enc().atom(ca));
    cx.solver().add(!b.atom(ca));
    cx.solver().add(cx.enc().decision() != b.decision());
    CheckResult r = check(cx.solver());
    if (r.answer == Answer::Sat) {
      matter.push_back(code_fact.values[k]);
      if (!example) {
        z3::model m = cx.solver().get_model();
        example = std::make_pair(cx.enc().decode(m), b.decode(m));
        example_atom = ca;
      }
    } else if (r.answer == Answer::Unsat) {
      inert.push_back(code_fact.values[k]);
    } else {
      cx.incomplete("whether code " + code_fact.values[k] + " can change a decision", r);
    }
    cx.solver().pop();
  }
  // Readings under which some criterion reads the codes.
  std::vector<std::string> reading_keys;
  int code_fact_index = code_fact.atoms.empty() ? -1 : v.atoms[static_cast<size_t>(code_fact.atoms[0])].fact;
  for (const auto& a : p.ambiguities)
    for (size_t r = 1; r < a.readings.size(); ++r) {
      std::string key = a.id + "/" + a.readings[r].id;
      const model::Policy& rp = cx.reading_policy(key);
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
    cx.add(std::move(f));
    return;
  }
  for (int i = 0; i < cx.n(); ++i) {
    std::vector<int> atoms;
    model::collect_atoms(cx.crit(i).expr, atoms);
    for (int a : atoms)
      if (v.atoms[static_cast<size_t>(a)].fact == v.atoms[static_cast<size_t>(example_atom)].fact) {
        f.criteria.push_back(cx.crit(i).id);
        break;
      }
  }
  auto [with, without] = *example;
  std::string atom_name = v.atoms[static_cast<size_t>(example_atom)].name;
  Claim cw, co;
  model::Evaluation ew = cx.evaluator().evaluate(with), eo = cx.evaluator().evaluate(without);
  cw.decision = model::decision_of(ew.decision);
  cw.holds = {{atom_expr(example_atom), atom_name + " is requested"}};
  co.decision = model::decision_of(eo.decision);
  co.holds = {{not_expr(atom_expr(example_atom)), atom_name + " is not requested"}};
  if (cw.decision == co.decision || cw.decision == Decision::Undetermined)
    throw std::logic_error("analyze: the code-dependence pair does not replay");
  cx.label(with, "cpt");
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
  std::string why = cx.replay(*f.witness, f.claims);
  if (why.empty()) why = cx.replay(*f.contrast, f.contrast_claims);
  if (!why.empty()) throw std::logic_error("analyze: the code-dependence pair does not replay: " + why);
  cx.add(std::move(f));
}

}  // namespace

// Requests whose codes contradict the code table: per kind of contradiction,
// the codes for which it can happen, and whether the policy still approves.
void find_code_issues(AnalysisContext& cx) {
  const model::Policy& p = cx.policy();
  const model::Fact* code_fact = nullptr;
  for (const auto& f : p.vocab.facts)
    if (f.type == model::FactType::CodeList) code_fact = &f;
  if (!code_fact) return;
  const model::Fact* lf = cx.level_fact();
  const model::Fact* tf = cx.technique_fact();
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
  for (const auto& [x, values] : cx.barred_techniques()) barred_values.insert(values.begin(), values.end());

  struct Kind {
    const char* title;   // what contradicts what
    const char* detail;  // per code, with {code} and {what}
    std::vector<std::pair<const model::Code*, Condition>> cases;
  };
  Kind levels{"a code requested with none of the levels it describes", "", {}};
  Kind techniques{"a code requested for a technique it does not describe", "", {}};
  Kind add_ons{"an add-on code requested without its primary code", "", {}};
  Kind excluded{"a code for a procedure the policy excludes", "", {}};
  for (const auto& code : p.codes) {
    int ca = code_atom(code.code);
    if (ca < 0) continue;
    std::string cpt = p.vocab.atoms[static_cast<size_t>(ca)].name;
    if (lf && !code.levels.empty() && code.levels.size() < lf->values.size())
      levels.cases.push_back({&code, {and_expr({atom_expr(ca), not_expr(or_expr(level_atoms(code.levels)))}),
                                      fmt::format("{} is requested and no requested level is in {}", code.code,
                                                  level_range(code.levels, *lf))}});
    if (tf && !code.techniques.empty() && code.techniques.size() < tf->values.size())
      techniques.cases.push_back({&code, {and_expr({atom_expr(ca), not_expr(cx.technique_in(*tf, code.techniques))}),
                                          fmt::format("{} is requested and the technique is not {}", code.code,
                                                      prose_list(code.techniques, " or "))}});
    if (code.add_on) {
      std::vector<Expr> primaries;
      std::vector<std::string> names;
      for (const auto& other : p.codes)
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
      CheckResult r1 = cx.ask({cx.enc().compile(cond.expr), cx.enc().decision()});
      if (r1.answer == Answer::Unknown) cx.incomplete("whether " + cond.text + " can be approved", r1);
      if (r1.answer == Answer::Sat) {
        approvable.push_back(code->code);
        if (!first_approvable) first_approvable = i;
        if (!first_possible) first_possible = i;
        continue;
      }
      CheckResult r2 = cx.ask({cx.enc().compile(cond.expr)});
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
    for (int i = 0; i < cx.n(); ++i) {
      std::vector<int> atoms;
      model::collect_atoms(cx.crit(i).expr, atoms);
      for (int a : atoms)
        if (p.vocab.atoms[static_cast<size_t>(a)].fact == p.vocab.atoms[static_cast<size_t>(ca)].fact) {
          f.criteria.push_back(cx.crit(i).id);
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
    cx.attach_witness(f);
    cx.add(std::move(f));
  }
  code_dependence(cx, *code_fact);
}

}  // namespace pp::solver::analysis
