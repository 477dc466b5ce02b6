#include "model/vocabulary.h"

#include <algorithm>
#include <set>

#include "model/yaml_reader.h"

namespace pp::model {

const char* to_string(FactKind k) {
  switch (k) {
    case FactKind::Request: return "request";
    case FactKind::Care: return "care";
    case FactKind::Documentation: return "documentation";
    case FactKind::Correctable: return "correctable";
    case FactKind::Elapsed: return "elapsed";
    case FactKind::Plan: return "plan";
    case FactKind::Clinical: return "clinical";
  }
  return "?";
}

int Vocabulary::find_fact(std::string_view path) const {
  auto it = fact_by_path.find(path);
  return it == fact_by_path.end() ? -1 : it->second;
}
int Vocabulary::find_atom(std::string_view name) const {
  auto it = atom_by_name.find(name);
  return it == atom_by_name.end() ? -1 : it->second;
}
int Vocabulary::find_slot(std::string_view path) const {
  auto it = slot_by_path.find(path);
  return it == slot_by_path.end() ? -1 : it->second;
}

namespace {

FactKind parse_kind(const YamlReader& r, const YamlNode& n) {
  std::string s = n.Scalar();
  if (s == "request") return FactKind::Request;
  if (s == "care") return FactKind::Care;
  if (s == "documentation") return FactKind::Documentation;
  if (s == "correctable") return FactKind::Correctable;
  if (s == "elapsed") return FactKind::Elapsed;
  if (s == "plan") return FactKind::Plan;
  if (s == "clinical") return FactKind::Clinical;
  r.fail(n, "unknown fact kind `" + s + "` (expected request, care, documentation, correctable, elapsed, plan or clinical)");
}

// `kind: K` or `kind: [K, elapsed]` (a kind that also moves with time, e.g. weeks of care).
FactKind parse_fact_kind(const YamlReader& r, const YamlNode& n, bool& elapsed) {
  if (!n.IsSequence()) {
    FactKind k = parse_kind(r, n);
    elapsed = k == FactKind::Elapsed;
    return k;
  }
  if (n.size() != 2) r.fail(n, "a kind list is `[KIND, elapsed]` (expected two kinds)");
  FactKind k = parse_kind(r, n[0]);
  if (!n[1].IsScalar() || n[1].Scalar() != "elapsed") r.fail(n[1], "the second kind of a kind list must be `elapsed`");
  if (k == FactKind::Elapsed) r.fail(n[0], "`elapsed` is given twice");
  elapsed = true;
  return k;
}

FactType parse_type(const YamlReader& r, const YamlNode& n) {
  std::string s = n.IsScalar() ? n.Scalar() : "";
  if (s == "bool") return FactType::Bool;
  if (s == "number") return FactType::Number;
  if (s == "enum") return FactType::Enum;
  if (s == "enum_set") return FactType::EnumSet;
  if (s == "group") return FactType::Group;
  if (s == "code_list") return FactType::CodeList;
  r.fail(n, "unknown fact type `" + s + "` (expected bool, number, enum, enum_set, group or code_list)");
}

bool valid_name(const std::string& s) {
  if (s.empty()) return false;
  for (char c : s)
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '.')) return false;
  return s.front() != '.' && s.back() != '.';
}

}  // namespace

