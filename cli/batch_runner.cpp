#include "cli/batch_runner.h"

#include <sys/stat.h>

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <cstring>
#include <exception>
#include <mutex>
#include <system_error>
#include <thread>
#include <vector>

#include "cli/block_reader.h"

namespace pp::cli {

namespace {

constexpr size_t kBlockBytes = 4 << 20;
constexpr size_t kSlots = 3;  // blocks in flight when jobs > 1

}  // namespace

BatchInput::BatchInput(const std::string& path)
    : file_(path == "-" ? stdin : std::fopen(path.c_str(), "rb")), name_(path == "-" ? "<stdin>" : path) {
  if (!file_) model::diagnose(path).fail("cannot read the file (no such file, or not readable)");
  struct stat st;
  if (fstat(fileno(file_), &st) == 0 && S_ISDIR(st.st_mode)) {
    std::fclose(file_);
    model::diagnose(path).fail("is a directory (expected a JSONL file of cases, one per line)");
  }
}

BatchInput::~BatchInput() {
  if (file_ != stdin) std::fclose(file_);
}

model::DiagnosticError line_too_large(const std::string& name, long n, size_t max_bytes) {
  return model::DiagnosticError(
      model::diagnose(name).batch_line(n).error("case too large (expected at most " + std::to_string(max_bytes) + " bytes)"));
}

model::DiagnosticError read_error(const std::string& name, int error) {
  return model::DiagnosticError(model::diagnose(name).error(std::string("cannot read further (") + std::strerror(error) +
                                                          "); the lines before were answered"));
}

int default_jobs() {
  unsigned n = std::thread::hardware_concurrency();
  return n == 0 ? 1 : static_cast<int>(n);
}

bool run_batch(std::FILE* in, std::FILE* out, std::FILE* err, const BatchOptions& options,
               const std::function<std::unique_ptr<LineWorker>()>& make_worker) {
  const bool flush_each = options.flush_each;
  auto write = [out, flush_each](std::string_view results, bool flush) {
    if (!results.empty()) std::fwrite(results.data(), 1, results.size(), out);  // never fwrite(nullptr, ...)
    if (flush || flush_each) std::fflush(out);
  };
  return run_batch(in, write, err, options, make_worker);
}

bool run_batch(std::FILE* in, const ResultSink& out, std::FILE* err, const BatchOptions& options,
               const std::function<std::unique_ptr<LineWorker>()>& make_worker) {
  BlockReader reader(in, options.max_line, kBlockBytes);
  int jobs = std::clamp(options.jobs, 1, kMaxJobs);
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
          out(o, false);
          o.clear();
        }
        if (!e.empty()) {
          std::fwrite(e.data(), 1, e.size(), err);
          e.clear();
        }
      }
    }
    out(o, true);
    if (reader.error()) throw read_error(options.name, reader.error());
    return ok;
  }

  // A pipeline without a barrier between blocks: the main thread fills up
  // to kSlots blocks ahead and writes finished chunks in input order, while
  // the workers take chunks in input order across blocks as they come free
  // (a worker never waits for another to finish a block: with more threads
  // than cores, one preempted in a block's last chunk would otherwise hold
  // up every core).
  // A cache line each: two workers filling neighbouring chunks would
  // otherwise write the same line at every append (false sharing).
  struct alignas(64) Chunk {
    std::string out, err;
    bool ok = true;
    bool done = false;  // guarded by m
  };
  struct Slot {
    LineBlock block;
    std::vector<Chunk> chunks;
    size_t count = 0;  // chunks of this block
  };
  Slot slots[kSlots];
  const size_t chunk_lines = std::max<size_t>(1, options.chunk_lines);
  for (auto& sl : slots) sl.chunks.resize((block_lines + chunk_lines - 1) / chunk_lines);

  std::mutex m;
  std::condition_variable work_cv, main_cv;
  long filled = 0;        // blocks filled (block n lives in slots[n % kSlots])
  long written = 0;       // blocks whose results are all written
  long take_block = 0;    // the next chunk to take: block and chunk index
  size_t take_chunk = 0;
  bool input_done = false;
  bool stop = false;
  int made = 0;                   // workers made (or failed to be)
  std::exception_ptr make_error;  // the first failure to make one

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
    main_cv.notify_one();
    while (true) {
      Slot* sl;
      size_t k;
      {
        std::unique_lock<std::mutex> lock(m);
        work_cv.wait(lock, [&] { return stop || take_block < filled; });
        if (stop) return;
        sl = &slots[take_block % kSlots];
        k = take_chunk;
        if (++take_chunk == sl->count) {
          ++take_block;
          take_chunk = 0;
        }
      }
      // INVARIANT: blocks come only when every worker was made
      const LineBlock& b = sl->block;
      Chunk& ch = sl->chunks[k];
      for (size_t i = k * chunk_lines, hi = std::min(b.size(), i + chunk_lines); i < hi; ++i)
        if (!mine->process(b.line(i), b.number[i], b.too_long[i] != 0, ch.out, ch.err)) ch.ok = false;
      {
        std::lock_guard<std::mutex> lock(m);
        ch.done = true;
      }
      main_cv.notify_one();
    }
  };
  std::vector<std::thread> threads;
  try {
    for (int w = 0; w < jobs; ++w) threads.emplace_back(work);
  } catch (const std::system_error& e) {
    // Not a crash: the threads made so far stop, and the run says why.
    {
      std::lock_guard<std::mutex> lock(m);
      stop = true;
      made = jobs;
    }
    work_cv.notify_all();
    for (auto& t : threads) t.join();
    model::diagnose(options.name).fail("cannot start " + std::to_string(jobs) + " worker threads (" + e.code().message() +
                "); expected a smaller `--jobs`");
  }
  auto stop_all = [&] {
    {
      std::lock_guard<std::mutex> lock(m);
      stop = true;
    }
    work_cv.notify_all();
    for (auto& t : threads) t.join();
  };
  {
    std::unique_lock<std::mutex> lock(m);
    main_cv.wait(lock, [&] { return made == jobs; });
  }
  if (make_error) {
    stop_all();
    std::rethrow_exception(make_error);
  }

  size_t next_write = 0;  // the next chunk of block `written` to write
  while (true) {
    // Fill every free slot. INVARIANT: the slot of block `filled` held block
    // filled - kSlots, whose results are written: no worker reads it.
    if (!input_done && filled - written < static_cast<long>(kSlots)) {
      Slot& sl = slots[filled % kSlots];
      if (reader.fill(sl.block, block_lines)) {
        sl.count = (sl.block.size() + chunk_lines - 1) / chunk_lines;
        {
          std::lock_guard<std::mutex> lock(m);
          ++filled;
        }
        work_cv.notify_all();
        continue;
      }
      input_done = true;
    }
    if (input_done && written == filled) break;
    // Write the oldest block's chunks that are done, in order.
    Slot& sl = slots[written % kSlots];
    {
      std::unique_lock<std::mutex> lock(m);
      bool can_fill = !input_done && filled - written < static_cast<long>(kSlots);
      if (!can_fill) main_cv.wait(lock, [&] { return sl.chunks[next_write].done; });
      if (!sl.chunks[next_write].done) continue;  // fill first, write later
    }
    while (true) {
      Chunk& ch = sl.chunks[next_write];
      std::fwrite(ch.err.data(), 1, ch.err.size(), err);
      out(ch.out, false);
      ch.out.clear();
      ch.err.clear();
      ok = ok && ch.ok;
      ch.ok = true;
      {
        std::lock_guard<std::mutex> lock(m);
        ch.done = false;
        if (++next_write == sl.count) {
          next_write = 0;
          ++written;
          break;
        }
        if (!sl.chunks[next_write].done) break;
      }
    }
  }
  stop_all();
  out({}, true);
  if (reader.error()) throw read_error(options.name, reader.error());
  return ok;
}

}  // namespace pp::cli
