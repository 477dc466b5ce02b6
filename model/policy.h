// A coverage policy as data: criteria, pathways, exclusions, ambiguities,
// codes and definitions, over a fact vocabulary (model layer; no Z3 here).
//
// Decision rule (CMM.SP.IN.607.2 / CMM.SP.NI.607.3): medically necessary when
// ANY pathway is met and NO exclusion applies.
#pragma once
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "model/expr.h"
#include "model/vocabulary.h"

namespace pp::model {

enum class CriterionKind { Condition, Pathway, Exclusion };
enum class Combinator { Leaf, All, Any };
const char* to_string(CriterionKind k);
const char* to_string(Combinator c);

struct Criterion {
  std::string id;        // stable id, e.g. IN.NM.levels; also the Z3 name and graph node id
  std::string section;   // policy section id, e.g. CMM.SP.IN.607.2
  CriterionKind kind = CriterionKind::Condition;
  std::string category;  // exclusions: alternative_cause | non_indication | contraindication
  std::string title;     // a few words for graphs and tables
  std::string text;      // the exact policy wording it encodes
  Combinator combinator = Combinator::Leaf;
  std::vector<int> children;   // All/Any: the criteria combined
  std::string when_source;     // Leaf: the condition as written
  Expr expr;                   // the condition (All/Any become And/Or of Refs)
  std::vector<std::string> ambiguities;  // ids of ambiguities touching it
  std::string note;
  int line = 0, column = 0;
};

struct Section {
  std::string id;     // CMM.SP.GG.607.1
  std::string title;  // General Guidelines
  std::string heading;  // the heading in the source text
};

// A kind of exclusion (alternative_cause, non_indication, contraindication):
// the policy's introductory sentence for its list.
struct Category {
  std::string id;
  std::string section;
  std::string title;
  std::string text;
};

struct Relation {
  std::string id;
  std::string text;
  std::string rule_source;
  Expr expr;
  int line = 0;
};

// One criterion's condition under a reading, parsed once at load time.
struct ReadingExpr {
  int criterion = -1;       // index into Policy::criteria
  std::string when_source;  // the condition as written
  Expr expr;
};

struct Reading {
  std::string id;
  std::string text;
  std::map<std::string, std::string> overrides;  // criterion id -> `when` source
  // Every criterion that some reading of the same ambiguity overrides, with
  // its condition under this reading (for the encoded reading: as encoded).
  // `Policy::under` swaps these in; nothing is parsed again.
  std::vector<ReadingExpr> exprs;
};

struct Ambiguity {
  std::string id;
  std::string question;
  std::string quote;                  // the policy words that are ambiguous
  std::vector<std::string> criteria;  // criteria it touches
  std::string chosen;                 // id of the reading in force (the encoded one unless `Policy::under` chose another)
  std::vector<Reading> readings;      // the encoded reading first
  int line = 0;

  const Reading* find_reading(std::string_view id) const;  // nullptr if none
  const Reading& reading_in_force() const;
};

struct Code {
  std::string code;          // 22514
  std::string description;   // verbatim
  std::string procedure;     // vertebroplasty | kyphoplasty | sacroplasty
  std::vector<std::string> levels;      // levels the code may describe
  std::vector<std::string> techniques;  // request.technique values it may describe
  bool add_on = false;
};

struct Definition {
  std::string term;
  std::string text;
  std::vector<std::string> techniques;  // technique values the term covers
};

struct Policy {
  std::string id, title, version, effective, source_file;
  std::string file;           // where it was loaded from ("<bundled>/cmm-607.yaml")
  std::string dir;            // its directory ("" when bundled): companion files are looked up there first
  std::string sha256;         // of the policy bytes followed by the vocabulary bytes
  std::string decision_text;  // "... medically necessary for ANY of the following ..."
  std::string default_denial_text;
  std::string default_denial_section;
  Vocabulary vocab;
  std::vector<Section> sections;
  std::vector<Category> categories;
  std::vector<Relation> relations;
  std::vector<Criterion> criteria;  // INVARIANT: topologically ordered (children before parents)
  std::vector<int> pathways;        // criterion indices, in file order
  // The criterion (a condition) saying which cases the policy addresses, from
  // its `scope:`; -1 when it addresses every case. Outside it a case is
  // out of scope: neither approved nor denied (Decision::OutOfScope).
  int scope = -1;
  std::vector<int> exclusions;
  std::vector<Ambiguity> ambiguities;
  std::vector<Code> codes;
  std::vector<Definition> definitions;
  std::map<std::string, int, std::less<>> criterion_by_id;

  int find_criterion(std::string_view id) const;  // -1 if none
  const Criterion& criterion(std::string_view id) const;  // asserts it exists
  const Ambiguity* find_ambiguity(std::string_view id) const;  // nullptr if none

  // This policy under other readings of its named ambiguities (ambiguity id
  // -> reading id; the others keep the reading in force here): a copy whose
  // criteria take the readings' conditions, parsed once at load time.
  // An unknown ambiguity or reading is a DiagnosticError (located at
  // `where`) naming the known ones. Two readings that override the same
  // criterion: the one of the ambiguity listed later in the file wins.
  std::shared_ptr<const Policy> under(const std::map<std::string, std::string>& readings,
                                      const std::string& where = "--reading") const;
  // The ambiguity readings in force that are not the encoded ones ("AMB.x=calendar", ...).
  std::vector<std::string> readings_in_force() const;
};

// A companion file named by a policy (its vocabulary, its source text):
// `dir/name` when `dir` is not empty and the file is there, else the bundled
// copy. Returns false when neither exists; `where` says which was read.
bool find_beside_or_bundled(const std::string& dir, const std::string& name, std::string& text,
                            std::string& where);

// Where to find a vocabulary named by a policy file: the policy's directory
// first, then the bundled files.
struct PolicySource {
  std::string text;
  std::string file;  // display name
  std::string dir;   // directory to resolve the vocabulary in ("" = bundled only)
};

// Loads and validates a policy; throws DiagnosticError (file:line:col).
// `overrides` replace the `when` of the named criteria (used for ambiguity readings).
std::shared_ptr<const Policy> load_policy(const PolicySource& src,
                                          const std::map<std::string, std::string>& overrides = {});
// The bundled CMM-607 model.
std::shared_ptr<const Policy> load_bundled_policy();
// A policy file from disk (throws DiagnosticError when unreadable).
std::shared_ptr<const Policy> load_policy_file(const std::string& path);

// Parses an expression against a policy's vocabulary and criteria (for
// properties files). `line`/`column` locate the source for diagnostics.
Expr parse_expression(const Policy& policy, const std::string& source, const std::string& file,
                      int line, int column, bool allow_decision);

// Reads a whole file; throws DiagnosticError naming it when it cannot.
std::string read_file(const std::string& path);

}  // namespace pp::model
