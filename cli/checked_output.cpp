#include "cli/checked_output.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <ext/stdio_sync_filebuf.h>
#include <iostream>

namespace pp::cli {

namespace {

// One checked descriptor: stdout or stderr.
struct Sink {
  int fd;
  const char* name;
  bool tty = false;
  bool held_c2 = false;  // a 0xC2 byte at the end of the last write, held back (tty only)
};

Sink g_out{1, "<stdout>"};
Sink g_err{2, "<stderr>"};

// Ends the run at the first failed write. Only async-signal-safe calls: this
// may run inside stdio, with its lock held, or from exit().
[[noreturn]] void fail(const Sink& s, int err) {
  if (s.fd != 2) {
    const char* why = std::strerror(err);
    const char* parts[] = {s.name, ": error: cannot write: ", why, "\n"};
    for (const char* p : parts)
      if (::write(2, p, std::strlen(p)) < 0) break;
  }
  // stderr itself failing: nothing can be said, but the run still fails.
  ::_exit(kExitWriteFailed);
}

void write_all(const Sink& s, const char* p, size_t n) {
  while (n > 0) {
    ssize_t w = ::write(s.fd, p, n);
    if (w < 0 && errno == EINTR) continue;
    if (w <= 0) fail(s, w < 0 ? errno : EIO);
    p += w;
    n -= static_cast<size_t>(w);
  }
}

bool is_control(unsigned char c) { return (c < 0x20 && c != '\n' && c != '\t') || c == 0x7f; }

void append_hex(std::string& out, unsigned char c) {
  static const char digits[] = "0123456789abcdef";
  out += "\\x";
  out += digits[c >> 4];
  out += digits[c & 15];
}

ssize_t sink_write(void* cookie, const char* buf, size_t size) {
  Sink& s = *static_cast<Sink*>(cookie);
  if (!s.tty) {
    write_all(s, buf, size);
    return static_cast<ssize_t>(size);
  }
  std::string text;
  if (s.held_c2) text += '\xC2';
  text.append(buf, size);
  s.held_c2 = !text.empty() && static_cast<unsigned char>(text.back()) == 0xC2;
  if (s.held_c2) text.pop_back();
  std::string shown = escape_controls(text);
  write_all(s, shown.data(), shown.size());
  return static_cast<ssize_t>(size);
}

int sink_close(void* cookie) {
  Sink& s = *static_cast<Sink*>(cookie);
  if (s.held_c2) write_all(s, "\xC2", 1);
  s.held_c2 = false;
  return 0;
}

std::FILE* open_sink(Sink& s, int mode) {
  s.tty = ::isatty(s.fd) == 1;
  cookie_io_functions_t io{};
  io.write = sink_write;
  io.close = sink_close;
  std::FILE* f = ::fopencookie(&s, "w", io);
  if (f) std::setvbuf(f, nullptr, mode, mode == _IONBF ? 0 : 1 << 16);
  return f;
}

}  // namespace

std::string escape_controls(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size(); ++i) {
    auto c = static_cast<unsigned char>(text[i]);
    if (is_control(c)) {
      append_hex(out, c);
    } else if (c == 0xC2 && i + 1 < text.size() && static_cast<unsigned char>(text[i + 1]) >= 0x80 &&
               static_cast<unsigned char>(text[i + 1]) <= 0x9f) {
      // A C1 control as UTF-8 (U+0080..U+009F: U+009B is a one-character CSI).
      append_hex(out, c);
      append_hex(out, static_cast<unsigned char>(text[++i]));
    } else {
      out += static_cast<char>(c);
    }
  }
  return out;
}

void install_checked_output() {
  // A closed 0, 1 or 2 would be taken by the next file opened, and output
  // would land in it: give each a stand-in that fails every write (read-only
  // /dev/null for 1 and 2, write-only for 0), so the first write says so.
  for (int fd = 0; fd <= 2; ++fd)
    if (::fcntl(fd, F_GETFD) == -1 && errno == EBADF) {
      int got = ::open("/dev/null", (fd == 0 ? O_WRONLY : O_RDONLY) | O_CLOEXEC);
      if (got >= 0 && got != fd) ::close(got);
    }
  std::fflush(stdout);
  std::fflush(stderr);
  std::FILE* out = open_sink(g_out, ::isatty(1) == 1 ? _IOLBF : _IOFBF);
  std::FILE* err = open_sink(g_err, _IONBF);
  if (!out || !err) return;  // out of memory at start: left as they were
  stdout = out;
  stderr = err;
  // std::cout and std::cerr were bound to the old FILEs at startup. Their
  // buffers are never destroyed: the streams flush at exit, after every
  // static of this program (a static buffer here was gone by then: ASan saw
  // the flush at exit read freed memory).
  static auto* out_buf = new __gnu_cxx::stdio_sync_filebuf<char>(out);
  static auto* err_buf = new __gnu_cxx::stdio_sync_filebuf<char>(err);
  std::cout.rdbuf(out_buf);
  std::cerr.rdbuf(err_buf);
  std::clog.rdbuf(err_buf);
}

int finish_output(int exit_code) {
  std::cout.flush();
  if (std::fflush(stdout) != 0 || std::ferror(stdout)) fail(g_out, errno ? errno : EIO);
  sink_close(&g_out);  // a byte held back on a terminal
  return exit_code;
}

}  // namespace pp::cli
