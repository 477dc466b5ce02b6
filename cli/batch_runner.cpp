#include "cli/batch_runner.h"

#include <algorithm>
#include <condition_variable>
#include <mutex>
#include <thread>
#include <vector>

#include "cli/line_reader.h"

namespace pp::cli {

namespace {

// A block of input lines, copied out of the reader's buffer.
struct Block {
  std::string bytes;
  std::vector<size_t> begin, length;
  std::vector<long> number;
  std::vector<char> too_long;
  void clear() {
    bytes.clear();
    begin.clear();
    length.clear();
    number.clear();
    too_long.clear();
  }
  size_t size() const { return begin.size(); }
};

constexpr size_t kBlockLines = 4096;
constexpr size_t kBlockBytes = 4 << 20;

bool fill(LineReader& reader, Block& b) {
  b.clear();
  std::string_view line;
  bool too_long = false;
  while (b.size() < kBlockLines && b.bytes.size() < kBlockBytes && reader.next(line, too_long)) {
    b.begin.push_back(b.bytes.size());
    b.length.push_back(line.size());
    b.number.push_back(reader.line_number());
    b.too_long.push_back(too_long ? 1 : 0);
    b.bytes.append(line);
  }
  return b.size() > 0;
}

}  // namespace

int default_jobs() {
  unsigned n = std::thread::hardware_concurrency();
  return n == 0 ? 1 : static_cast<int>(n);
}

bool run_batch(std::FILE* in, std::FILE* out, std::FILE* err, const BatchOptions& options,
               const std::function<std::unique_ptr<LineWorker>()>& make_worker) {
  LineReader reader(in, options.max_line);
  int jobs = std::max(1, options.jobs);
  bool ok = true;

  if (jobs == 1) {
    auto worker = make_worker();
    std::string o, e;
    std::string_view line;
    bool too_long = false;
    while (reader.next(line, too_long)) {
      if (!worker->process(line, reader.line_number(), too_long, o, e)) ok = false;
      if (o.size() > (1 << 16)) {
        std::fwrite(o.data(), 1, o.size(), out);
        o.clear();
      }
      if (!e.empty()) {
        std::fwrite(e.data(), 1, e.size(), err);
        e.clear();
      }
    }
    std::fwrite(o.data(), 1, o.size(), out);
    std::fflush(out);
    return ok;
  }

  // Worker threads take slices of the current block; the main thread reads
  // the next block meanwhile, then writes the slices in order.
  struct Slot {
    std::unique_ptr<LineWorker> worker;
    std::string out, err;
    bool ok = true;
  };
  std::vector<Slot> slots(static_cast<size_t>(jobs));
  for (auto& s : slots) s.worker = make_worker();

  std::mutex m;
  std::condition_variable start_cv, done_cv;
  long generation = 0;
  int pending = 0;
  bool stop = false;
  const Block* current = nullptr;

  auto work = [&](int w) {
    long seen = 0;
    while (true) {
      const Block* b = nullptr;
      {
        std::unique_lock<std::mutex> lock(m);
        start_cv.wait(lock, [&] { return stop || generation != seen; });
        if (stop) return;
        seen = generation;
        b = current;
      }
      Slot& s = slots[static_cast<size_t>(w)];
      size_t n = b->size();
      size_t lo = n * static_cast<size_t>(w) / static_cast<size_t>(jobs);
      size_t hi = n * static_cast<size_t>(w + 1) / static_cast<size_t>(jobs);
      for (size_t i = lo; i < hi; ++i) {
        std::string_view line(b->bytes.data() + b->begin[i], b->length[i]);
        if (!s.worker->process(line, b->number[i], b->too_long[i] != 0, s.out, s.err)) s.ok = false;
      }
      {
        std::lock_guard<std::mutex> lock(m);
        if (--pending == 0) done_cv.notify_one();
      }
    }
  };
  std::vector<std::thread> threads;
  for (int w = 0; w < jobs; ++w) threads.emplace_back(work, w);

  Block blocks[2];
  int cur = 0;
  bool have = fill(reader, blocks[cur]);
  while (have) {
    {
      std::lock_guard<std::mutex> lock(m);
      current = &blocks[cur];
      pending = jobs;
      ++generation;
    }
    start_cv.notify_all();
    bool next = fill(reader, blocks[1 - cur]);  // overlaps with the workers
    {
      std::unique_lock<std::mutex> lock(m);
      done_cv.wait(lock, [&] { return pending == 0; });
    }
    for (auto& s : slots) {
      std::fwrite(s.err.data(), 1, s.err.size(), err);
      std::fwrite(s.out.data(), 1, s.out.size(), out);
      s.out.clear();
      s.err.clear();
      ok = ok && s.ok;
    }
    cur = 1 - cur;
    have = next;
  }
  {
    std::lock_guard<std::mutex> lock(m);
    stop = true;
  }
  start_cv.notify_all();
  for (auto& t : threads) t.join();
  std::fflush(out);
  return ok;
}

}  // namespace pp::cli
