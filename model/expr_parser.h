// Parser of the expression language of policy, vocabulary and properties
// files (model layer). Grammar (README.md "Policy files"):
//   expr    := or ('->' expr)?
//   or      := and ('or' and)*          and := unary ('and' unary)*
//   unary   := 'not' unary | primary
//   primary := '(' expr ')' | true | false | approved | '@'criterion-id
//            | (any|all|none) PATH in SET | count PATH [in SET] CMP NUMBER
//            | PATH CMP NUMBER | PATH (==|!=) VALUE | PATH in SET | PATH
//   SET     := '{' item (',' item)* '}'    item := VALUE | VALUE..VALUE
#pragma once
#include <functional>
#include <string>
#include <string_view>

#include "model/expr.h"
#include "model/vocabulary.h"

namespace pp::model {

struct ExprContext {
  const Vocabulary* vocab = nullptr;
  // Resolves `@id` to a criterion index (-1 if unknown); null = refs not allowed.
  std::function<int(const std::string&)> resolve_ref;
  bool allow_decision = false;  // `approved` (properties files)
  std::string file;
  int line = 1, column = 1;     // where the expression text starts (1-based)
  std::string_view source;      // the whole text of `file`, for the source line under an error ("" = none)
};

// Parses `text`; throws DiagnosticError at file:line:column of the offending token.
Expr parse_expr(const std::string& text, const ExprContext& ctx);

}  // namespace pp::model
