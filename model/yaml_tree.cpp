#include "model/yaml_tree.h"

#include <cstring>

namespace pp::model {

const std::string& YamlNode::Scalar() const {
  static const std::string empty;
  return IsScalar() ? d_->scalar : empty;
}

size_t YamlNode::size() const {
  if (IsSequence()) return d_->items.size();
  if (IsMap()) return d_->pairs.size();
  return 0;
}

YamlNode YamlNode::operator[](const char* key) const {
  if (IsScalar()) throw YamlShapeError{d_->mark, std::string("a scalar has no key `") + key + "`"};
  if (!IsMap()) return YamlNode(doc_, nullptr);
  for (const auto& [k, v] : d_->pairs)
    if (k->kind == YamlKind::Scalar && k->scalar == key) return YamlNode(doc_, v);
  return YamlNode(doc_, nullptr);
}

YamlNode YamlNode::at(size_t i) const {
  if (!IsSequence() || i >= d_->items.size()) return YamlNode(doc_, nullptr);
  return YamlNode(doc_, d_->items[i]);
}

YamlNode::iterator YamlNode::begin() const { return iterator(this, 0); }
YamlNode::iterator YamlNode::end() const { return iterator(this, size()); }

YamlEntry YamlNode::iterator::operator*() const {
  const YamlNode& o = *owner_;
  if (o.IsSequence()) return YamlEntry(YamlNode(o.doc_, o.d_->items[i_]), YamlNode(), YamlNode());
  const auto& [k, v] = o.d_->pairs[i_];
  return YamlEntry(YamlNode(), YamlNode(o.doc_, k), YamlNode(o.doc_, v));
}

namespace {

std::string where(const YamlNode& n) {
  return std::to_string(n.Mark().line + 1) + ":" + std::to_string(n.Mark().column + 1);
}

// "" when the trees agree; else the first difference, with its place.
std::string difference(const YamlNode& a, const YamlNode& b, const std::string& path, int depth) {
  if (depth > 300) return "";  // an alias cycle: both walked this far alike
  if (a.kind() != b.kind()) return path + ": kind " + std::to_string(int(a.kind())) + " vs " + std::to_string(int(b.kind()));
  if (a.Mark().line != b.Mark().line || a.Mark().column != b.Mark().column)
    return path + ": mark " + where(a) + " vs " + where(b);
  if (a.IsQuoted() != b.IsQuoted()) return path + ": quoted differs";
  if (a.Scalar() != b.Scalar()) return path + ": scalar `" + a.Scalar() + "` vs `" + b.Scalar() + "`";
  if ((a.IsMap() || a.IsSequence()) && a.IsFlow() != b.IsFlow()) return path + ": style differs";
  if (a.size() != b.size()) return path + ": size " + std::to_string(a.size()) + " vs " + std::to_string(b.size());
  auto ia = a.begin(), ib = b.begin();
  for (size_t i = 0; i < a.size(); ++i, ++ia, ++ib) {
    auto ea = *ia, eb = *ib;
    std::string d = a.IsMap() ? difference(ea.first, eb.first, path + "/key" + std::to_string(i), depth + 1) +
                                    difference(ea.second, eb.second, path + "/" + ea.first.Scalar(), depth + 1)
                              : difference(ea, eb, path + "/" + std::to_string(i), depth + 1);
    if (!d.empty()) return d;
  }
  return "";
}

}  // namespace

std::string yaml_difference(const YamlNode& a, const YamlNode& b) { return difference(a, b, "", 0); }

}  // namespace pp::model
