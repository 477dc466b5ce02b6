// Properties: what a policy promises, as an analyst writes them (model layer;
// the file format only, no Z3 — solver/prover.h checks them).
//
// A properties file is YAML:
//
//   policy: CMM-607            # optional: refuse to run against another policy
//   properties:
//     - id: P01.no_upper_thoracic          # unique; letters, digits, _ . -
//       text: no case with a level in T1-T4 is ever medically necessary
//       always: any request.levels in {T1..T4} -> not approved
//     - id: P10.malignant_reachable
//       text: the malignant pathway can approve a case
//       exists: "@IN.MAL and approved"
//     - id: P15.contraindications_monotone
//       text: adding a contraindication never turns a denial into an approval
//       monotone: {more: [contraindications], never: approve}
//
// Each property has exactly one of:
//   always: EXPR    holds for every case consistent with the domain relations;
//                   violated by a counterexample case.
//   exists: EXPR    holds for at least one such case (a witness); violated
//                   when none exists.
//   monotone: {more: [FACT, ...], never: approve|deny}
//                   for any two cases that differ only in the listed facts,
//                   where the second has "more" of them (a bool or group
//                   member false -> true, a number larger, a set with more
//                   values), the change never turns a denial into an approval
//                   (`never: approve`) or never an approval into a denial
//                   (`never: deny`). FACT is a fact path or a group member
//                   path; enum facts have no order and are refused.
// EXPR is the policy expression language (README "Policy files") plus
// `approved` (the decision: medically necessary) and `@ID` (the value of a
// criterion). Errors point at file:line:column.
#pragma once
#include <optional>
#include <string>
#include <vector>

#include "model/expr.h"
#include "model/policy.h"

namespace pp::model {

enum class PropertyKind { Always, Exists, Monotone };
const char* to_string(PropertyKind k);  // always | exists | monotone

struct MonotoneSpec {
  std::vector<std::string> facts;  // as written
  std::vector<int> atoms;          // the atoms that may grow, in vocabulary order
  bool never_approve = true;       // true: never denial -> approval; false: never approval -> denial
};

struct Property {
  std::string id;
  std::string text;
  PropertyKind kind = PropertyKind::Always;
  std::string source;    // always/exists: the expression as written
  Expr expr;             // always/exists
  MonotoneSpec monotone; // monotone
  int line = 0, column = 0;  // where the property's entry starts
};

struct PropertySet {
  std::string file;       // as named in diagnostics
  std::string policy_id;  // the `policy:` key, or ""
  std::vector<Property> properties;
};

// Parses a properties file's text against `policy`; throws DiagnosticError
// (file:line:column, what was expected).
PropertySet load_properties(const Policy& policy, const std::string& text, const std::string& file);
// A properties file from disk.
PropertySet load_properties_file(const Policy& policy, const std::string& path);
// The properties that go with `policy` when no file is named: a
// `<name>.properties.yaml` beside a policy loaded from disk, else the bundled
// one of that name, else the bundled one of the policy's id
// (cmm-607.properties.yaml for CMM-607 and any other version of it).
PropertySet load_default_properties(const Policy& policy);
// The same, or nothing when the policy has no properties file (beside it,
// bundled, or bundled for its id); throws only for a file that is bad.
std::optional<PropertySet> find_default_properties(const Policy& policy);

}  // namespace pp::model
