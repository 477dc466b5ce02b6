// A small read-only hash table from names to their indices in a list, for
// matching JSON keys and enum values in the case reader's hot path (model layer).
#pragma once
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>
#include <vector>

namespace pp::model {

class NameTable {
 public:
  NameTable() = default;
  // Indexes `names` (their positions are the answers of find). Names that
  // appear twice keep their first index.
  explicit NameTable(const std::vector<std::string>& names) : names_(names) {
    for (const auto& n : names) quoted_.push_back(n + '"');
    size_t cap = 8;
    while (cap < names.size() * 2) cap *= 2;
    slots_.assign(cap, -1);
    mask_ = cap - 1;
    for (size_t i = 0; i < names.size(); ++i) {
      if (find(names[i]) >= 0) continue;
      size_t h = hash(names[i]) & mask_;
      while (slots_[h] >= 0) h = (h + 1) & mask_;
      slots_[h] = static_cast<std::int32_t>(i);
    }
  }

  // Index of `s` in the list, or -1.
  int find(std::string_view s) const {
    if (slots_.empty()) return -1;
    // INVARIANT: the table is at most half full, so probing ends at an empty slot.
    for (size_t h = hash(s) & mask_;; h = (h + 1) & mask_) {
      std::int32_t i = slots_[h];
      if (i < 0) return -1;
      const std::string& n = names_[static_cast<size_t>(i)];
      if (n.size() == s.size() && std::memcmp(n.data(), s.data(), s.size()) == 0) return i;
    }
  }

  size_t size() const { return names_.size(); }
  const std::string& name(size_t i) const { return names_[i]; }
  // The name followed by a closing quote, as it ends a JSON string.
  const std::string& quoted(size_t i) const { return quoted_[i]; }

 private:
  // Length and the first and last two bytes: enough to spread short names.
  static size_t hash(std::string_view s) {
    size_t n = s.size();
    std::uint32_t h = static_cast<std::uint32_t>(n) * 0x9E3779B1u;
    if (n) {
      auto b = [&](size_t i) { return static_cast<std::uint32_t>(static_cast<unsigned char>(s[i])); };
      h ^= b(0) | b(n - 1) << 8 | b(n / 2) << 16 | b(n > 1 ? n - 2 : 0) << 24;
      h *= 0x85EBCA77u;
      h ^= h >> 15;
    }
    return h;
  }

  std::vector<std::string> names_;
  std::vector<std::string> quoted_;
  std::vector<std::int32_t> slots_;
  size_t mask_ = 0;
};

}  // namespace pp::model
