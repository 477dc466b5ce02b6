#include "model/reason_builder.h"

#include <algorithm>
#include <cstdio>
#include <functional>
#include <set>

#include "model/json_text.h"

namespace pp::model {

const char* to_string(WhyRole r) {
  switch (r) {
    case WhyRole::Exclusion: return "exclusion";
    case WhyRole::ClosestPathway: return "closest_pathway";
    case WhyRole::Unmet: return "unmet";
    case WhyRole::OtherPathway: return "other_pathway";
    case WhyRole::ApprovedBy: return "approved_by";
    case WhyRole::Branch: return "branch";
    case WhyRole::Waiver: return "waiver";
  }
  return "?";
}

namespace {

std::string number_text(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%g", v);
  return buf;
}

bool ends_with_colon(const std::string& s) { return !s.empty() && s.back() == ':'; }

// The first criterion that combines `i`, or -1.
std::vector<int> parents_of(const Policy& p) {
  std::vector<int> parent(p.criteria.size(), -1);
  for (size_t i = 0; i < p.criteria.size(); ++i)
    for (int ch : p.criteria[i].children)
      if (parent[static_cast<size_t>(ch)] < 0) parent[static_cast<size_t>(ch)] = static_cast<int>(i);
  return parent;
}

// Kleene value of `e` (Evaluator::eval without an Evaluator).
Tri kleene(const Expr& e, const Case& c, const Evaluation& ev) {
  switch (e.op) {
    case Op::True: return Tri::True;
    case Op::False: return Tri::False;
    case Op::Atom: return !c.known[e.atom] ? Tri::Unknown : c.value[e.atom] != 0 ? Tri::True : Tri::False;
    case Op::NumCmp:
      return !c.known[e.atom] ? Tri::Unknown : compare(c.value[e.atom], e.cmp, e.number) ? Tri::True : Tri::False;
    case Op::EnumIn:
      return !c.known[e.atom] ? Tri::Unknown
             : (e.mask >> static_cast<int>(c.value[e.atom])) & 1 ? Tri::True : Tri::False;
    case Op::Count: {
      int lo = 0, unk = 0;
      for (const auto& k : e.kids) {
        Tri t = kleene(k, c, ev);
        lo += t == Tri::True;
        unk += t == Tri::Unknown;
      }
      bool any_t = false, any_f = false;
      for (int n = lo; n <= lo + unk; ++n) (compare(n, e.cmp, e.number) ? any_t : any_f) = true;
      return any_t && any_f ? Tri::Unknown : any_t ? Tri::True : Tri::False;
    }
    case Op::Not: {
      Tri t = kleene(e.kids[0], c, ev);
      return t == Tri::Unknown ? t : t == Tri::True ? Tri::False : Tri::True;
    }
    case Op::And: case Op::Or: {
      bool is_and = e.op == Op::And;
      Tri r = is_and ? Tri::True : Tri::False;
      for (const auto& k : e.kids) {
        Tri t = kleene(k, c, ev);
        if (t == (is_and ? Tri::False : Tri::True)) return t;
        if (t == Tri::Unknown) r = Tri::Unknown;
      }
      return r;
    }
    case Op::Ref: return ev.criteria[static_cast<size_t>(e.ref)];
    case Op::Decision: return ev.decision;
  }
  return Tri::Unknown;
}

// The one slot every atom of `e` belongs to, or -1 (several, none, or a reference).
int single_slot(const Policy& p, const Expr& e) {
  int slot = -1;
  bool ok = true;
  std::function<void(const Expr&)> walk = [&](const Expr& x) {
    if (!ok) return;
    if (x.op == Op::Ref || x.op == Op::Decision) { ok = false; return; }
    if (x.atom >= 0) {
      int s = p.vocab.atoms[static_cast<size_t>(x.atom)].slot;
      if (slot >= 0 && s != slot) { ok = false; return; }
      slot = s;
    }
    for (const auto& k : x.kids) walk(k);
  };
  walk(e);
  return ok ? slot : -1;
}

const char* cmp_words(Cmp c) {
  switch (c) {
    case Cmp::Lt: return "less than";
    case Cmp::Le: return "at most";
    case Cmp::Gt: return "more than";
    case Cmp::Ge: return "at least";
    case Cmp::Eq: return "exactly";
    case Cmp::Ne: return "not";
  }
  return "?";
}

Cmp negate(Cmp c) {
  switch (c) {
    case Cmp::Lt: return Cmp::Ge;
    case Cmp::Le: return Cmp::Gt;
    case Cmp::Gt: return Cmp::Le;
    case Cmp::Ge: return Cmp::Lt;
    case Cmp::Eq: return Cmp::Ne;
    case Cmp::Ne: return Cmp::Eq;
  }
  return c;
}

// Member names of `fact` at the given indices, consecutive runs of an
// ordered list written as ranges (T5-L5).
std::string values_text(const Fact& f, std::vector<int> idx) {
  std::sort(idx.begin(), idx.end());
  std::string out;
  for (size_t k = 0; k < idx.size();) {
    size_t j = k;
    while (j + 1 < idx.size() && idx[j + 1] == idx[j] + 1) ++j;
    auto name = [&](int i) {
      if (!f.values.empty()) return f.values[static_cast<size_t>(i)];
      return f.members[static_cast<size_t>(i)].name;
    };
    if (!out.empty()) out += ", ";
    out += name(idx[k]);
    if (j > k + 1) out += "-" + name(idx[j]);
    else if (j == k + 1) out += ", " + name(idx[j]);
    k = j + 1;
  }
  return out.empty() ? "none" : out;
}

std::string plural(const std::string& item, double n) { return n == 1 ? item : item + "s"; }

// What `e` (reading one slot) asks, in words; `neg` when it must be false.
std::string render(const Policy& p, const Expr& e, bool neg) {
  const auto atom_fact = [&](int a) -> const Fact& {
    return p.vocab.facts[static_cast<size_t>(p.vocab.atoms[static_cast<size_t>(a)].fact)];
  };
  switch (e.op) {
    case Op::True: return neg ? "never" : "always";
    case Op::False: return neg ? "always" : "never";
    case Op::Atom: {
      const Atom& at = p.vocab.atoms[static_cast<size_t>(e.atom)];
      const Fact& f = atom_fact(e.atom);
      if (at.member >= 0 && (f.type == FactType::EnumSet || f.type == FactType::CodeList))
        return (neg ? "not " : "") + f.values[static_cast<size_t>(at.member)];
      return neg ? "false" : "true";
    }
    case Op::NumCmp: return std::string(cmp_words(neg ? negate(e.cmp) : e.cmp)) + " " + number_text(e.number);
    case Op::EnumIn: {
      const Fact& f = atom_fact(e.atom);
      std::vector<int> in;
      for (size_t i = 0; i < f.values.size(); ++i)
        if ((e.mask >> i) & 1) in.push_back(static_cast<int>(i));
      std::string list = values_text(f, in);
      if (neg) return (in.size() == 1 ? "not " : "none of ") + list;
      return (in.size() == 1 ? "" : "one of ") + list;
    }
    case Op::Count: {
      std::string item = "value";
      if (!e.kids.empty() && e.kids[0].atom >= 0) item = atom_fact(e.kids[0].atom).item;
      return std::string(cmp_words(neg ? negate(e.cmp) : e.cmp)) + " " + number_text(e.number) + " " +
             plural(item, e.number);
    }
    case Op::Not: return render(p, e.kids[0], !neg);
    case Op::And: case Op::Or: {
      // A set quantifier: literals over the members of one list fact.
      bool all_lits = !e.kids.empty();
      bool all_pos = true, all_negs = true;
      std::vector<int> members;
      const Fact* f = nullptr;
      for (const auto& k : e.kids) {
        const Expr* a = &k;
        bool pos = true;
        if (a->op == Op::Not) { a = &a->kids[0]; pos = false; }
        if (a->op != Op::Atom || p.vocab.atoms[static_cast<size_t>(a->atom)].member < 0) { all_lits = false; break; }
        f = &atom_fact(a->atom);
        if (f->type != FactType::EnumSet && f->type != FactType::CodeList) { all_lits = false; break; }
        members.push_back(p.vocab.atoms[static_cast<size_t>(a->atom)].member);
        (pos ? all_negs : all_pos) = false;
      }
      bool is_and = (e.op == Op::And) != neg;  // after pushing the negation in
      if (all_lits && f && (all_pos || all_negs)) {
        bool lits_pos = all_pos != neg;
        if (is_and && !lits_pos) {  // no member of S: every member in the rest
          std::vector<int> rest;
          for (size_t i = 0; i < f->values.size(); ++i)
            if (std::find(members.begin(), members.end(), static_cast<int>(i)) == members.end())
              rest.push_back(static_cast<int>(i));
          if (rest.size() <= members.size()) return "every " + f->item + " in " + values_text(*f, rest);
          return "no " + f->item + " in " + values_text(*f, members);
        }
        if (!is_and && lits_pos) return "some " + f->item + " in " + values_text(*f, members);
        if (is_and && lits_pos) return "every one of " + values_text(*f, members);
        return "not every one of " + values_text(*f, members);
      }
      std::string out;
      for (const auto& k : e.kids) {
        if (!out.empty()) out += is_and ? " and " : " or ";
        out += render(p, k, neg);
      }
      return out;
    }
    case Op::Ref: return std::string(neg ? "not " : "") + "`" + p.criteria[static_cast<size_t>(e.ref)].id + "`";
    case Op::Decision: return neg ? "a denial" : "an approval";
  }
  return "?";
}

// An and/or of literals over the members of one list fact (a lowered
// `all`/`any` over request.levels): said as a whole, never piecewise.
bool is_set_quantifier(const Policy& p, const Expr& e) {
  if (e.op != Op::And && e.op != Op::Or) return false;
  for (const auto& k : e.kids) {
    const Expr* a = k.op == Op::Not ? &k.kids[0] : &k;
    if (a->op != Op::Atom || p.vocab.atoms[static_cast<size_t>(a->atom)].member < 0) return false;
  }
  return true;
}

void slot_value(const Policy& p, const Case& c, int slot, std::string& json, std::string& text) {
  const Slot& s = p.vocab.slots[static_cast<size_t>(slot)];
  const Fact& f = p.vocab.facts[static_cast<size_t>(s.fact)];
  json.clear();
  text.clear();
  for (int a : s.atoms)
    if (!c.known[a]) { json = "null"; text = "unknown"; return; }
  if (f.type == FactType::EnumSet || f.type == FactType::CodeList) {
    std::vector<int> on;
    json = "[";
    for (size_t k = 0; k < s.atoms.size(); ++k)
      if (c.value[s.atoms[k]] != 0) {
        if (json.size() > 1) json += ',';
        json_escape(json, f.values[k]);
        if (!text.empty()) text += ", ";
        text += f.values[k];
      }
    json += "]";
    if (text.empty()) text = "none";
    return;
  }
  int a = s.atoms.front();
  const Atom& at = p.vocab.atoms[static_cast<size_t>(a)];
  switch (at.type) {
    case AtomType::Bool: json = text = c.value[a] != 0 ? "true" : "false"; return;
    case AtomType::Number: json = text = number_text(c.value[a]); return;
    case AtomType::Enum: {
      text = f.values[static_cast<size_t>(c.value[a])];
      json_escape(json, text);
      return;
    }
  }
}

// What `e` needs that the case does not give it (`neg`: `e` must be false),
// one entry per slot-sized piece; the alternatives of an `or` share a group
// number. A reference to a plain condition is followed (its facts are the
// reason); other references name criteria with items of their own.
// `met`: the case satisfies `e`; list what it is met by instead (every
// conjunct, the true alternatives).
void collect_needs(const Policy& p, const Expr& e, bool neg, const Case& c, const Evaluation& ev,
                   std::vector<FactReason>& out, int& groups, bool met = false) {
  int slot = single_slot(p, e);
  if (slot >= 0) {
    FactReason fr;
    fr.fact = p.vocab.slots[static_cast<size_t>(slot)].path;
    slot_value(p, c, slot, fr.value_json, fr.value_text);
    Tri want = neg ? Tri::False : Tri::True;
    bool conj = (e.op == Op::And) != neg && (e.op == Op::And || e.op == Op::Or);
    if (conj && !met && !is_set_quantifier(p, e)) {
      // Only the conjuncts not met: "at most 2 levels" when that is what fails.
      for (const auto& k : e.kids)
        if (kleene(k, c, ev) != want) fr.needs += (fr.needs.empty() ? "" : " and ") + render(p, k, neg);
    }
    if (fr.needs.empty()) fr.needs = render(p, e, neg);
    for (auto& o : out)
      if (o.fact == fr.fact && o.alternatives == 0) { o.needs += " and " + fr.needs; return; }
    out.push_back(std::move(fr));
    return;
  }
  if (e.op == Op::Ref) {
    const Criterion& r = p.criteria[static_cast<size_t>(e.ref)];
    if (r.kind == CriterionKind::Condition && r.combinator == Combinator::Leaf)
      collect_needs(p, r.expr, neg, c, ev, out, groups, met);
    return;
  }
  if (e.op == Op::Not) return collect_needs(p, e.kids[0], !neg, c, ev, out, groups, met);
  if (e.op == Op::And || e.op == Op::Or) {
    bool conj = (e.op == Op::And) != neg;
    Tri want = neg ? Tri::False : Tri::True;
    if (met) {
      for (const auto& k : e.kids)
        if (conj || kleene(k, c, ev) == want) collect_needs(p, k, neg, c, ev, out, groups, met);
    } else if (conj) {
      for (const auto& k : e.kids)
        if (kleene(k, c, ev) != want) collect_needs(p, k, neg, c, ev, out, groups);
    } else {
      size_t first = out.size();
      for (const auto& k : e.kids) collect_needs(p, k, neg, c, ev, out, groups);
      if (out.size() - first > 1) {
        ++groups;
        for (size_t i = first; i < out.size(); ++i)
          if (out[i].alternatives == 0) out[i].alternatives = groups;
      }
    }
  }
}

// How far criterion `i` is from being met: unmet leaf criteria on its
// closest way (an `any` counts its closest branch), then how many of them
// need a fixed fact (the patient's state, the treating team's plan) to
// change: a pathway a provider can reach is closer than one that needs
// another diagnosis.
struct Cost {
  int leaves = 0, fixed = 0;
  bool operator<(const Cost& o) const { return leaves != o.leaves ? leaves < o.leaves : fixed < o.fixed; }
};

bool needs_fixed_fact(const Policy& p, const Expr& e) {
  std::vector<int> atoms;
  collect_atoms(e, atoms);
  if (atoms.empty()) return false;
  for (int a : atoms) {
    const Slot& s = p.vocab.slots[static_cast<size_t>(p.vocab.atoms[static_cast<size_t>(a)].slot)];
    std::string k = to_string(s.kind);
    if (k != "clinical" && k != "plan") return false;
  }
  return true;
}

Cost unmet_cost(const Policy& p, int i, const Evaluation& ev) {
  const Criterion& cr = p.criteria[static_cast<size_t>(i)];
  if (ev.criteria[static_cast<size_t>(i)] == Tri::True) return {};
  if (cr.combinator == Combinator::Leaf) return {1, needs_fixed_fact(p, cr.expr) ? 1 : 0};
  Cost sum, best{1 << 30, 1 << 30};
  for (int ch : cr.children) {
    Cost k = unmet_cost(p, ch, ev);
    sum.leaves += k.leaves;
    sum.fixed += k.fixed;
    if (k < best) best = k;
  }
  return cr.combinator == Combinator::All ? sum : best;
}

bool all_leaves(const Policy& p, const Criterion& cr) {
  for (int ch : cr.children)
    if (p.criteria[static_cast<size_t>(ch)].combinator != Combinator::Leaf) return false;
  return true;
}

struct Builder {
  const Policy& p;
  const Case& c;
  const Evaluation& ev;
  std::vector<int> parent;
  std::vector<WhyItem> items;

