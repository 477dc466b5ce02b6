// Conflicts and overlaps (solver layer): the exclusions that can apply to a
// case meeting a pathway (per exclusion category; the notable ones, whose
// wording or facts are the pathway's own; the definitions an exclusion cuts
// through), and pathways a case can meet at once.
#include <algorithm>
#include <cctype>
#include <map>
#include <set>

#include <fmt/format.h>

#include "solver/analysis/analyses.h"
#include "solver/analysis/analysis_text.h"

namespace pp::solver::analysis {

using model::Criterion;
using model::Combinator;
using model::Decision;

namespace {

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

// The words of a criterion: its text and the texts of the facts it reads.
std::set<std::string> words_of(AnalysisContext& cx, int i) {
  const model::Policy& p = cx.policy();
  const Criterion& c = cx.crit(i);
  std::string text = c.text;
  if (c.combinator == Combinator::Leaf) {
    std::vector<int> atoms;
    model::collect_atoms(c.expr, atoms);
    for (int a : atoms) {
      const auto& at = p.vocab.atoms[static_cast<size_t>(a)];
      const auto& f = p.vocab.facts[static_cast<size_t>(at.fact)];
      if (f.type == model::FactType::Group && at.member >= 0) text += " " + f.members[static_cast<size_t>(at.member)].text;
    }
  }
  return content_words(text);
}

// Bool atoms (group members) whose wording contains `word`, read by leaf `i`.
std::vector<int> atoms_with_word(AnalysisContext& cx, int i, const std::string& word) {
  const model::Policy& p = cx.policy();
  std::vector<int> atoms, out;
  model::collect_atoms(cx.crit(i).expr, atoms);
  for (int a : atoms) {
    const auto& at = p.vocab.atoms[static_cast<size_t>(a)];
    const auto& f = p.vocab.facts[static_cast<size_t>(at.fact)];
    if (f.type == model::FactType::Group && at.member >= 0 &&
        content_words(f.members[static_cast<size_t>(at.member)].text).count(word))
      out.push_back(a);
  }
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

std::vector<z3::expr> only_exclusion(AnalysisContext& cx, int x) {
  const model::Policy& p = cx.policy();
  std::vector<z3::expr> out;
  for (int y : p.exclusions)
    if (y != x) out.push_back(!cx.enc().criterion(y));
  return out;
}

// Slots (facts) a criterion's own condition reads.
std::set<int> slots_read(AnalysisContext& cx, int i) {
  const model::Policy& p = cx.policy();
  std::vector<int> atoms;
  model::collect_atoms(cx.crit(i).expr, atoms);
  std::set<int> out;
  for (int a : atoms) out.insert(p.vocab.atoms[static_cast<size_t>(a)].slot);
  return out;
}

std::string slot_path(AnalysisContext& cx, int s) { return cx.policy().vocab.slots[static_cast<size_t>(s)].path; }

// A definition names techniques; an exclusion that applies to every request
// of some of them (but not all) bars part of what the definition covers.
void definition_conflicts(AnalysisContext& cx) {
  const model::Policy& p = cx.policy();
  const model::Fact* tf = cx.technique_fact();
  if (!tf || p.definitions.empty()) return;
  const auto& barred = cx.barred_techniques();
  for (const auto& [x, values] : barred) {
    // The most specific definitions that cover some barred value and some other.
    struct Hit {
      const model::Definition* d;
      std::vector<std::string> inside;
    };
    std::vector<Hit> hits;
    for (const auto& d : p.definitions) {
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
      f.criteria = {cx.crit(x).id};
      std::vector<std::string> rest;
      for (const auto& t : h.d->techniques)
        if (std::find(h.inside.begin(), h.inside.end(), t) == h.inside.end()) rest.push_back(t);
      f.message = fmt::format(
          "the definition of {} (\"{}\") covers {}, but {} bars {}: a request for {} is not medically necessary "
          "when it is done by {}, whatever pathway it meets, while {} {} possible",
          h.d->term, h.d->text, prose_list(h.d->techniques), cx.name(x), prose_list(h.inside), h.d->term,
          prose_list(h.inside, " or "), prose_list(rest), rest.size() == 1 ? "stays" : "stay");
      if (!others.empty()) f.message += fmt::format(" (also inside the definitions of {})", prose_list(others));
      // Witness: the case would be approved but for this technique.
      Claim cl;
      cl.decision = Decision::NotMedicallyNecessary;
      cl.criteria = {{cx.crit(x).id, true}};
      cl.holds = {{cx.technique_in(*tf, {h.inside[0]}), tf->path + " == " + h.inside[0]}};
      std::vector<z3::expr> extra = only_exclusion(cx, x);
      extra.push_back(cx.enc().any_pathway());
      f.claims = {cl};
      if (!cx.attach_witness(f, extra)) f.claims.clear();
      cx.add(std::move(f));
    }
  }
}

}  // namespace

void find_conflicts(AnalysisContext& cx) {
  const model::Policy& p = cx.policy();
  // Which exclusions can apply to a case meeting each pathway.
  std::map<std::pair<int, int>, bool> co, never;  // proved to co-occur / proved not to
  for (int pth : p.pathways)
    for (int x : p.exclusions) {
      CheckResult r = cx.ask({cx.enc().criterion(pth), cx.enc().criterion(x)});
      if (r.answer == Answer::Unknown) cx.incomplete("whether " + cx.crit(pth).id + " and " + cx.crit(x).id + " can co-occur", r);
      co[{pth, x}] = r.answer == Answer::Sat;
      never[{pth, x}] = r.answer == Answer::Unsat;
    }

  // Per pathway and exclusion category: info.
  std::vector<std::string> cats;
  for (const auto& c : p.categories) cats.push_back(c.id);
  for (int x : p.exclusions)
    if (std::find(cats.begin(), cats.end(), cx.crit(x).category) == cats.end()) cats.push_back(cx.crit(x).category);
  for (int pth : p.pathways)
    for (const auto& cat : cats) {
      std::vector<int> yes, no;
      for (int x : p.exclusions)
        if (cx.crit(x).category == cat) {
          if (co[{pth, x}]) yes.push_back(x);
          if (never[{pth, x}]) no.push_back(x);
        }
      if (yes.empty()) continue;
      std::string title = cat;
      for (const auto& c : p.categories)
        if (c.id == cat) title = c.title;
      Finding f;
      f.kind = "conflict";
      f.severity = Severity::Info;
      f.subject = "category: " + cat;
      f.criteria = {cx.crit(pth).id};
      std::vector<std::string> yes_ids, no_ids;
      for (int x : yes) yes_ids.push_back(cx.crit(x).id);
      for (int x : no) no_ids.push_back(cx.crit(x).id);
      for (const auto& id : yes_ids) f.criteria.push_back(id);
      size_t in_category = 0;
      for (int x : p.exclusions) in_category += cx.crit(x).category == cat;
      f.message = fmt::format("{} can be met while an exclusion of `{}` applies ({} of {} can: {}); the exclusion denies the case",
                              cx.name(pth), title, yes.size(), in_category, prose_list(yes_ids));
      if (!no.empty())
        f.message += fmt::format("; {} cannot apply to a case meeting {} (its own criteria rule {} out)", prose_list(no_ids),
                                 cx.crit(pth).id, no.size() == 1 ? "it" : "them");
      Claim cl;
      cl.criteria = {{cx.crit(pth).id, true}, {cx.crit(yes[0]).id, true}};
      cl.decision = Decision::NotMedicallyNecessary;
      f.claims = {cl};
      cx.attach_witness(f, only_exclusion(cx, yes[0]));
      cx.add(std::move(f));
    }

  // Notable conflicts: the exclusion's wording or facts are those of the pathway's own criteria.
  std::vector<std::set<std::string>> words(static_cast<size_t>(cx.n()));
  std::map<std::string, int> df;
  for (int i = 0; i < cx.n(); ++i) {
    words[static_cast<size_t>(i)] = words_of(cx, i);
    for (const auto& w : words[static_cast<size_t>(i)]) df[w]++;
  }
  for (int pth : p.pathways) {
    std::vector<int> sub = cx.graph().subtree(pth);
    std::set<int> pathway_slots;
    for (int k : sub)
      for (int s : slots_read(cx, k)) pathway_slots.insert(s);
    for (int x : p.exclusions) {
      if (!co[{pth, x}]) continue;
      // (a) wording: a word rare in the policy shared by the exclusion and a pathway criterion.
      struct Match {
        int criterion;
        std::string word;
        std::vector<int> atoms;
      };
      std::vector<Match> matches;
      for (int k : sub) {
        if (cx.crit(k).combinator != Combinator::Leaf) continue;
        for (const auto& w : words[static_cast<size_t>(x)])
          if (df[w] <= 2 && words[static_cast<size_t>(k)].count(w)) matches.push_back({k, w, atoms_with_word(cx, k, w)});
      }
      // (b) facts: every fact the exclusion reads is read by the pathway too.
      std::set<int> xs = slots_read(cx, x);
      bool fact_related = !xs.empty() && std::includes(pathway_slots.begin(), pathway_slots.end(), xs.begin(), xs.end());
      if (matches.empty() && !fact_related) continue;

      Finding f;
      f.kind = "conflict";
      f.severity = Severity::Warning;
      f.criteria = {cx.crit(pth).id, cx.crit(x).id};
      Claim cl;
      cl.criteria = {{cx.crit(pth).id, true}, {cx.crit(x).id, true}};
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
          ks.insert(cx.crit(mm.criterion).id);
        }
        for (const auto& k : ks) f.criteria.push_back(k);
        cl.criteria.emplace_back(cx.crit(m.criterion).id, true);
        if (!m.atoms.empty()) cl.holds.push_back({atom_expr(m.atoms[0]), p.vocab.atoms[static_cast<size_t>(m.atoms[0])].name});
        reason = fmt::format("the wording of {} shares {} with {} ({})", cx.crit(x).id, prose_list({ws.begin(), ws.end()}),
                             prose_list({ks.begin(), ks.end()}), cx.crit(pth).id);
        if (!m.atoms.empty())
          reason += fmt::format("; e.g. `{}` (\"{}\") together with \"{}\"", p.vocab.atoms[static_cast<size_t>(m.atoms[0])].name,
                                p.vocab.facts[static_cast<size_t>(p.vocab.atoms[static_cast<size_t>(m.atoms[0])].fact)]
                                    .members[static_cast<size_t>(p.vocab.atoms[static_cast<size_t>(m.atoms[0])].member)].text,
                                cx.crit(x).text);
      } else {
        std::vector<std::string> paths;
        for (int s : xs) paths.push_back("`" + slot_path(cx, s) + "`");
        // Show it through the pathway criterion that reads the same fact.
        for (int k : sub)
          if (cx.crit(k).combinator == Combinator::Leaf) {
            std::set<int> ks = slots_read(cx, k);
            bool shares = false;
            for (int s : xs) shares |= ks.count(s) > 0;
            if (!shares) continue;
            Claim probe = cl;
            probe.criteria.emplace_back(cx.crit(k).id, true);
            if (cx.solve({probe}, {})) {
              cl = probe;
              f.criteria.push_back(cx.crit(k).id);
              break;
            }
          }
        reason = fmt::format("{} reads only {}, which {} reads as well: the two constrain the same fact and overlap",
                             cx.crit(x).id, prose_list(paths), cx.crit(pth).id);
      }
      f.claims = {cl};
      f.message = fmt::format("{} can be met while {} applies, and the two look related: {}. Such a case is denied; "
                              "check that the policy means to deny it",
                              cx.name(pth), cx.name(x), reason);
      cx.attach_witness(f, only_exclusion(cx, x));
      cx.add(std::move(f));
    }
  }

