#include "reports/site_writer.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>

#include "model/diagnostic.h"
#include "reports/html_writer.h"
#include "visualize/atomic_file.h"

namespace pp::reports {

namespace fs = std::filesystem;

namespace {

[[noreturn]] void fail(const std::string& dir, const std::string& message) {
  model::diagnose(dir).fail(message);
}

std::string error_words(int err) {
  std::string s = std::strerror(err);
  if (!s.empty() && s[0] >= 'A' && s[0] <= 'Z') s[0] = static_cast<char>(s[0] - 'A' + 'a');
  return s;
}

// A file a report writes (or an older version's temporary file).
bool is_report_file(const std::string& name) {
  if (name == "index.html" || name == "style.css" || name == "decision-graph.svg") return true;
  if (name.rfind("case-", 0) == 0 && name.size() > 9 && name.compare(name.size() - 4, 4, ".svg") == 0) return true;
  return name.find(".tmp-") != std::string::npos;
}

// The folder as an absolute path without a trailing slash, so that its
// parent and name are what they look like (`out/` is `out` in its parent).
fs::path normal_dir(const std::string& dir) {
  fs::path p = fs::absolute(fs::path(dir)).lexically_normal();
  if (!p.has_filename() && p.has_parent_path() && p != p.root_path()) p = p.parent_path();
  return p;
}

// The temporary folders of runs that ended without cleaning up (killed):
// `.<name>.tmp-<pid>-<n>` and `.<name>.old-<pid>-<n>` whose process is gone.
void remove_stale(const fs::path& parent, const std::string& name) {
  std::error_code ec;
  for (const char* kind : {".tmp-", ".old-"}) {
    std::string prefix = "." + name + std::string(kind);
    for (fs::directory_iterator it(parent, ec), end; !ec && it != end; it.increment(ec)) {
      std::string entry = it->path().filename().string();
      if (entry.rfind(prefix, 0) != 0) continue;
      long pid = std::strtol(entry.c_str() + prefix.size(), nullptr, 10);
      if (pid <= 0 || pid == ::getpid()) continue;
      if (::kill(static_cast<pid_t>(pid), 0) == 0 || errno != ESRCH) continue;
      std::error_code ignored;
      fs::remove_all(it->path(), ignored);
    }
  }
}

std::string unique_suffix() {
  static std::atomic<unsigned> counter{0};
  return std::to_string(::getpid()) + "-" + std::to_string(counter++);
}

// Puts the finished folder `tmp` at `dir` in one step: renamed there when
// `dir` does not exist, else exchanged with it (renameat2 RENAME_EXCHANGE)
// and the old report removed. Whoever looks sees one run's report whole.
void move_into_place(const fs::path& tmp, const fs::path& dir, const std::string& shown) {
  for (int attempt = 0; attempt < 16; ++attempt) {
    if (::renameat2(AT_FDCWD, tmp.c_str(), AT_FDCWD, dir.c_str(), RENAME_NOREPLACE) == 0) return;
    int err = errno;
    if (err == EEXIST || err == ENOTEMPTY) {
      if (::renameat2(AT_FDCWD, tmp.c_str(), AT_FDCWD, dir.c_str(), RENAME_EXCHANGE) == 0) {
        std::error_code ignored;
        fs::remove_all(tmp, ignored);  // now the old report
        return;
      }
      err = errno;
      if (err == ENOENT) continue;  // removed meanwhile: rename again
    }
    if (err == EINVAL || err == ENOSYS) {
      // A file system without renameat2: move the old report aside first.
      fs::path old = dir.parent_path() / ("." + dir.filename().string() + ".old-" + unique_suffix());
      if (::rename(dir.c_str(), old.c_str()) != 0 && errno != ENOENT) {
        err = errno;
      } else if (::rename(tmp.c_str(), dir.c_str()) == 0) {
        std::error_code ignored;
        fs::remove_all(old, ignored);
        return;
      } else {
        err = errno;
        ::rename(old.c_str(), dir.c_str());  // put the old one back
      }
    }
    std::error_code ignored;
    fs::remove_all(tmp, ignored);
    fail(shown, "cannot put the report in place: " + error_words(err));
  }
  std::error_code ignored;
  fs::remove_all(tmp, ignored);
  fail(shown, "cannot put the report in place: another run keeps replacing it");
}

}  // namespace

void check_output_dir(const std::string& dir) {
  if (dir.empty()) fail(dir, "an empty `--output` (expected a directory to write the report into)");
  std::error_code ec;
  fs::path d = normal_dir(dir);
  struct stat st {};
  if (::lstat(d.c_str(), &st) == 0) {
    if (S_ISLNK(st.st_mode)) fail(dir, "is a symbolic link (expected a directory to write the report into, or a new name)");
    if (!S_ISDIR(st.st_mode)) fail(dir, "not a directory (expected a directory to write the report into)");
    // The report replaces the folder whole: only a folder holding a report
    // (or nothing) may be replaced.
    for (fs::directory_iterator it(d, ec), end; !ec && it != end; it.increment(ec))
      if (!is_report_file(it->path().filename().string()))
        fail(dir, "holds `" + it->path().filename().string() +
                      "`, which a report does not write (expected a new or empty directory, or an earlier report)");
    if (ec) fail(dir, "cannot read the directory: " + error_words(ec.value()));
  }
  fs::path parent = d.parent_path();
  fs::create_directories(parent, ec);
  if (!fs::is_directory(parent, ec)) fail(dir, "cannot create the directory (expected a writable directory for `--output`)");
  if (::access(parent.c_str(), W_OK | X_OK) != 0)
    fail(dir, "directory `" + parent.string() + "` is not writable (the report is built beside it, then moved in place)");
}

std::vector<std::string> write_site(const std::string& dir, const ReportData& data) {
  check_output_dir(dir);
  fs::path d = normal_dir(dir);
  remove_stale(d.parent_path(), d.filename().string());
  // Built in a temporary folder beside the target, then moved in place whole.
  fs::path tmp = d.parent_path() / ("." + d.filename().string() + ".tmp-" + unique_suffix());
  if (::mkdir(tmp.c_str(), 0777) != 0) fail(dir, "cannot create a temporary directory beside it: " + error_words(errno));
  std::vector<std::string> written;
  try {
    auto put = [&](const std::string& name, std::string_view bytes) {
      visualize::write_file_atomically((tmp / name).string(), bytes);
      written.push_back((fs::path(dir) / name).string());
    };
    put("style.css", report_stylesheet());
    put("decision-graph.svg", data.graph_svg);
    for (size_t i = 0; i < data.cases.size(); ++i) put("case-" + std::to_string(i + 1) + ".svg", data.cases[i].svg);
    put("index.html", write_report_html(data));
  } catch (const model::DiagnosticError& e) {
    std::error_code ignored;
    fs::remove_all(tmp, ignored);
    fail(dir, e.diagnostic().message);
  } catch (...) {
    std::error_code ignored;
    fs::remove_all(tmp, ignored);
    throw;
  }
  move_into_place(tmp, d, dir);
  return written;
}

}  // namespace pp::reports