  WhyItem item(WhyRole role, int i) {
    WhyItem w;
    w.role = role;
    w.criterion = i;
    w.source = p.criteria[static_cast<size_t>(i)].section;
    w.text = quote(i);
    return w;
  }

  // The whole bullet: a criterion whose parent is a sentence it completes
  // (the parent's text does not end in a lead-in colon) is quoted as the
  // parent; lead-ins above are prefixed. Pathway titles are no lead-ins.
  std::string quote(int i) {
    int at = i;
    while (true) {
      int up = parent[static_cast<size_t>(at)];
      if (up < 0 || p.criteria[static_cast<size_t>(up)].kind == CriterionKind::Pathway) break;
      if (ends_with_colon(p.criteria[static_cast<size_t>(up)].text)) break;
      at = up;  // a fragment of its parent's sentence
    }
    std::string text = p.criteria[static_cast<size_t>(at)].text;
    const Criterion& cr = p.criteria[static_cast<size_t>(at)];
    if (cr.combinator != Combinator::Leaf && ends_with_colon(cr.text)) {
      // A lead-in is never quoted alone: with its list (the parts of the
      // sentence it already says left out).
      std::string list;
      for (int ch : cr.children) {
        const std::string& t = p.criteria[static_cast<size_t>(ch)].text;
        if (cr.text.find(t) == std::string::npos) list += (list.empty() ? " " : "; ") + t;
      }
      text += list;
    }
    for (int up = parent[static_cast<size_t>(at)]; up >= 0; up = parent[static_cast<size_t>(up)]) {
      const Criterion& u = p.criteria[static_cast<size_t>(up)];
      if (u.kind == CriterionKind::Pathway || !ends_with_colon(u.text)) break;
      text = u.text + " " + text;
    }
    if (cr.kind == CriterionKind::Exclusion)
      for (const auto& cat : p.categories)
        if (cat.id == cr.category && ends_with_colon(cat.text)) text = cat.text + " " + text;
    return text;
  }

