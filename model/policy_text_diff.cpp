// The textual changes between two versions of a policy (model layer: no
// solver): metadata, criteria by id, categories, ambiguities, codes,
// definitions, facts and relations, with conditions compared in canonical
// form (see policy_text_diff.h).
#include "model/policy_text_diff.h"

#include <algorithm>
#include <functional>
#include <map>
#include <set>

#include <fmt/format.h>

namespace pp::model {

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

std::string fact_signature(const Fact& f) {
  static const char* types[] = {"bool", "number", "enum", "enum_set", "group", "code_list"};
  std::string s = fmt::format("type {}, kind {}", types[static_cast<int>(f.type)], to_string(f.kind));
  if (f.type == FactType::Number)
    s += fmt::format(", min {}{}", number_text(f.min), f.max < 1e300 ? ", max " + number_text(f.max) : "");
  if (!f.values.empty()) s += ", values [" + join(f.values, ", ") + "]";
  if (!f.members.empty()) {
    std::vector<std::string> m;
    for (const auto& mem : f.members) m.push_back(mem.name + (mem.kind != f.kind ? std::string(" (") + to_string(mem.kind) + ")" : ""));
    s += ", members [" + join(m, ", ") + "]";
  }
  return s;
}

std::string code_signature(const Code& c) {
  return fmt::format("procedure {}, levels [{}], techniques [{}]{}; {}", c.procedure, join(c.levels, ", "),
                     join(c.techniques, ", "), c.add_on ? ", add-on" : "", c.description);
}

std::string ambiguity_signature(const Ambiguity& a, const Policy& p) {
  std::string s = a.question + " | criteria [" + join(a.criteria, ", ") + "]";
  for (const auto& r : a.readings) {
    s += " | " + r.id + ": " + r.text;
    for (const auto& [cid, when] : r.overrides) {
      // Canonical form of the override: parse it against the policy.
      std::string canon = when;
      try {
        canon = condition_text(parse_expression(p, when, p.file, 0, 0, false), p);
      } catch (const DiagnosticError&) {
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

bool same_vocabulary(const Vocabulary& a, const Vocabulary& b) {
  if (a.atoms.size() != b.atoms.size()) return false;
  for (size_t i = 0; i < a.atoms.size(); ++i) {
    const auto& x = a.atoms[i];
    const auto& y = b.atoms[i];
    if (x.name != y.name || x.type != y.type) return false;
    if (x.type == AtomType::Enum &&
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
      return fmt::format("{} {} {}", v.atoms[static_cast<size_t>(e.atom)].name, to_string(e.cmp), number_text(e.number));
    case Op::EnumIn: {
      const auto& a = v.atoms[static_cast<size_t>(e.atom)];
      const auto& f = v.facts[static_cast<size_t>(a.fact)];
      std::vector<std::string> vals;
      for (size_t i = 0; i < f.values.size() && i < 64; ++i)
        if ((e.mask >> i) & 1) vals.push_back(f.values[i]);
      std::sort(vals.begin(), vals.end());
      return a.name + " in {" + join(vals, ", ") + "}";
    }
    case Op::Count: return fmt::format("count({}) {} {}", sorted_kids(", "), to_string(e.cmp), number_text(e.number));
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
    if (c.kind != d.kind) out.push_back({"criterion", c.id, "kind", to_string(c.kind), to_string(d.kind)});
    if (c.category != d.category) out.push_back({"criterion", c.id, "category", c.category, d.category});
    if (c.section != d.section) out.push_back({"criterion", c.id, "section", c.section, d.section});
    if (c.title != d.title) out.push_back({"criterion", c.id, "title", c.title, d.title});
    if (c.text != d.text) out.push_back({"criterion", c.id, "reworded", c.text, d.text});
    if (criterion_condition(c, a) != criterion_condition(d, b))
      out.push_back({"criterion", c.id, "condition", display_condition(c, a), display_condition(d, b)});
  }
  for (const auto& d : b.criteria)
    if (a.find_criterion(d.id) < 0) out.push_back({"criterion", d.id, "added", "", display_condition(d, b)});

  auto category_sig = [](const Category& c) { return c.title + " | " + c.section + " | " + c.text; };
  compare_keyed(a.categories, b.categories, [](const Category& c) { return c.id; }, category_sig, category_sig,
                "category", out);
  compare_keyed(a.ambiguities, b.ambiguities, [](const Ambiguity& x) { return x.id; },
                [&](const Ambiguity& x) { return ambiguity_signature(x, a); },
                [&](const Ambiguity& x) { return ambiguity_signature(x, b); }, "ambiguity", out);
  compare_keyed(a.codes, b.codes, [](const Code& c) { return c.code; }, code_signature, code_signature, "code", out);
  auto definition_sig = [](const Definition& d) { return d.text + " | techniques [" + join(d.techniques, ", ") + "]"; };
  compare_keyed(a.definitions, b.definitions, [](const Definition& d) { return d.term; }, definition_sig,
                definition_sig, "definition", out);
  compare_keyed(a.vocab.facts, b.vocab.facts, [](const Fact& f) { return f.path; }, fact_signature, fact_signature,
                "fact", out);
  compare_keyed(a.relations, b.relations, [](const Relation& r) { return r.id; },
                [&](const Relation& r) { return condition_text(r.expr, a); },
                [&](const Relation& r) { return condition_text(r.expr, b); }, "relation", out);
  return out;
}

}  // namespace pp::model
