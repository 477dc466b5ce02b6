// The case reader's fast path (model layer): one pass over the bytes of a
// case in the common form, driven by the vocabulary's tree of fact paths.
// It declines anything unusual (escapes, bytes outside ASCII but in case_id,
// exotic numbers, and every error), and the strict reader (case_reader.cpp)
// then reads that case and reports its error exactly.
//
// Lines of a batch mostly share one shape: the same keys, whitespace and
// nesting, with different values. The reader keeps the shape of the last
// case it read in full (the literal bytes between values, and which value
// comes where) and reads the next case against it first: each literal is
// compared as a block of bytes and each value read by the same code as in
// the full scan. At the first difference it falls back to the full scan.
#pragma once
#include <algorithm>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "model/case.h"
#include "model/name_table.h"
#include "model/vocabulary.h"

namespace pp::model {

class FastCaseReader {
 public:
  explicit FastCaseReader(const Vocabulary& v);

  // Reads `json` into `out` and returns true when it is one well-formed case
  // object in the common form; returns false otherwise (`out` is then
  // unspecified). Domain relations and "empty case" are not checked here.
  // INVARIANT: when it returns true, `out` is exactly what the strict reader
  // reads from the same text, and the strict reader accepts the JSON and
  // every field of it (it may still refuse the case as empty or as
  // contradicting a relation, which the caller checks).
  // Not thread-safe (scratch space is shared between reads).
  bool read(std::string_view json, Case& out);

  // Per atom, the constants its number is compared with (exact_number.h): a
  // number of over 15 digits whose double equals one is left to the strict
  // reader, which compares it as written.
  void set_number_constants(std::vector<std::vector<double>> constants) { number_constants_ = std::move(constants); }

  // False when the vocabulary has names the fast path cannot match as raw
  // bytes (quotes, backslashes, control or non-ASCII characters); every case
  // then goes to the strict reader.
  bool enabled() const { return enabled_; }

  // Cases read against the last case's shape (for tests and benchmarks).
  size_t shape_hits() const { return shape_hits_; }

 private:
  std::vector<std::vector<double>> number_constants_;
  bool equals_constant(int atom, double d) const {
    if (static_cast<size_t>(atom) >= number_constants_.size()) return false;
    const auto& c = number_constants_[static_cast<size_t>(atom)];
    return std::binary_search(c.begin(), c.end(), d);
  }
  struct Field {
    int fact = -1;  // >= 0: a fact; -2: case_id; -1: an object (node)
    int node = -1;  // the object's node, when fact == -1
  };
  struct Node {
    NameTable names;
    std::vector<Field> fields;
  };
  struct FactInfo {
    FactType type = FactType::Bool;
    double min = 0, max = 0;
    NameTable names;  // values (Enum, EnumSet, CodeList) or members (Group)
    const int* atoms = nullptr;
  };
  // A case's shape: the literal bytes before each value, and the value.
  struct Step {
    enum Kind : std::uint8_t { End, CaseId, Bool, Number, Enum, EnumSet, GroupArray, CodeList };
    Kind kind = End;
    int arg = 0;                // Bool: the atom; End, CaseId: unused; others: the fact
    std::uint32_t offset = 0;   // the literal before the value, in Shape::literals
    std::uint32_t length = 0;
  };
  struct Shape {
    std::vector<Step> steps;  // INVARIANT: when not empty, the last step is End
    std::string literals;
    std::vector<std::uint8_t> known;  // per atom: set by these steps
  };
  class Scan;

  void reset(Case& out);

  const Vocabulary& vocab_;
  std::vector<Node> nodes_;  // nodes_[0] is the case object
  std::vector<FactInfo> facts_;
  NameTable code_fields_;    // "code", "units"
  std::vector<std::uint64_t> known_bits_;  // scratch: per atom, known
  bool enabled_ = true;
  Shape shape_;      // the last case read in full
  Shape recording_;  // scratch: the shape of the case being read in full
  size_t shape_hits_ = 0;
};

}  // namespace pp::model