  int groups = 0;

  std::vector<FactReason> needs_of(int i, bool must_be_false) {
    std::vector<FactReason> out;
    const Criterion& cr = p.criteria[static_cast<size_t>(i)];
    if (cr.combinator == Combinator::Leaf) {
      collect_needs(p, cr.expr, must_be_false, c, ev, out, groups);
    } else {
      for (int ch : cr.children) {
        auto more = needs_of(ch, must_be_false);
        out.insert(out.end(), more.begin(), more.end());
      }
    }
    return out;
  }

  // The facts criterion `i` (met) is met by: every conjunct, the branch taken.
  std::vector<FactReason> met_by(int i) {
    std::vector<FactReason> out;
    const Criterion& cr = p.criteria[static_cast<size_t>(i)];
    if (cr.combinator == Combinator::Leaf) {
      collect_needs(p, cr.expr, false, c, ev, out, groups, true);
      return out;
    }
    for (int ch : cr.children) {
      if (ev.criteria[static_cast<size_t>(ch)] != Tri::True) continue;
      auto more = met_by(ch);
      out.insert(out.end(), more.begin(), more.end());
      if (cr.combinator == Combinator::Any) break;
    }
    return out;
  }

  // The unmet leaves on the closest way to meeting `i`.
  void unmet(int i) {
    const Criterion& cr = p.criteria[static_cast<size_t>(i)];
    if (ev.criteria[static_cast<size_t>(i)] == Tri::True) return;
    if (cr.combinator == Combinator::Leaf) {
      WhyItem w = item(WhyRole::Unmet, i);
      w.facts = needs_of(i, false);
      items.push_back(std::move(w));
      return;
    }
    if (cr.combinator == Combinator::All) {
      for (int ch : cr.children) unmet(ch);
      return;
    }
    if (all_leaves(p, cr)) {  // a list: one item, the lead-in with its list
      WhyItem w = item(WhyRole::Unmet, i);
      for (int ch : cr.children) {
        auto more = needs_of(ch, false);
        w.facts.insert(w.facts.end(), more.begin(), more.end());
      }
      if (w.facts.size() > 1) {  // any one child would do
        ++groups;
        for (auto& f : w.facts) f.alternatives = groups;
      }
      items.push_back(std::move(w));
      return;
    }
    int best = -1;
    Cost best_cost{1 << 30, 1 << 30};
    for (int ch : cr.children) {
      Cost k = unmet_cost(p, ch, ev);
      if (k < best_cost) { best = ch; best_cost = k; }
    }
    if (best >= 0) unmet(best);
  }

