// Test support for the service: start `policyproof serve` on a free loopback
// port (the binary, as a user runs it), and a small blocking HTTP/1.1 client
// over a raw socket (so tests can also send what no library would).
#pragma once
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstring>
#include <map>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "support/run.h"

namespace pp::test {

class ServerProcess {
 public:
  // Starts `policyproof serve --port 0 <args>` and waits for its "listening" line.
  explicit ServerProcess(const std::string& args = "--threads 2") {
    err_path_ = temp_path("serve.err");
    std::string cmd = "exec " + std::string(PP_BINARY) + " serve --port 0 " + args + " 2>" + err_path_;
    pid_ = fork();
    if (pid_ == 0) {
      execl("/bin/sh", "sh", "-c", cmd.c_str(), static_cast<char*>(nullptr));
      _exit(127);
    }
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
    while (std::chrono::steady_clock::now() < deadline) {
      std::string err = slurp(err_path_);
      auto at = err.find("listening on http://127.0.0.1:");
      if (at != std::string::npos) {
        port_ = std::stoi(err.substr(at + std::strlen("listening on http://127.0.0.1:")));
        return;
      }
      int status = 0;
      if (waitpid(pid_, &status, WNOHANG) == pid_) {
        pid_ = -1;
        throw std::runtime_error("serve exited: " + err);
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    throw std::runtime_error("serve did not start: " + slurp(err_path_));
  }
  ~ServerProcess() {
    if (pid_ > 0) {
      kill(pid_, SIGKILL);
      waitpid(pid_, nullptr, 0);
    }
    std::remove(err_path_.c_str());
  }
  ServerProcess(const ServerProcess&) = delete;
  ServerProcess& operator=(const ServerProcess&) = delete;

  int port() const { return port_; }
  pid_t pid() const { return pid_; }
  bool alive() const { return pid_ > 0 && kill(pid_, 0) == 0 && waitpid(pid_, nullptr, WNOHANG) == 0; }
  std::string stderr_text() const { return slurp(err_path_); }
  void signal(int sig) const { kill(pid_, sig); }
  // Waits for the process to end; its exit code, or -1 on a timeout or a signal death.
  int wait_exit(std::chrono::milliseconds timeout) {
    auto deadline = std::chrono::steady_clock::now() + timeout;
    while (std::chrono::steady_clock::now() < deadline) {
      int status = 0;
      if (waitpid(pid_, &status, WNOHANG) == pid_) {
        pid_ = -1;
        return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    return -1;
  }

 private:
  pid_t pid_ = -1;
  int port_ = 0;
  std::string err_path_;
};

struct HttpResponse {
  int status = 0;                              // 0: no response (connection closed or timed out)
  std::map<std::string, std::string> headers;  // lowercase names
  std::string body;                            // de-chunked
  std::vector<std::string> chunks;             // chunked: each chunk as sent
  std::string header(const std::string& n) const {
    auto it = headers.find(n);
    return it == headers.end() ? "" : it->second;
  }
};

class HttpConnection {
 public:
  explicit HttpConnection(int port) {
    fd_ = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_port = htons(static_cast<uint16_t>(port));
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (connect(fd_, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0) throw std::runtime_error("connect failed");
    int one = 1;
    setsockopt(fd_, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  }
  ~HttpConnection() { if (fd_ >= 0) ::close(fd_); }
  HttpConnection(const HttpConnection&) = delete;
  HttpConnection& operator=(const HttpConnection&) = delete;

  bool send_raw(const std::string& bytes) {
    size_t off = 0;
    while (off < bytes.size()) {
      ssize_t n = ::send(fd_, bytes.data() + off, bytes.size() - off, MSG_NOSIGNAL);
      if (n <= 0) return false;
      off += static_cast<size_t>(n);
    }
    return true;
  }

  // Sends one request; reads its response (within `timeout`).
  HttpResponse request(const std::string& method, const std::string& target, const std::string& body = "",
                       const std::string& content_type = "application/json",
                       const std::vector<std::string>& extra = {},
                       std::chrono::milliseconds timeout = std::chrono::milliseconds(30000)) {
    std::string req = method + " " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\n";
    if (!body.empty() || method == "POST") {
      req += "Content-Type: " + content_type + "\r\nContent-Length: " + std::to_string(body.size()) + "\r\n";
    }
    for (const auto& h : extra) req += h + "\r\n";
    req += "\r\n" + body;
    if (!send_raw(req)) return {};
    return read_response(timeout);
  }

  // True when the server closed the connection (reads EOF) within `timeout`.
  bool closed_by_peer(std::chrono::milliseconds timeout) {
    char c;
    pollfd p{fd_, POLLIN, 0};
    if (poll(&p, 1, static_cast<int>(timeout.count())) <= 0) return false;
    ssize_t n = ::recv(fd_, &c, 1, MSG_PEEK);
    return n == 0 || (n < 0 && errno == ECONNRESET);
  }

  HttpResponse read_response(std::chrono::milliseconds timeout = std::chrono::milliseconds(30000)) {
    deadline_ = std::chrono::steady_clock::now() + timeout;
    HttpResponse r;
    size_t end;
    while ((end = buf_.find("\r\n\r\n")) == std::string::npos)
      if (!fill()) return r;
    std::string head = buf_.substr(0, end);
    buf_.erase(0, end + 4);
    size_t line_end = head.find("\r\n");
    std::string status_line = head.substr(0, line_end);
    if (status_line.size() < 12) return r;
    r.status = std::stoi(status_line.substr(9, 3));
    size_t pos = line_end == std::string::npos ? head.size() : line_end + 2;
    while (pos < head.size()) {
      size_t e = head.find("\r\n", pos);
      if (e == std::string::npos) e = head.size();
      std::string line = head.substr(pos, e - pos);
      size_t colon = line.find(':');
      if (colon != std::string::npos) {
        std::string name = line.substr(0, colon);
        for (auto& ch : name) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
        std::string value = line.substr(colon + 1);
        while (!value.empty() && value.front() == ' ') value.erase(0, 1);
        r.headers[name] = value;
      }
      pos = e + 2;
    }
    if (r.header("transfer-encoding") == "chunked") {
      for (;;) {
        size_t le;
        while ((le = buf_.find("\r\n")) == std::string::npos)
          if (!fill()) { r.status = 0; return r; }
        size_t size = std::stoul(buf_.substr(0, le), nullptr, 16);
        buf_.erase(0, le + 2);
        while (buf_.size() < size + 2)
          if (!fill()) { r.status = 0; return r; }
        if (size == 0) {
          buf_.erase(0, 2);
          break;
        }
        r.chunks.push_back(buf_.substr(0, size));
        r.body += r.chunks.back();
        buf_.erase(0, size + 2);
      }
    } else {
      size_t len = r.headers.count("content-length") ? std::stoul(r.header("content-length")) : 0;
      while (buf_.size() < len)
        if (!fill()) { r.status = 0; return r; }
      r.body = buf_.substr(0, len);
      buf_.erase(0, len);
    }
    return r;
  }

  int fd() const { return fd_; }

 private:
  bool fill() {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline_ - std::chrono::steady_clock::now());
    if (left.count() <= 0) return false;
    pollfd p{fd_, POLLIN, 0};
    if (poll(&p, 1, static_cast<int>(left.count())) <= 0) return false;
    char tmp[65536];
    ssize_t n = ::recv(fd_, tmp, sizeof tmp, 0);
    if (n <= 0) return false;
    buf_.append(tmp, static_cast<size_t>(n));
    return true;
  }

  int fd_ = -1;
  std::string buf_;
  std::chrono::steady_clock::time_point deadline_;
};

// One request on a fresh connection.
inline HttpResponse http(int port, const std::string& method, const std::string& target, const std::string& body = "",
                         const std::string& content_type = "application/json") {
  HttpConnection c(port);
  return c.request(method, target, body, content_type);
}

}  // namespace pp::test
