// Streaming JSONL batches on all cores (cli layer): lines are read in
// blocks (block_reader.h) and worker threads read them in place, a chunk of
// lines at a time; the results are written in input order, so `--jobs N`
// prints exactly what `--jobs 1` does. Memory is bounded by the blocks in
// flight (one with `--jobs 1`, three otherwise, 4 MiB each) and their
// results, whatever the input size.
#pragma once
#include <cstdio>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "model/diagnostic.h"

namespace pp::cli {

// The input of `--batch PATH` (`-`: standard input), closed when it goes.
// Throws DiagnosticError when the file cannot be opened.
class BatchInput {
 public:
  explicit BatchInput(const std::string& path);
  ~BatchInput();
  BatchInput(const BatchInput&) = delete;
  BatchInput& operator=(const BatchInput&) = delete;
  std::FILE* file() const { return file_; }
  const std::string& name() const { return name_; }  // for messages: "<stdin>" or the path

 private:
  std::FILE* file_;
  std::string name_;
};

// The user error of batch line `n` of `name` when it is over `max_bytes`.
model::DiagnosticError line_too_large(const std::string& name, long n, size_t max_bytes);

// What one worker thread does with one line; owns its own reader/engine.
class LineWorker {
 public:
  virtual ~LineWorker() = default;
  // Appends the line's result (one JSON object and '\n') to `out`; on a user
  // error appends the error result, appends the one-line message to `err`
  // and returns false.
  virtual bool process(std::string_view line, long line_number, bool too_long, std::string& out,
                       std::string& err) = 0;
};

// Worker threads at most: a larger `--jobs` is clamped to it.
constexpr int kMaxJobs = 256;

struct BatchOptions {
  std::string name;  // input name for messages ("<stdin>" or the file)
  int jobs = 1;      // worker threads (>= 1)
  size_t max_line = 1 << 20;
  // Lines read ahead per block and taken by a worker at a time: large for
  // fast workers (evaluate), small where each line is slow (explain), so
  // that results keep coming.
  size_t block_lines = 4096;
  size_t chunk_lines = 256;
  bool flush_each = false;  // flush the output after each line (one job) or block
};

// Runs every line of `in` through workers made by `make_worker` (called once
// per thread). Returns false when any line was bad.
bool run_batch(std::FILE* in, std::FILE* out, std::FILE* err, const BatchOptions& options,
               const std::function<std::unique_ptr<LineWorker>()>& make_worker);
// The same, handing the results to `out` in input order instead of a file
// (a command that adds them up, such as `diff --cases`): called on the
// calling thread with the next results and whether to flush (at the end,
// and after every line or block when flush_each).
using ResultSink = std::function<void(std::string_view results, bool flush)>;
bool run_batch(std::FILE* in, const ResultSink& out, std::FILE* err, const BatchOptions& options,
               const std::function<std::unique_ptr<LineWorker>()>& make_worker);

// The user error of a batch input that fails while being read (errno `error`).
model::DiagnosticError read_error(const std::string& name, int error);

// The default --jobs: every core.
int default_jobs();

}  // namespace pp::cli
