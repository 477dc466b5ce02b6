// Loads a policy file (YAML) and its vocabulary into a model::Policy, checking
// every reference and reporting errors at file:line:col.
#include <sys/stat.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <functional>
#include <set>
#include <sstream>

#include "model/bundled_policies.h"
#include "model/embedded_files.h"
#include "model/expr_parser.h"
#include "model/policy.h"
#include "model/sha256.h"
#include "model/yaml_reader.h"

namespace pp::model {

const char* to_string(CriterionKind k) {
  switch (k) {
    case CriterionKind::Condition: return "condition";
    case CriterionKind::Pathway: return "pathway";
    case CriterionKind::Exclusion: return "exclusion";
  }
  return "?";
}
const char* to_string(Combinator c) {
  switch (c) {
    case Combinator::Leaf: return "leaf";
    case Combinator::All: return "all";
    case Combinator::Any: return "any";
  }
  return "?";
}

int Policy::find_criterion(std::string_view id) const {
  auto it = criterion_by_id.find(id);
  return it == criterion_by_id.end() ? -1 : it->second;
}
const Criterion& Policy::criterion(std::string_view id) const {
  int i = find_criterion(id);
  if (i < 0) throw std::logic_error("no criterion " + std::string(id));
  return criteria[i];
}

const Ambiguity* Policy::find_ambiguity(std::string_view id) const {
  for (const auto& a : ambiguities)
    if (a.id == id) return &a;
  return nullptr;
}

const Reading* Ambiguity::find_reading(std::string_view rid) const {
  for (const auto& r : readings)
    if (r.id == rid) return &r;
  return nullptr;
}

const Reading& Ambiguity::reading_in_force() const {
  const Reading* r = find_reading(chosen);
  return r ? *r : readings.front();
}

std::vector<std::string> Policy::readings_in_force() const {
  std::vector<std::string> out;
  for (const auto& a : ambiguities)
    if (a.chosen != a.readings.front().id) out.push_back(a.id + "=" + a.chosen);
  return out;
}

std::shared_ptr<const Policy> Policy::under(const std::map<std::string, std::string>& readings,
                                            const std::string& where) const {
  auto fail = [&](const std::string& message) {
    diagnose(where).fail(message);
  };
  for (const auto& [aid, rid] : readings) {
    const Ambiguity* a = find_ambiguity(aid);
    if (!a) {
      std::string known;
      for (const auto& x : ambiguities) known += (known.empty() ? "" : ", ") + x.id;
      fail("unknown ambiguity `" + aid + "` (expected one of " + (known.empty() ? "none: the policy names no ambiguity" : known) + ")");
    }
    if (!a->find_reading(rid)) {
      std::string known;
      for (const auto& x : a->readings) known += (known.empty() ? "" : ", ") + x.id;
      fail("ambiguity `" + aid + "` has no reading `" + rid + "` (expected one of " + known + ")");
    }
  }
  auto p = std::make_shared<Policy>(*this);
  bool changed = false;
  for (auto& a : p->ambiguities) {
    auto it = readings.find(a.id);
    if (it == readings.end() || it->second == a.chosen) continue;
    a.chosen = it->second;
    changed = true;
    for (const auto& re : a.find_reading(a.chosen)->exprs) {
      Criterion& c = p->criteria[static_cast<size_t>(re.criterion)];
      c.when_source = re.when_source;
      c.expr = re.expr;
    }
  }
  if (changed) {
    std::string tag;
    for (const auto& x : p->readings_in_force()) tag += x + "\n";
    p->sha256 = sha256_hex(sha256 + "\n" + tag);
  }
  return p;
}

bool find_beside_or_bundled(const std::string& dir, const std::string& name, std::string& text,
                            std::string& where) {
  if (!dir.empty()) {
    std::string path = dir + "/" + name;
    std::ifstream probe(path, std::ios::binary);
    if (probe) {
      std::ostringstream ss;
      ss << probe.rdbuf();
      if (!probe.bad()) {
        text = ss.str();
        where = path;
        return true;
      }
    }
  }
  if (auto e = embedded_file(name)) {
    text = std::string(*e);
    where = name;
    return true;
  }
  return false;
}

std::string read_file(const std::string& path) {
  auto fail = [&](const std::string& message) { diagnose(path.empty() ? "<file>" : path).fail(message); };
  if (path.empty()) fail("an empty file name (expected a YAML file; an unset shell variable?)");
  std::FILE* f = std::fopen(path.c_str(), "rb");
  if (!f) fail("cannot read the file (no such file, or not readable)");
  struct stat st {};
  if (::fstat(::fileno(f), &st) == 0 && S_ISDIR(st.st_mode)) {
    std::fclose(f);
    fail("is a directory (expected a YAML file)");
  }
  // Read at most one byte past the limit: `/dev/zero` is refused at once.
  std::string text(kMaxYamlBytes + 1, '\0');
  size_t n = std::fread(text.data(), 1, text.size(), f);
  bool failed = std::ferror(f) != 0;
  int err = errno;
  std::fclose(f);
  if (failed) fail(std::string("cannot read the file (") + std::strerror(err) + ")");
  if (n > kMaxYamlBytes) fail("file too large (expected at most 8 MiB)");
  text.resize(n);
  return text;
}

namespace {

struct RawCriterion {
  Criterion c;
  YamlNode node;
  std::vector<std::string> child_ids;
  YamlNode children_node;
};

void remap(Expr& e, const std::vector<int>& perm) {
  if (e.op == Op::Ref) e.ref = perm[e.ref];
  for (auto& k : e.kids) remap(k, perm);
}

std::vector<std::string> expand_values(const YamlReader& r, const YamlNode& list, const Fact* f) {
  std::vector<std::string> out;
  if (!list) return out;
  if (!list.IsSequence()) r.fail(list, "expected a list");
  for (const auto& item : list) {
    std::string s = item.Scalar();
    auto dots = s.find("..");
    if (!f) { out.push_back(s); continue; }
    auto idx = [&](const std::string& name) {
      for (size_t i = 0; i < f->values.size(); ++i)
        if (f->values[i] == name) return static_cast<int>(i);
      r.fail(item, "unknown value `" + name + "` of `" + f->path + "`");
    };
    if (dots == std::string::npos) { idx(s); out.push_back(s); continue; }
    int a = idx(s.substr(0, dots)), b = idx(s.substr(dots + 2));
    if (b < a) r.fail(item, "empty range `" + s + "`");
    for (int i = a; i <= b; ++i) out.push_back(f->values[i]);
  }
  return out;
}

std::shared_ptr<const Policy> read_policy(const PolicySource& src,
                                          const std::map<std::string, std::string>& overrides) {
  YamlReader r(src.file);
  YamlNode root = r.parse(src.text);
  r.expect_map(root, "the policy file", {"policy", "sections", "decision", "scope", "categories", "criteria", "ambiguities", "codes", "definitions"});
  auto p = std::make_shared<Policy>();
  p->file = src.file;
  p->dir = src.dir;

  YamlNode meta = root["policy"];
  if (!meta) r.fail(root, "missing required key `policy`");
  r.expect_map(meta, "`policy`", {"id", "title", "version", "effective", "source", "vocabulary"});
  p->id = r.str(meta, "id");
  p->title = r.str(meta, "title", false);
  p->version = r.str(meta, "version");
  p->effective = r.str(meta, "effective", false);
  p->source_file = r.str(meta, "source", false);
  std::string vocab_name = r.str(meta, "vocabulary");

  // The vocabulary: beside the policy file first, then bundled.
  std::string vocab_text, vocab_file;
  if (!find_beside_or_bundled(src.dir, vocab_name, vocab_text, vocab_file)) r.fail(meta["vocabulary"], "vocabulary `" + vocab_name + "` not found beside the policy file nor bundled");
  p->vocab = load_vocabulary(vocab_text, vocab_file);
  p->sha256 = sha256_hex(src.text + vocab_text);

  if (YamlNode secs = root["sections"]) {
    r.expect_seq(secs, "`sections`");
    std::set<std::string> section_ids;
    for (const auto& sn : secs) {
      r.expect_map(sn, "a section", {"id", "title", "heading"});
      Section s{r.id(sn, "id", section_ids, "section"), r.str(sn, "title", false), r.str(sn, "heading", false)};
      p->sections.push_back(s);
    }
  }
  auto check_section = [&](const YamlNode& at, const std::string& id) {
    if (p->sections.empty()) return;
    for (const auto& s : p->sections)
      if (s.id == id) return;
    std::string exp;
    for (const auto& s : p->sections) exp += (exp.empty() ? "" : ", ") + s.id;
    r.fail(at, "unknown section `" + id + "` (expected one of " + exp + ")");
  };

  if (YamlNode dec = root["decision"]) {
    r.expect_map(dec, "`decision`", {"section", "text", "default_denial"});
    p->decision_text = r.str(dec, "text", false);
    if (YamlNode dd = dec["default_denial"]) {
      r.expect_map(dd, "`default_denial`", {"section", "text"});
      p->default_denial_text = r.str(dd, "text", false);
      p->default_denial_section = r.str(dd, "section", false);
    }
  }

  if (YamlNode cats = root["categories"]) {
    r.expect_seq(cats, "`categories`");
    for (const auto& cn : cats) {
      r.expect_map(cn, "a category", {"id", "section", "title", "text"});
      Category c{r.str(cn, "id"), r.str(cn, "section"), r.str(cn, "title"), r.str(cn, "text")};
      check_section(cn["section"], c.section);
      p->categories.push_back(c);
    }
  }

  // Criteria, pass 1: ids and structure.
  YamlNode crit = root["criteria"];
  if (!crit) r.fail(root, "missing required key `criteria`");
  r.expect_seq(crit, "`criteria`");
  std::vector<RawCriterion> raw;
  std::map<std::string, int, std::less<>> file_index;
  // The scope (optional): the cases the policy addresses, a condition read
  // like a criterion's `when`; outside it a case is out of scope.
  std::vector<YamlNode> crit_nodes;
  YamlNode scope_node = root["scope"];
  if (scope_node) {
    r.expect_map(scope_node, "`scope`", {"id", "section", "title", "text", "when", "note", "ambiguities"});
    if (!scope_node["when"]) r.fail(scope_node, "`scope` needs its condition in `when`");
    crit_nodes.push_back(scope_node);
  }
  for (const auto& cn : crit) crit_nodes.push_back(cn);
  for (const auto& cn : crit_nodes) {
    const bool is_scope = scope_node && cn.is(scope_node);
    if (!is_scope)
      r.expect_map(cn, "a criterion", {"id", "section", "kind", "category", "title", "text", "when", "all", "any", "note", "ambiguities"});
    RawCriterion rc;
    rc.node = YamlNode(cn);
    Criterion& c = rc.c;
    c.id = r.str(cn, "id");
    c.line = cn.Mark().line + 1;
    c.column = cn.Mark().column + 1;
    if (file_index.count(c.id)) r.fail(cn["id"], "criterion `" + c.id + "` is defined twice");
    c.section = r.str(cn, "section");
    check_section(cn["section"], c.section);
    std::string kind = is_scope ? "condition" : r.str(cn, "kind");
    if (kind == "condition") c.kind = CriterionKind::Condition;
    else if (kind == "pathway") c.kind = CriterionKind::Pathway;
    else if (kind == "exclusion") c.kind = CriterionKind::Exclusion;
    else r.fail(cn["kind"], "unknown criterion kind `" + kind + "` (expected condition, pathway or exclusion)");
    c.category = r.str(cn, "category", false);
    if (!p->categories.empty() && !c.category.empty()) {
      bool known = false;
      for (const auto& cat : p->categories) known |= cat.id == c.category;
      if (!known) r.fail(cn["category"], "unknown category `" + c.category + "`");
    }
    if (c.kind == CriterionKind::Exclusion && c.category.empty() && !p->categories.empty())
      r.fail(cn, "exclusion `" + c.id + "` needs a `category`");
    c.title = r.str(cn, "title", false);
    c.text = r.str(cn, "text");
    if (c.text.empty()) r.fail(cn["text"], "criterion `" + c.id + "` needs the policy wording it encodes in `text`");
    c.note = r.str(cn, "note", false);
    c.ambiguities = r.str_list(cn, "ambiguities");
    int forms = (cn["when"] ? 1 : 0) + (cn["all"] ? 1 : 0) + (cn["any"] ? 1 : 0);
    if (forms != 1) r.fail(cn, "criterion `" + c.id + "` needs exactly one of `when`, `all`, `any`");
    if (cn["when"]) {
      c.combinator = Combinator::Leaf;
      c.when_source = r.str(cn, "when");
    } else {
      c.combinator = cn["all"] ? Combinator::All : Combinator::Any;
      rc.children_node = cn["all"] ? cn["all"] : cn["any"];
      rc.child_ids = r.str_list(cn, cn["all"] ? "all" : "any");
      if (rc.child_ids.empty()) r.fail(rc.children_node, "criterion `" + c.id + "` combines no criteria");
    }
    file_index.emplace(c.id, static_cast<int>(raw.size()));
    raw.push_back(std::move(rc));
  }
  for (const auto& [id, when] : overrides)
    if (!file_index.count(id)) diagnose(src.file).fail("reading overrides unknown criterion `" + id + "`");

  // Pass 2: conditions, with references by file index.
  ExprContext ctx;
  ctx.vocab = &p->vocab;
  ctx.file = src.file;
  ctx.source = src.text;
  ctx.resolve_ref = [&](const std::string& id) {
    auto it = file_index.find(id);
    return it == file_index.end() ? -1 : it->second;
  };
  std::vector<std::vector<int>> deps(raw.size());
  for (size_t i = 0; i < raw.size(); ++i) {
    RawCriterion& rc = raw[i];
    Criterion& c = rc.c;
    if (c.combinator == Combinator::Leaf) {
      auto ov = overrides.find(c.id);
      if (ov != overrides.end()) {
        ExprContext oc = ctx;
        oc.line = 0;
        oc.column = 0;
        c.when_source = ov->second;
        c.expr = parse_expr(ov->second, oc);
      } else {
        r.scalar_start(rc.node["when"], ctx.line, ctx.column);
        c.expr = parse_expr(c.when_source, ctx);
      }
      collect_refs(c.expr, deps[i]);
    } else {
      std::vector<Expr> kids;
      for (size_t k = 0; k < rc.child_ids.size(); ++k) {
        auto it = file_index.find(rc.child_ids[k]);
        if (it == file_index.end()) r.fail(rc.children_node[k], "unknown criterion `" + rc.child_ids[k] + "`");
        Expr e;
        e.op = Op::Ref;
        e.ref = it->second;
        kids.push_back(e);
        c.children.push_back(it->second);
        deps[i].push_back(it->second);
      }
      c.expr = Expr::make(c.combinator == Combinator::All ? Op::And : Op::Or, std::move(kids));
    }
  }

  // Ambiguities: every reading's overrides parsed now (references by file
  // index, remapped with the criteria), so a reading is data on the Policy.
  std::set<std::string> amb_ids;
  if (YamlNode ambs = root["ambiguities"]) {
    r.expect_seq(ambs, "`ambiguities`");
    for (const auto& an : ambs) {
      r.expect_map(an, "an ambiguity", {"id", "question", "quote", "criteria", "readings"});
      Ambiguity a;
      a.id = r.id(an, "id", amb_ids, "ambiguity");
      a.line = an.Mark().line + 1;
      a.question = r.str(an, "question");
      a.quote = r.str(an, "quote", false);
      a.criteria = r.str_list(an, "criteria");
      for (size_t k = 0; k < a.criteria.size(); ++k)
        if (!file_index.count(a.criteria[k])) r.fail(an["criteria"][k], "unknown criterion `" + a.criteria[k] + "`");
      YamlNode rs = an["readings"];
      if (!rs || !rs.IsSequence() || rs.size() < 2) r.fail(an, "ambiguity `" + a.id + "` needs at least two `readings` (the encoded one first)");
      std::set<std::string> reading_ids;
      for (const auto& rn : rs) {
        r.expect_map(rn, "a reading", {"id", "text", "overrides"});
        Reading rd;
        rd.id = r.id(rn, "id", reading_ids, "reading");
        rd.text = r.str(rn, "text");
        if (YamlNode ov = rn["overrides"]) {
          if (!ov.IsMap()) r.fail(ov, "expected `overrides` as criterion id: condition");
          for (const auto& kv : ov) {
            std::string cid = kv.first.Scalar();
            auto fi = file_index.find(cid);
            if (fi == file_index.end()) r.fail(kv.first, "unknown criterion `" + cid + "`");
            if (raw[fi->second].c.combinator != Combinator::Leaf) r.fail(kv.first, "criterion `" + cid + "` combines others; only a `when` can be overridden");
            ExprContext oc = ctx;
            r.scalar_start(kv.second, oc.line, oc.column);
            ReadingExpr re;
            re.criterion = fi->second;
            re.when_source = kv.second.Scalar();
            re.expr = parse_expr(re.when_source, oc);
            collect_refs(re.expr, deps[fi->second]);  // one order fits every reading
            rd.overrides.emplace(cid, re.when_source);
            rd.exprs.push_back(std::move(re));
          }
        }
        a.readings.push_back(rd);
      }
      a.chosen = a.readings.front().id;
      if (!a.readings.front().overrides.empty()) r.fail(rs[0], "the first reading is the encoded one and overrides nothing");
      // Each reading carries every criterion the ambiguity touches (the
      // encoded condition where it does not override it).
      std::set<int> touched;
      for (const auto& rd : a.readings)
        for (const auto& re : rd.exprs) touched.insert(re.criterion);
      for (auto& rd : a.readings)
        for (int fi : touched) {
          bool has = false;
          for (const auto& re : rd.exprs) has |= re.criterion == fi;
          if (!has) rd.exprs.push_back(ReadingExpr{fi, raw[fi].c.when_source, raw[fi].c.expr});
        }
      p->ambiguities.push_back(std::move(a));
    }
  }

  // Topological order (children before parents); a cycle is an error.
  std::vector<int> order, state(raw.size(), 0);
  std::function<void(int)> visit = [&](int i) {
    if (state[i] == 2) return;
    if (state[i] == 1) r.fail(raw[i].node, "criterion `" + raw[i].c.id + "` depends on itself");
    state[i] = 1;
    for (int d : deps[i]) visit(d);
    state[i] = 2;
    order.push_back(i);
  };
  for (size_t i = 0; i < raw.size(); ++i) visit(static_cast<int>(i));
  std::vector<int> perm(raw.size());
  for (size_t k = 0; k < order.size(); ++k) perm[order[k]] = static_cast<int>(k);
  for (int fi : order) {
    Criterion c = std::move(raw[fi].c);
    remap(c.expr, perm);
    for (auto& ch : c.children) ch = perm[ch];
    p->criterion_by_id.emplace(c.id, static_cast<int>(p->criteria.size()));
    p->criteria.push_back(std::move(c));
  }
  for (auto& a : p->ambiguities)
    for (auto& rd : a.readings)
      for (auto& re : rd.exprs) {
        re.criterion = perm[re.criterion];
        remap(re.expr, perm);
      }
  // Pathways and exclusions in file order.
  for (size_t fi = 0; fi < raw.size(); ++fi) {
    const Criterion& c = p->criteria[perm[fi]];
    if (c.kind == CriterionKind::Pathway) p->pathways.push_back(perm[fi]);
    if (c.kind == CriterionKind::Exclusion) p->exclusions.push_back(perm[fi]);
  }
  if (p->pathways.empty()) r.fail(crit, "the policy has no criterion of kind `pathway`");
  if (scope_node) p->scope = p->find_criterion(r.str(scope_node, "id"));

  // Domain relations from the vocabulary.
  {
    ExprContext rc;
    rc.vocab = &p->vocab;
    rc.file = p->vocab.file;
    rc.source = vocab_text;
    for (const auto& rs : p->vocab.relations) {
      rc.line = rs.line;
      rc.column = rs.column;
      Relation rel{rs.id, rs.text, rs.rule, parse_expr(rs.rule, rc), rs.line};
      p->relations.push_back(std::move(rel));
    }
  }

  for (const auto& c : p->criteria)
    for (const auto& aid : c.ambiguities)
      if (!amb_ids.count(aid)) r.fail(raw[file_index[c.id]].node, "criterion `" + c.id + "` names unknown ambiguity `" + aid + "`");

  // Codes and definitions.
  const Fact* level_fact = nullptr;
  const Fact* technique_fact = nullptr;
  for (const auto& f : p->vocab.facts) {
    if (f.type == FactType::EnumSet && !level_fact) level_fact = &f;
    if (f.type == FactType::Enum && !technique_fact) technique_fact = &f;
  }
  if (YamlNode codes = root["codes"]) {
    r.expect_seq(codes, "`codes`");
    for (const auto& cn : codes) {
      r.expect_map(cn, "a code", {"code", "procedure", "description", "levels", "techniques", "add_on"});
      Code c;
      c.code = r.str(cn, "code");
      c.procedure = r.str(cn, "procedure", false);
      c.description = r.str(cn, "description");
      c.levels = expand_values(r, cn["levels"], level_fact);
      c.techniques = expand_values(r, cn["techniques"], technique_fact);
      c.add_on = r.boolean(cn, "add_on", false);
      p->codes.push_back(c);
    }
  }
  if (YamlNode defs = root["definitions"]) {
    r.expect_seq(defs, "`definitions`");
    for (const auto& dn : defs) {
      r.expect_map(dn, "a definition", {"term", "text", "techniques"});
      Definition d{r.str(dn, "term"), r.str(dn, "text"), expand_values(r, dn["techniques"], technique_fact)};
      p->definitions.push_back(d);
    }
  }
  return p;
}

}  // namespace

std::shared_ptr<const Policy> load_policy(const PolicySource& src,
                                          const std::map<std::string, std::string>& overrides) {
  return YamlReader(src.file).guarded([&] { return read_policy(src, overrides); });
}

std::shared_ptr<const Policy> load_bundled_policy() {
  static const std::shared_ptr<const Policy> bundled = [] {
    auto text = embedded_file("cmm-607.yaml");
    if (!text) throw std::logic_error("the bundled policy is missing");
    return load_policy(PolicySource{std::string(*text), "cmm-607.yaml", ""});
  }();
  return bundled;
}

std::optional<PolicySource> bundled_policy_source(std::string_view id) {
  for (const auto& f : embedded_files()) {
    std::string_view n = f.name;
    auto ends = [&](std::string_view s) { return n.size() >= s.size() && n.substr(n.size() - s.size()) == s; };
    if (!ends(".yaml") || ends(".facts.yaml") || ends(".properties.yaml")) continue;
    // The id as the file declares it (`policy:` then `id:`), read without loading the policy.
    std::string_view text = f.content;
    auto meta = text.find("\npolicy:");
    auto at = meta == std::string_view::npos ? meta : text.find("\n  id: ", meta);
    if (at == std::string_view::npos) continue;
    at += 7;
    auto end = text.find_first_of("\r\n", at);
    std::string_view found = text.substr(at, end == std::string_view::npos ? std::string_view::npos : end - at);
    if (found == id) return PolicySource{std::string(text), std::string(n), ""};
  }
  return std::nullopt;
}

std::shared_ptr<const Policy> load_policy_file(const std::string& path) {
  PolicySource src;
  src.text = read_file(path);
  src.file = path;
  auto slash = path.find_last_of('/');
  src.dir = slash == std::string::npos ? "." : path.substr(0, slash);
  return load_policy(src);
}

Expr parse_expression(const Policy& policy, const std::string& source, const std::string& file,
                      int line, int column, bool allow_decision) {
  ExprContext ctx;
  ctx.vocab = &policy.vocab;
  ctx.file = file;
  ctx.line = line;
  ctx.column = column;
  ctx.allow_decision = allow_decision;
  ctx.resolve_ref = [&](const std::string& id) { return policy.find_criterion(id); };
  return parse_expr(source, ctx);
}

}  // namespace pp::model