  // Approval: the branch taken at each `any`, and waivers used.
  void met(int i, std::set<int>& waivers) {
    const Criterion& cr = p.criteria[static_cast<size_t>(i)];
    if (cr.combinator == Combinator::Leaf) {
      // Met only through a reference (a waiver): the referenced criterion.
      if (cr.expr.op == Op::Or) {
        bool other = false;
        int via = -1;
        for (const auto& k : cr.expr.kids) {
          bool t = kleene(k, c, ev) == Tri::True;
          if (k.op == Op::Ref && t) via = k.ref;
          else other |= t;
        }
        if (via >= 0 && !other) waivers.insert(via);
      }
      return;
    }
    if (cr.combinator == Combinator::All) {
      for (int ch : cr.children) met(ch, waivers);
      return;
    }
    for (int ch : cr.children)
      if (ev.criteria[static_cast<size_t>(ch)] == Tri::True) {
        items.push_back(item(WhyRole::Branch, ch));
        met(ch, waivers);
        return;
      }
  }
};

}  // namespace

std::vector<FactReason> criterion_facts(const Policy& p, const Case& closed, const Evaluation& ev, int i,
                                        bool must_be_false) {
  Builder b{p, closed, ev, parents_of(p), {}, 0};
  if (must_be_false) return b.needs_of(i, true);
  if (ev.criteria[static_cast<size_t>(i)] == Tri::True) return b.met_by(i);
  return b.needs_of(i, false);
}

std::string quoted_bullet(const Policy& p, int i) {
  Case none;
  Evaluation ev;
  Builder b{p, none, ev, parents_of(p), {}, 0};
  return b.quote(i);
}

std::vector<WhyItem> build_why(const Policy& p, const Case& closed, const Evaluation& ev, Decision decision) {
  Builder b{p, closed, ev, parents_of(p), {}, 0};
  if (decision == Decision::MedicallyNecessary) {
    for (int i : p.pathways) {
      if (ev.criteria[static_cast<size_t>(i)] != Tri::True) continue;
      b.items.push_back(b.item(WhyRole::ApprovedBy, i));
      std::set<int> waivers;
      b.met(i, waivers);
      for (int w : waivers) {
        WhyItem wi = b.item(WhyRole::Waiver, w);
        wi.facts = b.met_by(w);
        b.items.push_back(std::move(wi));
      }
      break;  // the first pathway met, in policy order
    }
    return std::move(b.items);
  }
  for (int x : p.exclusions) {
    // Exclusions that may apply (unknown) are not reasons: the decisive
    // unknowns, and explain's questions, name what is still to find out.
    if (ev.criteria[static_cast<size_t>(x)] == Tri::True) {
      WhyItem w = b.item(WhyRole::Exclusion, x);
      w.facts = b.needs_of(x, true);
      b.items.push_back(std::move(w));
    }
  }
  bool any_met = false;
  for (int i : p.pathways) any_met |= ev.criteria[static_cast<size_t>(i)] == Tri::True;
  if (any_met) return std::move(b.items);  // met, but excluded: the exclusions are the reasons
  int closest = -1;
  Cost best{1 << 30, 1 << 30};
  for (int i : p.pathways) {
    Cost k = unmet_cost(p, i, ev);
    if (k < best) { best = k; closest = i; }
  }
  if (closest >= 0) {
    WhyItem w = b.item(WhyRole::ClosestPathway, closest);
    w.unmet_leaves = best.leaves;
    b.items.push_back(std::move(w));
    b.unmet(closest);
  }
  for (int i : p.pathways) {
    if (i == closest) continue;
    WhyItem w = b.item(WhyRole::OtherPathway, i);
    w.unmet_leaves = unmet_cost(p, i, ev).leaves;
    b.items.push_back(std::move(w));
  }
  return std::move(b.items);
}

}  // namespace pp::model