namespace {

Vocabulary read_vocabulary(const std::string& text, const std::string& file_name) {
  YamlReader r(file_name);
  YamlNode root = r.parse(text);
  r.expect_map(root, "the vocabulary file", {"vocabulary", "version", "facts", "relations", "time"});
  Vocabulary v;
  v.file = file_name;
  v.id = r.str(root, "vocabulary");
  YamlNode facts = root["facts"];
  if (!facts) r.fail(root, "missing required key `facts`");
  r.expect_seq(facts, "`facts`");

  auto add_atom = [&](Fact& f, int fact_index, int slot, int member, const std::string& name, AtomType t) {
    if (v.atom_by_name.count(name)) return -1;
    Atom a;
    a.name = name;
    a.type = t;
    a.fact = fact_index;
    a.slot = slot;
    a.member = member;
    int idx = static_cast<int>(v.atoms.size());
    v.atoms.push_back(a);
    v.atom_by_name.emplace(name, idx);
    f.atoms.push_back(idx);
    v.slots[slot].atoms.push_back(idx);
    return idx;
  };
  auto add_slot = [&](Fact& f, int fact_index, int member, const std::string& path, FactKind kind) {
    Slot s;
    s.path = path;
    s.kind = kind;
    s.fact = fact_index;
    s.member = member;
    int idx = static_cast<int>(v.slots.size());
    v.slots.push_back(s);
    v.slot_by_path.emplace(path, idx);
    f.slots.push_back(idx);
    return idx;
  };

  std::vector<YamlMark> fact_marks;
  for (const auto& fn : facts) {
    r.expect_map(fn, "a fact", {"path", "type", "kind", "source", "description", "values", "members",
                                "min", "max", "grows_only", "item"});
    fact_marks.push_back(fn["kind"] ? fn["kind"].Mark() : fn.Mark());
    Fact f;
    f.path = r.str(fn, "path");
    f.line = fn.Mark().line + 1;
    if (!valid_name(f.path)) r.fail(fn["path"], "invalid fact path `" + f.path + "` (expected dotted names of letters, digits and _)");
    if (v.fact_by_path.count(f.path)) r.fail(fn["path"], "fact `" + f.path + "` is declared twice");
    if (!fn["type"]) r.fail(fn, "missing required key `type`");
    f.type = parse_type(r, fn["type"]);
    if (!fn["kind"]) r.fail(fn, "missing required key `kind`");
    f.kind = parse_fact_kind(r, fn["kind"], f.elapsed);
    f.source = r.str(fn, "source", false);
    f.description = r.str(fn, "description", false);
    if (fn["item"]) f.item = r.str(fn, "item");
    else if (f.type == FactType::Group) f.item = "member";
    f.min = r.number(fn, "min", f.type == FactType::Number ? 0 : 0);
    f.max = r.number(fn, "max", 1e300);
    if (f.min > f.max) r.fail(fn["max"], "`max` is below `min`");
    f.grows_only = r.boolean(fn, "grows_only", false);
    if (f.elapsed && f.type != FactType::Number) r.fail(fn["kind"], "an elapsed fact must be a number");
    if (f.elapsed) f.grows_only = true;  // time only moves forward
    f.values = r.str_list(fn, "values");
    bool needs_values = f.type == FactType::Enum || f.type == FactType::EnumSet || f.type == FactType::CodeList;
    if (needs_values && f.values.empty()) r.fail(fn, "fact `" + f.path + "` needs a non-empty `values` list");
    if (!needs_values && fn["values"]) r.fail(fn["values"], "`values` is only for enum, enum_set and code_list facts");
    if (f.values.size() > 64) r.fail(fn["values"], "at most 64 values per fact");
    for (size_t i = 0; i < f.values.size(); ++i)
      for (size_t j = 0; j < i; ++j)
        if (f.values[i] == f.values[j]) r.fail(fn["values"][i], "duplicate value `" + f.values[i] + "`");
    if (f.type == FactType::Group) {
      YamlNode ms = fn["members"];
      if (!ms) r.fail(fn, "group fact `" + f.path + "` needs a `members` list");
      r.expect_seq(ms, "`members`");
      for (const auto& mn : ms) {
        r.expect_map(mn, "a group member", {"name", "text", "kind"});
        Member m;
        m.name = r.str(mn, "name");
        if (!valid_name(m.name) || m.name.find('.') != std::string::npos)
          r.fail(mn["name"], "invalid member name `" + m.name + "`");
        for (const auto& other : f.members)
          if (other.name == m.name) r.fail(mn["name"], "duplicate member `" + m.name + "`");
        m.text = r.str(mn, "text", false);
        m.kind = mn["kind"] ? parse_kind(r, mn["kind"]) : f.kind;
        f.members.push_back(m);
      }
      if (f.members.empty()) r.fail(ms, "group fact `" + f.path + "` needs at least one member");
      // INVARIANT (the case readers keep a group's members seen in 64 bits)
      if (f.members.size() > 64) r.fail(ms, "at most 64 members per group");
    } else if (fn["members"]) {
      r.fail(fn["members"], "`members` is only for group facts");
    }
    // a fact path must not be a prefix of another fact path, or the JSON shape is ambiguous
    for (const auto& other : v.facts)
      if (other.path.rfind(f.path + ".", 0) == 0 || f.path.rfind(other.path + ".", 0) == 0)
        r.fail(fn["path"], "fact `" + f.path + "` nests inside fact `" + other.path + "`");

    // INVARIANT (the case readers keep an object's fields seen in 64 bits):
    // at most 64 fields in any object of the case, `case_id` included at the top.
    for (size_t end = 0; end != std::string::npos; end = f.path.find('.', end + 1)) {
      std::string parent = end == 0 ? "" : f.path.substr(0, end + 1);  // "" is the case itself
      std::set<std::string> fields{f.path.substr(parent.size(), f.path.find('.', parent.size()) - parent.size())};
      if (parent.empty()) fields.insert("case_id");
      for (const auto& other : v.facts)
        if (other.path.rfind(parent, 0) == 0)
          fields.insert(other.path.substr(parent.size(), other.path.find('.', parent.size()) - parent.size()));
      if (fields.size() > 64)
        r.fail(fn["path"], "at most 64 fields in one object of a case (`" +
                               (parent.empty() ? std::string("the case") : parent.substr(0, parent.size() - 1)) + "` has more)");
    }

    int fi = static_cast<int>(v.facts.size());
    switch (f.type) {
      case FactType::Bool: {
        int s = add_slot(f, fi, -1, f.path, f.kind);
        add_atom(f, fi, s, -1, f.path, AtomType::Bool);
        break;
      }
      case FactType::Number: {
        int s = add_slot(f, fi, -1, f.path, f.kind);
        add_atom(f, fi, s, -1, f.path, AtomType::Number);
        break;
      }
      case FactType::Enum: {
        int s = add_slot(f, fi, -1, f.path, f.kind);
        add_atom(f, fi, s, -1, f.path, AtomType::Enum);
        break;
      }
      case FactType::EnumSet:
      case FactType::CodeList: {
        int s = add_slot(f, fi, -1, f.path, f.kind);
        for (size_t i = 0; i < f.values.size(); ++i)
          add_atom(f, fi, s, static_cast<int>(i), f.path + "." + f.values[i], AtomType::Bool);
        break;
      }
      case FactType::Group: {
        for (size_t i = 0; i < f.members.size(); ++i) {
          std::string p = f.path + "." + f.members[i].name;
          int s = add_slot(f, fi, static_cast<int>(i), p, f.members[i].kind);
          add_atom(f, fi, s, static_cast<int>(i), p, AtomType::Bool);
        }
        break;
      }
    }
    v.fact_by_path.emplace(f.path, fi);
    v.facts.push_back(std::move(f));
  }

  if (YamlNode tn = root["time"]) {
    // time: {clock: PATH, accrue_with_clock: [PATH, ...], says: "... {} ..."}
    r.expect_map(tn, "`time`", {"clock", "accrue_with_clock", "says"});
    v.time.says = r.str(tn, "says", false);
    if (!v.time.says.empty() && v.time.says.find("{}") == std::string::npos)
      r.fail(tn["says"], "`says` needs `{}` where the clock's value goes");
    v.time.line = tn.Mark().line + 1;
    auto elapsed_fact = [&](const YamlNode& pn) {
      std::string path = pn.IsScalar() ? pn.Scalar() : "";
      int fi = v.find_fact(path);
      if (fi < 0) r.fail(pn, "`time` names unknown fact `" + path + "`");
      if (!v.facts[static_cast<size_t>(fi)].elapsed)
        r.fail(pn, "`time` names fact `" + path + "`, which is not elapsed (expected kind `elapsed` or `[KIND, elapsed]`)");
      return fi;
    };
    if (!tn["clock"]) r.fail(tn, "missing required key `clock`");
    v.time.clock = elapsed_fact(tn["clock"]);
    if (v.facts[static_cast<size_t>(v.time.clock)].kind != FactKind::Elapsed)
      r.fail(tn["clock"], "the clock must be of kind `elapsed`");
    if (YamlNode an = tn["accrue_with_clock"]) {
      r.expect_seq(an, "`accrue_with_clock`");
      for (const auto& pn : an) {
        int fi = elapsed_fact(pn);
        if (fi == v.time.clock) r.fail(pn, "the clock cannot accrue with itself");
        if (std::find(v.time.accruing.begin(), v.time.accruing.end(), fi) != v.time.accruing.end())
          r.fail(pn, "fact `" + v.facts[static_cast<size_t>(fi)].path + "` is listed twice");
        v.time.accruing.push_back(fi);
      }
    }
  }
  // Every elapsed fact is the clock or accrues with it (or it would be a second, free clock).
  for (size_t fi = 0; fi < v.facts.size(); ++fi) {
    const Fact& f = v.facts[fi];
    if (!f.elapsed) continue;
    int i = static_cast<int>(fi);
    bool coupled = i == v.time.clock || std::find(v.time.accruing.begin(), v.time.accruing.end(), i) != v.time.accruing.end();
    if (!coupled)
      r.fail(fact_marks[fi], "elapsed fact `" + f.path + "` is neither the `time` clock nor in its `accrue_with_clock`");
  }

  if (YamlNode rels = root["relations"]) {
    r.expect_seq(rels, "`relations`");
    std::set<std::string> relation_ids;
    for (const auto& rn : rels) {
      r.expect_map(rn, "a relation", {"id", "text", "rule"});
      RelationSource rs;
      rs.id = r.id(rn, "id", relation_ids, "relation");
      rs.text = r.str(rn, "text", false);
      rs.rule = r.str(rn, "rule");
      r.scalar_start(rn["rule"], rs.line, rs.column);
      v.relations.push_back(rs);
    }
  }
  return v;
}

}  // namespace

Vocabulary load_vocabulary(const std::string& text, const std::string& file_name) {
  return YamlReader(file_name).guarded([&] { return read_vocabulary(text, file_name); });
}

}  // namespace pp::model
