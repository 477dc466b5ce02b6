// Traceability between the policy text and the model, both ways (reports
// layer): where each criterion's sentence stands in the source, what each
// source block encodes, which pathway or exclusion each criterion belongs to,
// and which criterion bullets of the policy no criterion encodes.
#pragma once
#include <string>
#include <vector>

#include "model/policy.h"
#include "reports/source_document.h"

namespace pp::reports {

// What a stretch of source text is encoded as.
enum class TargetKind {
  Criterion,      // index = criterion index
  Category,       // index = category index (the sentence that opens an exclusion list)
  Decision,       // the decision rule's sentence
  DefaultDenial,  // the default denial's sentence
  Definition,     // index = definition index
  Code,           // index = code index
};

struct Target {
  TargetKind kind = TargetKind::Criterion;
  int index = -1;
  bool operator==(const Target& o) const { return kind == o.kind && index == o.index; }
};

// A stretch [begin, end) of one cell's text that encodes `target`.
struct Span {
  int cell = 0;
  size_t begin = 0, end = 0;
  Target target;
};

enum class Coverage {
  Encoded,      // criteria (or the decision / a category sentence) encode all its words
  Partial,      // some of its words are encoded, some are not
  Data,         // a definition or a code, encoded as data (not as a criterion)
  NotEncoded,   // no criterion encodes it: instructions, headings, front matter (expected)
  Uncovered,    // a bullet of a criteria list that no criterion encodes: an error
  Furniture,    // page furniture, not shown
};
const char* to_string(Coverage c);

struct BlockTrace {
  Coverage coverage = Coverage::NotEncoded;
  std::vector<Span> spans;              // sorted by (cell, begin, end)
  std::vector<int> ambiguities;         // ambiguities whose quote it contains
  bool criteria_list = false;           // a bullet of a list some criterion encodes
};

struct CriterionTrace {
  std::vector<int> parents;             // criteria that list it as a child (all:/any:)
  std::vector<int> users;               // criteria whose `when` refers to it (@id)
  std::vector<int> owners;              // the pathways and exclusions it serves (itself when it is one)
  std::vector<std::vector<int>> chains; // per owner: the criteria from the owner down to it
  std::vector<std::pair<int, int>> found_at;  // (part, block) where its sentence stands
};

struct Traceability {
  std::vector<std::vector<BlockTrace>> blocks;  // per part, per block
  std::vector<CriterionTrace> criteria;         // per criterion index
  std::vector<std::pair<int, int>> decision_at, default_denial_at;
  std::vector<std::vector<std::pair<int, int>>> category_at;    // per category
  std::vector<std::vector<std::pair<int, int>>> ambiguity_at;   // per ambiguity
  std::vector<std::vector<std::pair<int, int>>> definition_at;  // per definition
  std::vector<std::vector<std::pair<int, int>>> code_at;        // per code
  int encoded_bullets = 0;    // criterion bullets some criterion encodes
  int uncovered_bullets = 0;  // criterion bullets none encodes (errors)
  std::vector<int> criteria_not_found;  // criteria whose sentence is nowhere in the text
};

// The text the report compares: lowercase, markup and ® dropped, blanks
// collapsed, no blank before , . ; : ) (the model quotes the policy "verbatim
// modulo whitespace and markup"). `map` gets, per output byte, its input byte.
std::string normalize_for_match(const std::string& s, std::vector<size_t>* map = nullptr);

// Links `doc` and `policy`. Where the same sentence encodes several criteria
// (e.g. "Imaging is concordant ..." in two pathways), the occurrence under a
// heading that names a criterion's pathway goes to that criterion; a sentence
// found inside a longer encoded sentence counts only for criteria related to
// it (same pathway or exclusion, or one inside the other).
Traceability trace(const model::Policy& policy, const SourceDocument& doc);

// The owners and parent chains of every criterion, without a source text.
std::vector<CriterionTrace> criterion_structure(const model::Policy& policy);

}  // namespace pp::reports
