// The properties file loader (see properties.h for the format).
#include "model/properties.h"

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <set>

#include "model/embedded_files.h"
#include "model/yaml_reader.h"

namespace pp::model {

const char* to_string(PropertyKind k) {
  switch (k) {
    case PropertyKind::Always: return "always";
    case PropertyKind::Exists: return "exists";
    case PropertyKind::Monotone: return "monotone";
  }
  return "?";
}

namespace {

bool valid_id(const std::string& s) {
  if (s.empty()) return false;
  for (char c : s)
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '.' || c == '-')) return false;
  return true;
}

Expr parse_expr_node(const Policy& policy, const YamlReader& r, const YamlNode& n, const char* key) {
  if (!n.IsScalar() || n.Scalar().empty())
    r.fail(n, std::string("expected `") + key + "` to be an expression (a string)");
  int line = 0, column = 0;
  r.scalar_start(n, line, column);
  try {
    return parse_expression(policy, n.Scalar(), r.file(), line, column, /*allow_decision=*/true);
  } catch (const DiagnosticError& e) {
    // The same error, with its source line from this file for the caret.
    const Location& l = e.diagnostic().location;
    if (l.file != r.file() || !e.diagnostic().source_line.empty()) throw;
    diagnose(l.file).at(l.line, l.column).source(r.text()).fail(e.diagnostic().message);
  }
}

// Resolves one `more:` entry to the atoms that may grow.
void resolve_growing(const Policy& policy, const YamlReader& r, const YamlNode& n, MonotoneSpec& m) {
  if (!n.IsScalar() || n.Scalar().empty()) r.fail(n, "expected a fact path in `more`");
  const std::string& path = n.Scalar();
  const Vocabulary& v = policy.vocab;
  int fi = v.find_fact(path);
  if (fi >= 0) {
    const Fact& f = v.facts[static_cast<size_t>(fi)];
    if (f.type == FactType::Enum)
      r.fail(n, "`" + path + "` is an enum: its values have no order (expected a bool, number, set or group fact, or a group member)");
    m.atoms.insert(m.atoms.end(), f.atoms.begin(), f.atoms.end());
  } else {
    int ai = v.find_atom(path);
    if (ai < 0 || v.facts[static_cast<size_t>(v.atoms[static_cast<size_t>(ai)].fact)].type != FactType::Group)
      r.fail(n, "unknown fact `" + path + "` (expected a fact path or a group member path)");
    m.atoms.push_back(ai);
  }
  m.facts.push_back(path);
}

MonotoneSpec parse_monotone(const Policy& policy, const YamlReader& r, const YamlNode& n) {
  r.expect_map(n, "`monotone`", {"more", "never"});
  MonotoneSpec m;
  YamlNode more = n["more"];
  if (!more) r.fail(n, "missing required key `more` (the facts that grow)");
  if (more.IsSequence()) {
    if (more.size() == 0) r.fail(more, "expected at least one fact in `more`");
    for (const auto& item : more) resolve_growing(policy, r, item, m);
  } else {
    resolve_growing(policy, r, more, m);
  }
  std::sort(m.atoms.begin(), m.atoms.end());
  m.atoms.erase(std::unique(m.atoms.begin(), m.atoms.end()), m.atoms.end());
  YamlNode never = n["never"];
  if (!never) r.fail(n, "missing required key `never` (expected `approve` or `deny`)");
  std::string w = never.IsScalar() ? never.Scalar() : "";
  if (w == "approve") m.never_approve = true;
  else if (w == "deny") m.never_approve = false;
  else r.fail(never, "expected `never` to be `approve` (no denial becomes an approval) or `deny` (no approval becomes a denial)");
  return m;
}

