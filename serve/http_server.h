// The HTTP/1.1 server of the service (serve layer) on Boost.Beast: keep-alive,
// a fixed pool of threads running one io_context, one strand per connection,
// read timeouts so a slow client holds no thread, a cap on connections, and a
// graceful stop (no new connections; idle ones closed; requests in flight
// answered). It dispatches to a Router; it knows no policy.
#pragma once
#include <atomic>
#include <chrono>
#include <memory>
#include <string>

#include "serve/router.h"

namespace pp::serve {

// Every limit of the service, in one place.
struct ServeLimits {
  size_t max_body = 1 << 20;         // a case is a few hundred bytes; 413 above (x-ndjson: max_batch_body)
  size_t max_batch_body = 64 << 20;  // an x-ndjson batch
  unsigned max_header = 16 * 1024;   // request line and headers: 431 above
  std::chrono::milliseconds header_timeout{10000};  // idle keep-alive and headers trickled
  std::chrono::milliseconds body_timeout{30000};    // the whole body once the headers are in
  std::chrono::milliseconds write_timeout{30000};   // a client that does not read its answer
  std::chrono::milliseconds stop_grace{30000};      // in-flight work after SIGTERM, then stop anyway
  long max_connections = 1024;       // more are answered 503 and closed
};

struct ServerOptions {
  std::string bind = "127.0.0.1";
  unsigned short port = 8080;  // 0: any free port (see Server::port())
  int threads = 0;             // 0: every core
  ServeLimits limits;
};

class Server {
 public:
  // Binds and listens (throws DiagnosticError when it cannot); serves once run() is called.
  Server(ServerOptions options, const ServiceContext& service, const Router& router);
  ~Server();
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  unsigned short port() const;  // the port bound
  // Serves on the pool until stop() (or SIGINT/SIGTERM when `handle_signals`);
  // returns once in-flight requests are answered and the threads joined.
  void run(bool handle_signals);
  // Asks the server to stop (any thread, signal-safe through the io_context).
  void stop();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace pp::serve
