#include "cli/case_line_worker.h"

#include "cli/case_result_output.h"

namespace pp::cli {

CaseLineWorker::CaseLineWorker(std::shared_ptr<const model::Policy> policy, std::string name, bool assume_absent)
    : policy_(std::move(policy)), name_(std::move(name)), assume_absent_(assume_absent), reader_(*policy_),
      case_(policy_->vocab) {}

bool CaseLineWorker::process(std::string_view line, long n, bool too_long, std::string& out, std::string& err) {
  const size_t mark = out.size();
  try {
    if (too_long) throw line_too_large(name_, n, model::kMaxCaseBytes);
    reader_.read_into(line, name_, n, case_);
    if (assume_absent_) model::assume_absent(*policy_, case_);
    answer(case_, out);
    out += '\n';
    return true;
  } catch (const model::DiagnosticError& e) {
    out.resize(mark);  // nothing of a half-made answer
    std::string msg = e.diagnostic().str();
    err += msg;
    err += '\n';
    append_error_json(out, n, msg);
    out += '\n';
    return false;
  }
}

BatchOptions case_batch_options(const BatchInput& in, int jobs) {
  BatchOptions bo;
  bo.name = in.name();
  bo.jobs = jobs > 0 ? jobs : default_jobs();
  bo.max_line = model::kMaxCaseBytes;
  return bo;
}

}  // namespace pp::cli
