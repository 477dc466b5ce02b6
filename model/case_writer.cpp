#include "model/case_writer.h"

#include "model/json_text.h"

#include <fmt/format.h>

namespace pp::model {

namespace {

// The JSON shape of the vocabulary: objects named by path segments, facts at the leaves.
struct Node {
  std::string name;
  int fact = -1;
  std::vector<Node> children;
};

Node shape(const Vocabulary& v) {
  Node root;
  for (size_t fi = 0; fi < v.facts.size(); ++fi) {
    const std::string& p = v.facts[fi].path;
    Node* n = &root;
    size_t start = 0;
    while (true) {
      size_t dot = p.find('.', start);
      std::string seg = p.substr(start, dot == std::string::npos ? std::string::npos : dot - start);
      Node* next = nullptr;
      for (auto& ch : n->children)
        if (ch.name == seg) next = &ch;
      if (!next) {
        n->children.push_back(Node{seg, -1, {}});
        next = &n->children.back();
      }
      n = next;
      if (dot == std::string::npos) break;
      start = dot + 1;
    }
    n->fact = static_cast<int>(fi);
  }
  return root;
}

class Writer {
 public:
  Writer(const Vocabulary& v, const Case& c, const CaseWriteOptions& o) : v_(v), c_(c), o_(o) {}

  std::string run() {
    Node root = shape(v_);
    std::vector<std::pair<std::string, std::string>> fields;
    if (c_.has_case_id) {
      std::string id;
      json_escape(id, c_.case_id);
      fields.emplace_back("case_id", id);
    }
    for (const auto& ch : root.children) {
      std::string val = value(ch, 1);
      if (!val.empty()) fields.emplace_back(ch.name, val);
    }
    return object(fields, 0);
  }

 private:
  std::string pad(int depth) const { return std::string(static_cast<size_t>(o_.indent + 2 * depth), ' '); }

  std::string object(const std::vector<std::pair<std::string, std::string>>& fields, int depth) const {
    if (fields.empty()) return "{}";
    std::string out = "{";
    for (size_t i = 0; i < fields.size(); ++i) {
      if (i) out += ',';
      if (o_.pretty) {
        out += '\n';
        out += pad(depth + 1);
      }
      json_escape(out, fields[i].first);
      out += o_.pretty ? ": " : ":";
      out += fields[i].second;
    }
    if (o_.pretty) {
      out += '\n';
      out += pad(depth);
    }
    out += '}';
    return out;
  }

  bool known(int atom) const { return c_.known[static_cast<size_t>(atom)] != 0; }
  double val(int atom) const { return c_.value[static_cast<size_t>(atom)]; }

  // The JSON text of a node, or "" when it holds nothing known.
  std::string value(const Node& n, int depth) const {
    if (n.fact < 0) {
      std::vector<std::pair<std::string, std::string>> fields;
      for (const auto& ch : n.children) {
        std::string s = value(ch, depth + 1);
        if (!s.empty()) fields.emplace_back(ch.name, s);
      }
      return fields.empty() ? "" : object(fields, depth);
    }
    const Fact& f = v_.facts[static_cast<size_t>(n.fact)];
    const char* sep = o_.pretty ? ", " : ",";
    switch (f.type) {
      case FactType::Bool:
        if (!known(f.atoms[0])) return "";
        return val(f.atoms[0]) != 0 ? "true" : "false";
      case FactType::Number:
        if (!known(f.atoms[0])) return "";
        return fmt::format("{}", val(f.atoms[0]));
      case FactType::Enum: {
        if (!known(f.atoms[0])) return "";
        std::string out;
        json_escape(out, f.values[static_cast<size_t>(val(f.atoms[0]))]);
        return out;
      }
      case FactType::EnumSet: {
        for (int a : f.atoms)
          if (!known(a)) return "";
        std::string out = "[";
        bool first = true;
        for (size_t i = 0; i < f.atoms.size(); ++i) {
          if (val(f.atoms[i]) == 0) continue;
          if (!first) out += sep;
          first = false;
          json_escape(out, f.values[i]);
        }
        return out + "]";
      }
      case FactType::CodeList: {
        for (int a : f.atoms)
          if (!known(a)) return "";
        std::string out = "[";
        bool first = true;
        for (size_t i = 0; i < f.atoms.size(); ++i) {
          if (val(f.atoms[i]) == 0) continue;
          std::uint64_t units = 1;
          for (const auto& line : c_.cpt)
            if (line.code == f.values[i]) units = line.units;
          if (!first) out += sep;
          first = false;
          out += o_.pretty ? "{\"code\": " : "{\"code\":";
          json_escape(out, f.values[i]);
          out += o_.pretty ? ", \"units\": " : ",\"units\":";
          out += std::to_string(units) + "}";
        }
        return out + "]";
      }
      case FactType::Group: {
        std::vector<std::pair<std::string, std::string>> fields;
        for (size_t i = 0; i < f.atoms.size(); ++i)
          if (known(f.atoms[i])) fields.emplace_back(f.members[i].name, val(f.atoms[i]) != 0 ? "true" : "false");
        return fields.empty() ? "" : object(fields, depth);
      }
    }
    return "";
  }

  const Vocabulary& v_;
  const Case& c_;
  const CaseWriteOptions& o_;
};

}  // namespace

std::string write_case_json(const Vocabulary& v, const Case& c, const CaseWriteOptions& options) {
  return Writer(v, c, options).run();
}

}  // namespace pp::model
