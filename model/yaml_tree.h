// A parsed YAML document as the loaders read it (model layer): mappings,
// lists, scalars and nulls, each with where it starts. Immutable once built;
// a node is a cheap handle that keeps its document alive. The names follow
// yaml-cpp's YAML::Node (IsMap, Scalar, Mark, iteration yielding `first` and
// `second` for a mapping), which the loaders were written against.
#pragma once
#include <cstddef>
#include <deque>
#include <memory>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

namespace pp::model {

// 0-based line and column (in bytes), -1 when unknown: yaml-cpp's convention.
struct YamlMark {
  int line = -1, column = -1;
};

// A node asked for what its shape cannot give (a key of a scalar): the
// loaders check shapes first, so this is a reader bug; YamlReader::guarded
// turns it into a located line.
struct YamlShapeError {
  YamlMark mark;
  std::string msg;
};

enum class YamlKind { Undefined, Null, Scalar, Sequence, Map };

struct YamlData {
  YamlKind kind = YamlKind::Undefined;
  bool quoted = false;  // a quoted or block scalar (yaml-cpp's tag "!"): text, never a null or a number
  bool flow = false;    // a flow mapping or list (`{...}`, `[...]`)
  YamlMark mark;
  std::string scalar;
  std::vector<const YamlData*> items;                                // Sequence
  std::vector<std::pair<const YamlData*, const YamlData*>> pairs;  // Map, in file order
};

// Owns every node of one document.
class YamlDocument {
 public:
  YamlData& add(YamlKind kind, YamlMark mark) {
    nodes_.emplace_back();
    nodes_.back().kind = kind;
    nodes_.back().mark = mark;
    return nodes_.back();
  }
  size_t size() const { return nodes_.size(); }

 private:
  std::deque<YamlData> nodes_;
};

class YamlEntry;

class YamlNode {
 public:
  YamlNode() = default;  // undefined
  YamlNode(std::shared_ptr<const YamlDocument> doc, const YamlData* d) : doc_(std::move(doc)), d_(d) {}

  YamlKind kind() const { return d_ ? d_->kind : YamlKind::Undefined; }
  bool IsDefined() const { return kind() != YamlKind::Undefined; }
  bool IsNull() const { return kind() == YamlKind::Null; }
  bool IsScalar() const { return kind() == YamlKind::Scalar; }
  bool IsSequence() const { return kind() == YamlKind::Sequence; }
  bool IsMap() const { return kind() == YamlKind::Map; }
  explicit operator bool() const { return IsDefined(); }
  bool operator!() const { return !IsDefined(); }

  bool IsQuoted() const { return d_ && d_->quoted; }
  bool IsFlow() const { return d_ && d_->flow; }
  YamlMark Mark() const { return d_ ? d_->mark : YamlMark{}; }
  // The text of a scalar; "" for any other node.
  const std::string& Scalar() const;
  // Items of a list, or pairs of a mapping; 0 for anything else.
  size_t size() const;

  // The value under `key` in a mapping; undefined when absent, and for a
  // null, a list or an undefined node. A scalar has no keys: YamlShapeError.
  YamlNode operator[](const char* key) const;
  YamlNode operator[](const std::string& key) const { return (*this)[key.c_str()]; }
  // Item i of a list; undefined past its end or for anything but a list.
  YamlNode at(size_t i) const;
  template <class I, std::enable_if_t<std::is_integral_v<I>, int> = 0>
  YamlNode operator[](I i) const {
    return i < 0 ? YamlNode(doc_, nullptr) : at(static_cast<size_t>(i));
  }

  class iterator;
  iterator begin() const;
  iterator end() const;

  // The same node of the same document.
  bool is(const YamlNode& o) const { return d_ == o.d_; }

 private:
  std::shared_ptr<const YamlDocument> doc_;
  const YamlData* d_ = nullptr;
};

// What iterating yields: for a list, the item itself (`first` and `second`
// undefined); for a mapping, `first` the key and `second` the value.
class YamlEntry : public YamlNode {
 public:
  YamlEntry(YamlNode self, YamlNode key, YamlNode value)
      : YamlNode(std::move(self)), first(std::move(key)), second(std::move(value)) {}
  YamlNode first, second;
};

class YamlNode::iterator {
 public:
  iterator(const YamlNode* owner, size_t i) : owner_(owner), i_(i) {}
  YamlEntry operator*() const;
  iterator& operator++() {
    ++i_;
    return *this;
  }
  bool operator!=(const iterator& o) const { return i_ != o.i_; }
  bool operator==(const iterator& o) const { return i_ == o.i_; }

 private:
  const YamlNode* owner_;
  size_t i_;
};

// The first way two trees differ (shape, scalar, quoting, style, mark), with
// its place ("/criteria/3/when: mark 5:9 vs 5:10"); "" when they agree.
std::string yaml_difference(const YamlNode& a, const YamlNode& b);

}  // namespace pp::model
