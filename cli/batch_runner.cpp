#include "cli/batch_runner.h"

#include <sys/stat.h>

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <cstring>
#include <exception>
#include <mutex>
#include <thread>
#include <vector>

#include "cli/block_reader.h"

namespace pp::cli {

namespace {

constexpr size_t kBlockBytes = 4 << 20;

}  // namespace

BatchInput::BatchInput(const std::string& path)
    : file_(path == "-" ? stdin : std::fopen(path.c_str(), "rb")), name_(path == "-" ? "<stdin>" : path) {
  if (!file_) {
    model::Diagnostic d;
    d.location.file = path;
    d.message = "cannot read the file (no such file, or not readable)";
    throw model::DiagnosticError(d);
  }
  struct stat st;
  if (fstat(fileno(file_), &st) == 0 && S_ISDIR(st.st_mode)) {
    std::fclose(file_);
    model::Diagnostic d;
    d.location.file = path;
    d.message = "is a directory (expected a JSONL file of cases, one per line)";
    throw model::DiagnosticError(d);
  }
}

BatchInput::~BatchInput() {
  if (file_ != stdin) std::fclose(file_);
}

model::DiagnosticError line_too_large(const std::string& name, long n, size_t max_bytes) {
  model::Diagnostic d;
  d.location.file = name;
  d.location.batch_line = n;
  d.message = "case too large (expected at most " + std::to_string(max_bytes) + " bytes)";
  return model::DiagnosticError(d);
}

model::DiagnosticError read_error(const std::string& name, int error) {
  model::Diagnostic d;
  d.location.file = name;
  d.message = std::string("cannot read further (") + std::strerror(error) + "); the lines before were answered";
  return model::DiagnosticError(d);
}

int default_jobs() {
  unsigned n = std::thread::hardware_concurrency();
  return n == 0 ? 1 : static_cast<int>(n);
}

bool run_batch(std::FILE* in, std::FILE* out, std::FILE* err, const BatchOptions& options,
               const std::function<std::unique_ptr<LineWorker>()>& make_worker) {
  BlockReader reader(in, options.max_line, kBlockBytes);
  int jobs = std::max(1, options.jobs);
  const size_t block_lines = std::max<size_t>(1, options.block_lines);
  bool ok = true;

  if (jobs == 1) {
    auto worker = make_worker();
    std::string o, e;
    LineBlock b;
    while (reader.fill(b, block_lines)) {
      for (size_t i = 0; i < b.size(); ++i) {
        if (!worker->process(b.line(i), b.number[i], b.too_long[i] != 0, o, e)) ok = false;
        if (o.size() > (1 << 16) || options.flush_each) {
          std::fwrite(o.data(), 1, o.size(), out);
          o.clear();
          if (options.flush_each) std::fflush(out);
        }
        if (!e.empty()) {
          std::fwrite(e.data(), 1, e.size(), err);
          e.clear();
        }
      }
    }
    std::fwrite(o.data(), 1, o.size(), out);
    std::fflush(out);
    if (reader.error()) throw read_error(options.name, reader.error());
    return ok;
  }

  // Worker threads take chunks of the current block as they come free (a
  // busy core slows no one else); each chunk's results go to its own
  // buffers. Meanwhile the main thread writes the previous block's results
  // in input order and reads the next block.
  // A cache line each: two workers filling neighbouring chunks would
  // otherwise write the same line at every append (false sharing).
  struct alignas(64) Chunk {
    std::string out, err;
    bool ok = true;
  };
  LineBlock blocks[2];
  std::vector<Chunk> results[2];  // per block: its chunks' results
  const size_t chunk_lines = std::max<size_t>(1, options.chunk_lines);
  results[0].resize((block_lines + chunk_lines - 1) / chunk_lines);
  results[1].resize(results[0].size());

  std::mutex m;
  std::condition_variable start_cv, done_cv;
  long generation = 0;
  int pending = 0;
  int made = 0;                  // workers made (or failed to be)
  std::exception_ptr make_error;  // the first failure to make one
  bool stop = false;
  int current = 0;
  std::atomic<size_t> next_chunk{0};

  auto work = [&] {
    // Each thread makes its own worker, so the scratch memory written at
    // every line comes from this thread's heap arena: workers made one after
    // another on one thread sit side by side and share cache lines.
    std::unique_ptr<LineWorker> mine;
    try {
      mine = make_worker();
    } catch (...) {
      std::lock_guard<std::mutex> lock(m);
      if (!make_error) make_error = std::current_exception();
    }
    {
      std::lock_guard<std::mutex> lock(m);
      ++made;
    }
    done_cv.notify_one();
    long seen = 0;
    while (true) {
      int c;
      {
        std::unique_lock<std::mutex> lock(m);
        start_cv.wait(lock, [&] { return stop || generation != seen; });
        if (stop) return;
        seen = generation;
        c = current;
      }
      const LineBlock& b = blocks[c];
      std::vector<Chunk>& res = results[c];
      LineWorker& worker = *mine;  // INVARIANT: blocks come only when every worker was made
      size_t n = b.size();
      size_t chunks = (n + chunk_lines - 1) / chunk_lines;
      for (size_t k; (k = next_chunk.fetch_add(1, std::memory_order_relaxed)) < chunks;) {
        Chunk& ch = res[k];
        for (size_t i = k * chunk_lines, hi = std::min(n, i + chunk_lines); i < hi; ++i) {
          if (!worker.process(b.line(i), b.number[i], b.too_long[i] != 0, ch.out, ch.err)) ch.ok = false;
        }
      }
      {
        std::lock_guard<std::mutex> lock(m);
        if (--pending == 0) done_cv.notify_one();
      }
    }
  };
  std::vector<std::thread> threads;
  for (int w = 0; w < jobs; ++w) threads.emplace_back(work);
  auto stop_all = [&] {
    {
      std::lock_guard<std::mutex> lock(m);
      stop = true;
    }
    start_cv.notify_all();
    for (auto& t : threads) t.join();
  };
  {
    std::unique_lock<std::mutex> lock(m);
    done_cv.wait(lock, [&] { return made == jobs; });
  }
  if (make_error) {
    stop_all();
    std::rethrow_exception(make_error);
  }

  // Writes a finished block's results in input order, and empties them.
  auto write = [&](std::vector<Chunk>& res) {
    for (auto& ch : res) {
      std::fwrite(ch.err.data(), 1, ch.err.size(), err);
      std::fwrite(ch.out.data(), 1, ch.out.size(), out);
      ch.out.clear();
      ch.err.clear();
      ok = ok && ch.ok;
      ch.ok = true;
    }
    if (options.flush_each) std::fflush(out);
  };

  int cur = 0;
  bool have = reader.fill(blocks[cur], block_lines);
  bool unwritten = false;  // results[1 - cur] hold the previous block's results
  while (have) {
    {
      std::lock_guard<std::mutex> lock(m);
      current = cur;
      next_chunk.store(0, std::memory_order_relaxed);
      pending = jobs;
      ++generation;
    }
    start_cv.notify_all();
    // Overlaps with the workers: the previous block's results go out, and
    // the next block comes in (its bytes were last read by finished workers).
    if (unwritten) write(results[1 - cur]);
    bool next = reader.fill(blocks[1 - cur], block_lines);
    {
      std::unique_lock<std::mutex> lock(m);
      done_cv.wait(lock, [&] { return pending == 0; });
    }
    unwritten = true;
    cur = 1 - cur;
    have = next;
  }
  if (unwritten) write(results[1 - cur]);
  stop_all();
  std::fflush(out);
  if (reader.error()) throw read_error(options.name, reader.error());
  return ok;
}

}  // namespace pp::cli
