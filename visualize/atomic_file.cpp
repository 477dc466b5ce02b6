#include "visualize/atomic_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <cctype>
#include <cerrno>
#include <cstring>

#include "model/diagnostic.h"

namespace pp::visualize {

namespace {

[[noreturn]] void fail(const std::string& path, const std::string& why) {
  model::Diagnostic d;
  d.location.file = path;
  d.message = "cannot write the file: " + why;
  throw model::DiagnosticError(d);
}

std::string directory_of(const std::string& path) {
  size_t slash = path.find_last_of('/');
  if (slash == std::string::npos) return ".";
  if (slash == 0) return "/";
  return path.substr(0, slash);
}

std::string error_words(int err) {
  std::string s = std::strerror(err);
  if (!s.empty()) s[0] = static_cast<char>(std::tolower(static_cast<unsigned char>(s[0])));
  return s;
}

void check(const std::string& path) {
  if (path.empty()) fail("<output>", "the file name is empty");
  if (path.back() == '/') fail(path, "it names a directory (expected a file name)");
  struct stat st {};
  if (::stat(path.c_str(), &st) == 0 && S_ISDIR(st.st_mode)) fail(path, "it is a directory (expected a file name)");
  std::string dir = directory_of(path);
  if (::stat(dir.c_str(), &st) != 0) fail(path, "directory `" + dir + "` does not exist");
  if (!S_ISDIR(st.st_mode)) fail(path, "`" + dir + "` is not a directory");
  if (::access(dir.c_str(), W_OK | X_OK) != 0) fail(path, "directory `" + dir + "` is not writable");
}

}  // namespace

void check_writable(const std::string& path) { check(path); }

void write_file_atomically(const std::string& path, std::string_view bytes) {
  check(path);
  static std::atomic<unsigned> counter{0};
  // A name beside the target, so the rename stays on one file system.
  std::string tmp = path + ".tmp-" + std::to_string(::getpid()) + "-" + std::to_string(counter++);
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);  // mode after umask
  if (fd < 0) fail(path, error_words(errno));
  const char* p = bytes.data();
  size_t left = bytes.size();
  while (left > 0) {
    ssize_t n = ::write(fd, p, left);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      int err = errno;
      ::close(fd);
      ::unlink(tmp.c_str());
      fail(path, error_words(err));
    }
    p += n;
    left -= static_cast<size_t>(n);
  }
  if (::close(fd) != 0) {
    int err = errno;
    ::unlink(tmp.c_str());
    fail(path, error_words(err));
  }
  if (::rename(tmp.c_str(), path.c_str()) != 0) {
    int err = errno;
    ::unlink(tmp.c_str());
    fail(path, error_words(err));
  }
}

}  // namespace pp::visualize