PropertySet read_properties(const Policy& policy, const std::string& text, const std::string& file) {
  YamlReader r(file);
  YamlNode root = r.parse(text);
  if (!root || root.IsNull())
    diagnose(file).at(1, 1).source(text).fail("empty properties file (expected a mapping with a `properties` list)");
  r.expect_map(root, "the properties file", {"policy", "properties"});
  PropertySet set;
  set.file = file;
  if (YamlNode p = root["policy"]) {
    set.policy_id = r.str(root, "policy");
    if (set.policy_id != policy.id)
      r.fail(p, "these properties are for policy `" + set.policy_id + "`, not `" + policy.id + "` (the policy in use)");
  }
  YamlNode props = root["properties"];
  if (!props) r.fail(root, "missing required key `properties` (a list of properties)");
  r.expect_seq(props, "`properties`");
  if (props.size() == 0) r.fail(props, "expected at least one property in `properties`");

  std::set<std::string> ids;
  for (const auto& pn : props) {
    r.expect_map(pn, "a property", {"id", "text", "always", "exists", "monotone"});
    Property p;
    p.line = pn.Mark().line + 1;
    p.column = pn.Mark().column + 1;
    p.id = r.str(pn, "id");
    if (!valid_id(p.id)) r.fail(pn["id"], "invalid property id `" + p.id + "` (expected letters, digits, `_`, `.` and `-`)");
    if (!ids.insert(p.id).second) r.fail(pn["id"], "property `" + p.id + "` is defined twice");
    p.text = r.str(pn, "text");

    const char* kind_key = nullptr;
    for (const char* k : {"always", "exists", "monotone"}) {
      if (!pn[k]) continue;
      if (kind_key) {
        // Point at the second kind key.
        for (const auto& kv : pn)
          if (kv.first.Scalar() == k)
            r.fail(kv.first, "property `" + p.id + "` has both `" + kind_key + "` and `" + k +
                                 "` (expected exactly one of `always`, `exists` or `monotone`)");
      }
      kind_key = k;
    }
    if (!kind_key) r.fail(pn, "property `" + p.id + "` needs one of `always`, `exists` or `monotone`");
    std::string kind = kind_key;
    if (kind == "always" || kind == "exists") {
      p.kind = kind == "always" ? PropertyKind::Always : PropertyKind::Exists;
      p.source = pn[kind_key].IsScalar() ? pn[kind_key].Scalar() : "";
      p.expr = parse_expr_node(policy, r, pn[kind_key], kind_key);
    } else {
      p.kind = PropertyKind::Monotone;
      p.monotone = parse_monotone(policy, r, pn["monotone"]);
    }
    set.properties.push_back(std::move(p));
  }
  return set;
}

}  // namespace

PropertySet load_properties(const Policy& policy, const std::string& text, const std::string& file) {
  return YamlReader(file).guarded([&] { return read_properties(policy, text, file); });
}

PropertySet load_properties_file(const Policy& policy, const std::string& path) {
  return load_properties(policy, read_file(path), path);
}

PropertySet load_default_properties(const Policy& policy) {
  if (auto set = find_default_properties(policy)) return std::move(*set);
  std::string stem = policy.file;
  if (stem.size() > 5 && stem.compare(stem.size() - 5, 5, ".yaml") == 0) stem.resize(stem.size() - 5);
  diagnose(policy.file).fail("no properties file given and none found for this policy (expected `" + stem +
                             ".properties.yaml`)");
}

std::optional<PropertySet> find_default_properties(const Policy& policy) {
  std::string file = policy.file;
  std::string stem = file;
  if (stem.size() > 5 && stem.compare(stem.size() - 5, 5, ".yaml") == 0) stem.resize(stem.size() - 5);
  std::string sibling = stem + ".properties.yaml";
  std::error_code ec;
  if (std::filesystem::is_regular_file(file, ec) && std::filesystem::is_regular_file(sibling, ec))
    return load_properties_file(policy, sibling);
  std::string base = sibling.substr(sibling.find_last_of('/') == std::string::npos ? 0 : sibling.find_last_of('/') + 1);
  if (auto text = embedded_file(base)) return load_properties(policy, std::string(*text), base);
  // Another version of a bundled policy (same id): its bundled properties.
  std::string by_id;
  for (char ch : policy.id) by_id += static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
  by_id += ".properties.yaml";
  if (auto text = embedded_file(by_id)) return load_properties(policy, std::string(*text), by_id);
  return std::nullopt;
}

}  // namespace pp::model
