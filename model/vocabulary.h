// The fact vocabulary: what a case may state, as data (model layer).
// Loaded from a *.facts.yaml file shared by the policies on one procedure.
// Facts are flattened into atoms (the variables the evaluators and the Z3
// compiler see) and slots (the units a case states or leaves unknown).
#pragma once
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "model/diagnostic.h"

namespace pp::model {

// What a reviewer's "what would make this approvable" may change (case-format.md
// "Kinds"; model/change_rules.h turns a kind into a rule):
//   request        the provider may change it (levels: only drop some)
//   care           can be completed (numbers of care accrue with time)
//   documentation  can be documented
//   correctable    a state treatment can end (true -> false)
//   elapsed        time: only moves forward (the clock of the time section)
//   plan           the treating team's clinical plan: fixed, like clinical
//   clinical       the patient's state: fixed
enum class FactKind { Request, Care, Documentation, Correctable, Elapsed, Plan, Clinical };
const char* to_string(FactKind k);

enum class FactType {
  Bool,      // true|false
  Number,    // finite number in [min, max]
  Enum,      // one of `values`
  EnumSet,   // array of distinct `values` (request.levels); ordered values allow ranges
  Group,     // object of member: bool, or array of the true members
  CodeList,  // array of {"code": c, "units": n>=1}, c one of `values`
};

enum class AtomType : std::uint8_t { Bool, Number, Enum };

// One variable: a bool, a number or an enum index.
struct Atom {
  std::string name;  // dotted path; also the Z3 name (request.levels.T5)
  AtomType type = AtomType::Bool;
  int fact = -1;     // owning fact
  int slot = -1;     // owning slot
  int member = -1;   // index in the fact's values/members, or -1
};

// A unit of knowledge: what a case states or leaves absent as one piece.
// Scalars and group members are one slot each; an EnumSet or CodeList is one
// slot (the whole array) spanning one atom per value.
struct Slot {
  std::string path;  // fact path as outputs name it (case-format.md "Fact paths")
  FactKind kind = FactKind::Clinical;
  int fact = -1;
  int member = -1;            // group member index, or -1
  std::vector<int> atoms;
};

struct Member {
  std::string name;
  std::string text;  // policy wording
  FactKind kind = FactKind::Clinical;
};

struct Fact {
  std::string path;
  FactType type = FactType::Bool;
  FactKind kind = FactKind::Clinical;
  std::string description;
  std::string source;
  std::string item = "value";      // what one value is called in messages ("level", "code")
  std::vector<std::string> values;  // Enum, EnumSet, CodeList
  std::vector<Member> members;      // Group
  double min = 0;                   // Number
  double max = 1e300;               // Number
  bool grows_only = false;          // Number: can only grow (time moves forward, care accrues)
  bool elapsed = false;             // Number: moves with time (kind elapsed, or `[care, elapsed]`)
  std::vector<int> slots;
  std::vector<int> atoms;           // in value/member order
  int line = 0;                     // where declared in the vocabulary file
};

// A constraint facts place on each other, as an expression source string;
// the policy loader parses it (it needs the expression parser).
struct RelationSource {
  std::string id;
  std::string text;
  std::string rule;  // e.g. "a -> b"
  int line = 0, column = 0;
  bool quoted = false;
};

// How time couples the elapsed facts (the vocabulary's `time:` section): the
// clock moves forward only; each accruing fact grows by at most the time the
// clock moves (they accrue side by side, so N more weeks of each take N weeks).
struct TimeCoupling {
  int clock = -1;                // fact index of the clock, or -1 (no time section)
  std::vector<int> accruing;     // fact indices that accrue at most one unit per unit of clock
  std::string says;              // how the clock reads to a person: "the pain is {} weeks old"
  int line = 0;
};

struct Vocabulary {
  std::string id;
  std::string file;
  std::vector<Fact> facts;
  std::vector<Atom> atoms;
  std::vector<Slot> slots;
  std::vector<RelationSource> relations;
  TimeCoupling time;
  std::map<std::string, int, std::less<>> atom_by_name;
  std::map<std::string, int, std::less<>> fact_by_path;
  std::map<std::string, int, std::less<>> slot_by_path;

  int find_fact(std::string_view path) const;  // -1 if none
  int find_atom(std::string_view name) const;
  int find_slot(std::string_view path) const;
};

// Parses a vocabulary file's text; throws DiagnosticError (file:line:col).
Vocabulary load_vocabulary(const std::string& text, const std::string& file_name);

}  // namespace pp::model
