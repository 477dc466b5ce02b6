#include "visualize/atomic_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <cctype>
#include <cerrno>
#include <cstdlib>
#include <cstring>

#include "model/diagnostic.h"

namespace pp::visualize {

namespace {

[[noreturn]] void fail(const std::string& path, const std::string& why) {
  model::diagnose(path).fail("cannot write the file: " + why);
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

// Where `path` leads: a symbolic link is followed to the file it names (the
// link stays and the file it names is written); a dangling one is refused.
std::string resolve(const std::string& path) {
  if (path.empty()) fail("<output>", "the file name is empty");
  struct stat lst {};
  if (::lstat(path.c_str(), &lst) != 0 || !S_ISLNK(lst.st_mode)) return path;
  char* real = ::realpath(path.c_str(), nullptr);
  if (!real) fail(path, "it is a symbolic link to nothing (expected a link to an existing file, or a file name)");
  std::string target = real;
  std::free(real);
  return target;
}

// A pipe or a character device (`/dev/null`, a terminal) is written through,
// never replaced; other special files are refused.
enum class Kind { kRegularOrNew, kWriteThrough };

Kind kind_of(const std::string& shown, const std::string& target) {
  struct stat st {};
  if (::stat(target.c_str(), &st) != 0 || S_ISREG(st.st_mode) || S_ISDIR(st.st_mode)) return Kind::kRegularOrNew;
  if (S_ISFIFO(st.st_mode) || S_ISCHR(st.st_mode)) return Kind::kWriteThrough;
  fail(shown, "it is a block device or a socket (expected a regular file, a pipe or a character device)");
}

void write_through(const std::string& shown, const std::string& target, std::string_view bytes) {
  int fd = ::open(target.c_str(), O_WRONLY | O_CLOEXEC);
  if (fd < 0) fail(shown, error_words(errno));
  const char* p = bytes.data();
  size_t left = bytes.size();
  while (left > 0) {
    ssize_t n = ::write(fd, p, left);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      int err = n < 0 ? errno : EIO;
      ::close(fd);
      fail(shown, error_words(err));
    }
    p += n;
    left -= static_cast<size_t>(n);
  }
  if (::close(fd) != 0) fail(shown, error_words(errno));
}

}  // namespace

void check_writable(const std::string& path) {
  std::string target = resolve(path);
  if (kind_of(path, target) == Kind::kWriteThrough) {
    if (::access(target.c_str(), W_OK) != 0) fail(path, error_words(errno));
    return;
  }
  check(target);
}

void write_file_atomically(const std::string& path, std::string_view bytes) {
  std::string target = resolve(path);
  if (kind_of(path, target) == Kind::kWriteThrough) return write_through(path, target, bytes);
  check(target);
  static std::atomic<unsigned> counter{0};
  // A name beside the target, so the rename stays on one file system.
  std::string tmp = target + ".tmp-" + std::to_string(::getpid()) + "-" + std::to_string(counter++);
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);  // mode after umask
  if (fd < 0) fail(path, error_words(errno));
  struct stat old {};
  if (::stat(target.c_str(), &old) == 0 && S_ISREG(old.st_mode)) ::fchmod(fd, old.st_mode & 07777);  // keep its mode
  const char* p = bytes.data();
  size_t left = bytes.size();
  while (left > 0) {
    ssize_t n = ::write(fd, p, left);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      int err = n < 0 ? errno : EIO;
      ::close(fd);
      ::unlink(tmp.c_str());
      fail(path, error_words(err));
    }
    p += n;
    left -= static_cast<size_t>(n);
  }
  // On disk before it replaces anything: a crash leaves the old file or the new.
  int err = ::fsync(fd) != 0 ? errno : 0;
  if (::close(fd) != 0 && err == 0) err = errno;
  if (err != 0) {
    ::unlink(tmp.c_str());
    fail(path, error_words(err));
  }
  if (::rename(tmp.c_str(), target.c_str()) != 0) {
    int err = errno;
    ::unlink(tmp.c_str());
    fail(path, error_words(err));
  }
}

}  // namespace pp::visualize