  definition_conflicts(cx);
}

// Two pathways a case can meet at once: either approves it, or an exclusion
// denies every such case. Disjoint pathways are not reported.
void find_overlaps(AnalysisContext& cx) {
  const model::Policy& p = cx.policy();
  for (size_t a = 0; a < p.pathways.size(); ++a)
    for (size_t b = a + 1; b < p.pathways.size(); ++b) {
      int pa = p.pathways[a], pb = p.pathways[b];
      Finding f;
      f.kind = "overlap";
      f.severity = Severity::Info;
      f.criteria = {cx.crit(pa).id, cx.crit(pb).id};
      Claim cl;
      cl.criteria = {{cx.crit(pa).id, true}, {cx.crit(pb).id, true}};
      cl.decision = Decision::MedicallyNecessary;
      f.claims = {cl};
      if (cx.attach_witness(f)) {
        f.message = fmt::format("a case can meet both {} and {}: either pathway approves it", cx.name(pa), cx.name(pb));
      } else {
        cl.decision = Decision::NotMedicallyNecessary;
        f.claims = {cl};
        if (!cx.attach_witness(f)) continue;  // disjoint pathways: nothing to report
        f.message = fmt::format("a case can meet both {} and {}, but every such case is excluded", cx.name(pa), cx.name(pb));
      }
      cx.add(std::move(f));
    }
}

}  // namespace pp::solver::analysis