namespace pp::model {

void append_why_json(std::string& out, const Policy& p, const std::vector<WhyItem>& why) {
  out += '[';
  for (size_t k = 0; k < why.size(); ++k) {
    const WhyItem& w = why[k];
    if (k) out += ',';
    out += "{\"criterion\":";
    if (w.criterion >= 0) json_escape(out, p.criteria[static_cast<size_t>(w.criterion)].id); else out += "null";
    out += ",\"source\":";
    json_escape(out, w.source);
    out += ",\"text\":";
    json_escape(out, w.text);
    out += ",\"facts\":[";
    for (size_t j = 0; j < w.facts.size(); ++j) {
      if (j) out += ',';
      out += "{\"fact\":";
      json_escape(out, w.facts[j].fact);
      out += ",\"value\":";
      out += w.facts[j].value_json;
      out += ",\"needs\":";
      json_escape(out, w.facts[j].needs);
      if (w.facts[j].alternatives > 0) out += ",\"alternative\":" + std::to_string(w.facts[j].alternatives);
      out += '}';
    }
    out += "],\"role\":\"";
    out += to_string(w.role);
    out += '"';
    if (w.role == WhyRole::ClosestPathway || w.role == WhyRole::OtherPathway)
      out += ",\"unmet_leaves\":" + std::to_string(w.unmet_leaves);
    out += '}';
  }
  out += ']';
}

void append_string_array_json(std::string& out, const std::vector<std::string>& items) {
  out += '[';
  for (size_t k = 0; k < items.size(); ++k) {
    if (k) out += ',';
    json_escape(out, items[k]);
  }
  out += ']';
}

std::string why_text(const Policy& p, const std::vector<WhyItem>& why, const std::string& in) {
  std::string out;
  WhyRole last = WhyRole::Unmet;
  bool first = true;
  for (const auto& w : why) {
    const Criterion* cr = w.criterion >= 0 ? &p.criteria[static_cast<size_t>(w.criterion)] : nullptr;
    std::string id = cr ? cr->id : "";
    std::string title = cr ? cr->title : "";
    switch (w.role) {
      case WhyRole::Exclusion:
        if (first || last != WhyRole::Exclusion) out += "\nExcluded by:\n";
        out += in + "- " + id + " (" + title + ") [" + w.source + "]\n" + in + "    \"" + w.text + "\"\n";
        break;
      case WhyRole::ClosestPathway:
        out += "\nClosest pathway: " + id + " " + title + " [" + w.source + "], " + std::to_string(w.unmet_leaves) +
               (w.unmet_leaves == 1 ? " criterion" : " criteria") + " not met (or not known):\n";
        break;
      case WhyRole::Unmet:
        out += in + "- " + id + " (" + title + ")\n" + in + "    \"" + w.text + "\"\n";
        break;
      case WhyRole::OtherPathway:
        if (last != WhyRole::OtherPathway) out += "\nOther pathways:\n";
        out += in + "- " + id + " " + title + ": " + std::to_string(w.unmet_leaves) +
               (w.unmet_leaves == 1 ? " criterion" : " criteria") + " not met (or not known)\n";
        break;
      case WhyRole::ApprovedBy:
        out += "\nApproved by " + id + " (" + title + ") [" + w.source + "]\n";
        break;
      case WhyRole::Branch:
        out += in + "- by " + id + " (" + title + ")\n" + in + "    \"" + w.text + "\"\n";
        break;
      case WhyRole::Waiver:
        out += in + "- with the waiver " + id + " (" + title + ")\n" + in + "    \"" + w.text + "\"\n";
        break;
    }
    int group = 0;
    for (const auto& f : w.facts) {
      if (f.alternatives != group) {
        group = f.alternatives;
        if (group > 0) out += in + "    any one of:\n";
      }
      out += in + (group > 0 ? "      " : "    ") + f.fact + ": " + f.value_text +
             (f.value_text == "unknown" ? "" : " in this case") + "; needs " + f.needs + "\n";
    }
    last = w.role;
    first = false;
  }
  return out;
}

}  // namespace pp::model
