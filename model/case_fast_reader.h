// The case reader's fast path (model layer): one pass over the bytes of a
// case in the common form, driven by the vocabulary's tree of fact paths.
// It declines anything unusual (escapes, bytes outside ASCII but in case_id,
// exotic numbers, and every error), and the strict reader (case_reader.cpp)
// then reads that case and reports its error exactly.
#pragma once
#include <cstdint>
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

  // False when the vocabulary has names the fast path cannot match as raw
  // bytes (quotes, backslashes, control or non-ASCII characters); every case
  // then goes to the strict reader.
  bool enabled() const { return enabled_; }

 private:
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
  class Scan;

  const Vocabulary& vocab_;
  std::vector<Node> nodes_;  // nodes_[0] is the case object
  std::vector<FactInfo> facts_;
  NameTable code_fields_;    // "code", "units"
  std::vector<std::uint64_t> known_bits_;  // scratch: per atom, known
  bool enabled_ = true;
};

}  // namespace pp::model
