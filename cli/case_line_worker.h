// The batch worker of the commands that answer one case a line (evaluate,
// explain): it reads the line as a case of its policy (the fast reader,
// falling back to the strict one), completes it with `--assume-absent` when
// asked, and lets the command answer it; a bad line gets its one-line
// message on stderr and an error object in its place, so the output keeps
// one line per input line.
#pragma once
#include <memory>
#include <string>
#include <string_view>

#include "cli/batch_runner.h"
#include "model/case.h"
#include "model/case_reader.h"
#include "model/policy.h"

namespace pp::cli {

class CaseLineWorker : public LineWorker {
 public:
  CaseLineWorker(std::shared_ptr<const model::Policy> policy, std::string name, bool assume_absent);
  bool process(std::string_view line, long n, bool too_long, std::string& out, std::string& err) final;

 protected:
  // Appends the answer for `c` (one JSON object, no newline) to `out`.
  // Throws DiagnosticError for a case it cannot answer.
  virtual void answer(const model::Case& c, std::string& out) = 0;
  const std::shared_ptr<const model::Policy> policy_;

 private:
  std::string name_;
  bool assume_absent_;
  model::CaseReader reader_;
  model::Case case_;
};

// The options of a `--batch` run of `in` on `jobs` threads (0: every core):
// the input's name for messages and the case size limit.
BatchOptions case_batch_options(const BatchInput& in, int jobs);

}  // namespace pp::cli
