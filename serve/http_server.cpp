#include "serve/http_server.h"

#include <boost/asio/dispatch.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <condition_variable>
#include <csignal>
#include <mutex>
#include <optional>
#include <random>
#include <thread>
#include <vector>

#include "model/diagnostic.h"
#include "serve/metrics.h"

namespace pp::serve {

namespace beast = boost::beast;
namespace http = beast::http;
namespace net = boost::asio;
using tcp = net::ip::tcp;
using Clock = std::chrono::steady_clock;

namespace {

class Session;

// What the connections share: the options, the router, the io_context.
struct Core {
  Core(ServerOptions o, const ServiceContext& s, const Router& r)
      : opt(std::move(o)), service(s), router(r),
        threads(opt.threads > 0 ? opt.threads : static_cast<int>(std::max(1u, std::thread::hardware_concurrency()))),
        ioc(threads), acceptor(net::make_strand(ioc)), signals(ioc) {
    std::random_device rd;
    char buf[16];
    std::snprintf(buf, sizeof buf, "%08x", rd());
    id_prefix = buf;
  }

  ServerOptions opt;
  const ServiceContext& service;
  const Router& router;
  int threads;
  net::io_context ioc;  // concurrency hint: the pool's size (1: no locking between threads)
  tcp::acceptor acceptor;
  net::signal_set signals;
  std::atomic<bool> stopping{false};
  std::atomic<long> connections{0};
  std::atomic<unsigned long> next_request{0};
  std::string id_prefix;

  std::mutex sessions_mutex;
  std::vector<std::weak_ptr<Session>> sessions;

  std::mutex stop_mutex;
  std::condition_variable stop_cv;
  bool stop_requested = false;

  void do_accept();
  void on_accept(beast::error_code ec, tcp::socket socket);
  void stop();

  std::string request_id(const std::string& given) {
    bool ok = !given.empty() && given.size() <= 64;
    for (char c : given)
      ok = ok && (std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' || c == '.');
    if (ok) return given;
    char buf[32];
    std::snprintf(buf, sizeof buf, "%s-%lx", id_prefix.c_str(), next_request.fetch_add(1) + 1);
    return buf;
  }

  int route_index(const Route* r) const {
    if (!r) return -1;
    return static_cast<int>(r - router.routes().data());
  }
  void observe(int route, int status, Clock::time_point start) {
    if (Metrics* m = service.metrics()) {
      double secs = std::chrono::duration<double>(Clock::now() - start).count();
      m->observe(route < 0 ? m->unmatched() : route, status, secs);
    }
  }
};

const char* kContinue = "HTTP/1.1 100 Continue\r\n\r\n";

class Session : public std::enable_shared_from_this<Session> {
 public:
  Session(tcp::socket&& socket, Core& core, bool reject) : stream_(std::move(socket)), core_(core), reject_(reject) {
    if (Metrics* m = core_.service.metrics()) m->connection_opened();
  }
  ~Session() {
    core_.connections.fetch_sub(1);
    if (Metrics* m = core_.service.metrics()) m->connection_closed();
  }

  void start() {
    net::dispatch(stream_.get_executor(), beast::bind_front_handler(&Session::begin, shared_from_this()));
  }

  // On stop: an idle connection is closed now; a busy one after its answer.
  void stop_if_idle() {
    net::dispatch(stream_.get_executor(), [self = shared_from_this()] {
      if (!self->busy_) self->stream_.cancel();
    });
  }

 private:
  void begin() {
    if (reject_) {
      keep_alive_ = false;
      start_ = Clock::now();
      if (Metrics* m = core_.service.metrics()) m->connection_refused();
      return send(error_response(503, "too many connections (the server's cap); retry later"));
    }
    read_header();
  }

  void read_header() {
    busy_ = false;
    head_ = false;
    if (core_.stopping) return close();
    parser_.emplace();
    parser_->header_limit(core_.opt.limits.max_header);
    parser_->body_limit(core_.opt.limits.max_batch_body);
    stream_.expires_after(core_.opt.limits.header_timeout);
    http::async_read_header(stream_, buffer_, *parser_,
                            beast::bind_front_handler(&Session::on_header, shared_from_this()));
  }

  void on_header(beast::error_code ec, size_t) {
    start_ = Clock::now();
    if (ec == http::error::end_of_stream || ec == net::error::operation_aborted || ec == net::error::eof ||
        ec == net::error::connection_reset)
      return close();
    if (ec == beast::error::timeout) {
      if (Metrics* m = core_.service.metrics()) m->timed_out();
      return close();
    }
    busy_ = true;
    keep_alive_ = false;  // until a request is read whole
    if (ec == http::error::header_limit)
      return send(error_response(431, "request headers over " + std::to_string(core_.opt.limits.max_header) + " bytes"));
    if (ec) return send(error_response(400, "malformed HTTP request: " + ec.message()));
    auto& req = parser_->get();
    bool batch = false;
    {
      auto ct = req[http::field::content_type];
      std::string media;
      for (char c : ct) {
        if (c == ';') break;
        if (c != ' ') media += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      }
      batch = media == "application/x-ndjson";
    }
    size_t limit = batch ? core_.opt.limits.max_batch_body : core_.opt.limits.max_body;
    if (auto len = parser_->content_length(); len && *len > limit) return too_large(limit);
    parser_->body_limit(limit);
    auto expect = req[http::field::expect];
    if (beast::iequals(expect, "100-continue")) {
      stream_.expires_after(core_.opt.limits.write_timeout);
      return net::async_write(stream_, net::buffer(kContinue, std::strlen(kContinue)),
                              [self = shared_from_this()](beast::error_code e, size_t) {
                                if (e) return self->close();
                                self->read_body();
                              });
    }
    read_body();
  }

  void read_body() {
    if (parser_->is_done()) return on_read({}, 0);
    stream_.expires_after(core_.opt.limits.body_timeout);
    http::async_read(stream_, buffer_, *parser_, beast::bind_front_handler(&Session::on_read, shared_from_this()));
  }

  void too_large(size_t limit) {
    send(error_response(413, "request body over " + std::to_string(limit) + " bytes"));
  }

  void on_read(beast::error_code ec, size_t) {
    if (ec == http::error::body_limit) {
      auto ct = parser_->get()[http::field::content_type];
      bool batch = beast::iequals(ct.substr(0, 20), "application/x-ndjson");
      return too_large(batch ? core_.opt.limits.max_batch_body : core_.opt.limits.max_body);
    }
    if (ec == beast::error::timeout) {
      if (Metrics* m = core_.service.metrics()) m->timed_out();
      return close();
    }
    if (ec == net::error::operation_aborted || ec == net::error::eof || ec == net::error::connection_reset ||
        ec == http::error::end_of_stream)
      return close();
    if (ec) return send(error_response(400, "malformed HTTP request: " + ec.message()));
    handle();
  }

  void handle() {
    http::request<http::string_body> msg = parser_->release();
    keep_alive_ = msg.keep_alive() && !core_.stopping;
    Request req;
    req.method = std::string(msg.method_string());
    head_ = msg.method() == http::verb::head;
    req.target = std::string(msg.target());
    for (const auto& f : msg) {
      std::string name(f.name_string());
      for (auto& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      auto [it, fresh] = req.headers.emplace(name, std::string(f.value()));
      if (!fresh) it->second += ", " + std::string(f.value());
    }
    req.body = std::move(msg.body());
    request_id_ = core_.request_id(req.header("x-request-id"));
    if (!parse_target(req.target, req.path, req.query)) {
      route_ = -1;
      return send(error_response(400, "malformed request target `" + req.target + "`"));
    }
    Router::Match m = core_.router.match(req.method, req.path);
    route_ = core_.route_index(m.route);
    if (!m.route) {
      if (m.path_known) {
        Response r = error_response(405, "method " + req.method + " not allowed on " + req.path +
                                             " (expected " + m.allow + ")");
        r.headers.emplace_back("Allow", m.allow);
        return send(std::move(r));
      }
      return send(error_response(404, "no such resource `" + req.path + "`"));
    }
    RequestContext ctx{req, core_.service, std::move(m.params), request_id_, m.route->pattern, start_};
    Response r;
    try {
      r = m.route->handler(ctx);
    } catch (const HttpError& e) {
      r = error_response(e.status, e.what());
    } catch (const model::DiagnosticError& e) {
      r = error_response(400, e.diagnostic().str());
    } catch (const std::bad_alloc&) {
      r = error_response(503, "out of memory");
    } catch (const std::exception& e) {
      r = error_response(500, std::string("internal error: ") + e.what());
    }
    send(std::move(r));
  }

  template <class Message>
  void set_common(Message& res, const Response& r) {
    res.set(http::field::server, "policyproof");
    res.set(http::field::content_type, r.content_type);
    res.set("X-Request-Id", request_id_);
    res.set("X-Content-Type-Options", "nosniff");
    res.set(http::field::cache_control, "no-store");
    for (const auto& [k, v] : r.headers) res.set(k, v);
    res.keep_alive(keep_alive_);
  }

  void send(Response r) {
    if (request_id_.empty()) request_id_ = core_.request_id("");
    if (r.stream) return start_stream(std::move(r));
    status_ = r.status;
    // One answer at a time per connection: the message is a member, reused.
    res_.clear();
    res_.result(static_cast<http::status>(r.status));
    res_.version(11);
    set_common(res_, r);
    res_.body() = std::move(r.body);
    res_.prepare_payload();
    if (head_) res_.body().clear();  // HEAD: the GET's headers, Content-Length included, no body
    core_.observe(route_, status_, start_);
    stream_.expires_after(core_.opt.limits.write_timeout);
    http::async_write(stream_, res_, beast::bind_front_handler(&Session::on_write, shared_from_this()));
  }

  void start_stream(Response r) {
    status_ = r.status;
    producer_ = std::move(r.stream);
    stream_res_ = std::make_unique<http::response<http::empty_body>>(static_cast<http::status>(r.status), 11);
    set_common(*stream_res_, r);
    stream_res_->chunked(true);
    stream_sr_ = std::make_unique<http::response_serializer<http::empty_body>>(*stream_res_);
    stream_.expires_after(core_.opt.limits.write_timeout);
    http::async_write_header(stream_, *stream_sr_, [self = shared_from_this()](beast::error_code ec, size_t) {
      if (ec) return self->close();
      self->next_chunk();
    });
  }

  void next_chunk() {
    chunk_.clear();
    bool more = true;
    try {
      while (more && chunk_.empty()) more = producer_(chunk_);
    } catch (const std::exception& e) {
      // Headers are out: the only honest end is to cut the stream short.
      return close();
    }
    if (chunk_.empty()) return finish_stream();
    stream_.expires_after(core_.opt.limits.write_timeout);
    net::async_write(stream_, http::make_chunk(net::buffer(chunk_)),
                     [self = shared_from_this(), more](beast::error_code ec, size_t) {
                       if (ec) return self->close();
                       if (more) self->next_chunk(); else self->finish_stream();
                     });
  }

  void finish_stream() {
    producer_ = nullptr;
    core_.observe(route_, status_, start_);
    stream_.expires_after(core_.opt.limits.write_timeout);
    net::async_write(stream_, http::make_chunk_last(), [self = shared_from_this()](beast::error_code ec, size_t) {
      self->stream_sr_.reset();
      self->stream_res_.reset();
      self->after_write(ec);
    });
  }

  void on_write(beast::error_code ec, size_t) { after_write(ec); }

  void after_write(beast::error_code ec) {
    request_id_.clear();
    if (ec || !keep_alive_ || core_.stopping) return close();
    read_header();
  }

  void close() {
    busy_ = false;
    beast::error_code ec;
    stream_.socket().shutdown(tcp::socket::shutdown_send, ec);
    stream_.close();
  }

  beast::tcp_stream stream_;
  beast::flat_buffer buffer_;
  Core& core_;
  bool reject_;
  bool busy_ = false;
  bool keep_alive_ = false;
  bool head_ = false;
  int route_ = -1;
  int status_ = 0;
  std::string request_id_;
  Clock::time_point start_ = Clock::now();
  std::optional<http::request_parser<http::string_body>> parser_;
  http::response<http::string_body> res_;
  std::function<bool(std::string&)> producer_;
  std::unique_ptr<http::response<http::empty_body>> stream_res_;
  std::unique_ptr<http::response_serializer<http::empty_body>> stream_sr_;
  std::string chunk_;
};

void Core::do_accept() {
  // A connection's handlers never run at once: a strand each, unless one
  // thread runs them all anyway (then the strand would only cost a lock).
  net::any_io_executor ex = threads == 1 ? net::any_io_executor(ioc.get_executor())
                                         : net::any_io_executor(net::make_strand(ioc));
  acceptor.async_accept(ex, beast::bind_front_handler(&Core::on_accept, this));
}

void Core::on_accept(beast::error_code ec, tcp::socket socket) {
  if (stopping) return;
  if (!ec) {
    beast::error_code ignored;
    socket.set_option(tcp::no_delay(true), ignored);
    long n = connections.fetch_add(1) + 1;
    auto s = std::make_shared<Session>(std::move(socket), *this, n > opt.limits.max_connections);
    {
      std::lock_guard<std::mutex> lock(sessions_mutex);
      if (sessions.size() >= 64 && sessions.size() % 64 == 0)
        std::erase_if(sessions, [](const std::weak_ptr<Session>& w) { return w.expired(); });
      sessions.push_back(s);
    }
    s->start();
    if (stopping) s->stop_if_idle();  // stop() may have collected the sessions just before this one
  }
  do_accept();
}

void Core::stop() {
  if (stopping.exchange(true)) return;
  net::post(acceptor.get_executor(), [this] {
    beast::error_code ec;
    acceptor.close(ec);
    signals.cancel(ec);
  });
  std::vector<std::shared_ptr<Session>> live;
  {
    std::lock_guard<std::mutex> lock(sessions_mutex);
    for (auto& w : sessions)
      if (auto s = w.lock()) live.push_back(std::move(s));
    sessions.clear();
  }
  for (auto& s : live) s->stop_if_idle();
  {
    std::lock_guard<std::mutex> lock(stop_mutex);
    stop_requested = true;
  }
  stop_cv.notify_all();
}

}  // namespace

struct Server::Impl : Core {
  using Core::Core;
};

Server::Server(ServerOptions options, const ServiceContext& service, const Router& router)
    : impl_(std::make_unique<Impl>(std::move(options), service, router)) {
  Core& c = *impl_;
  beast::error_code ec;
  auto fail = [&](const std::string& what) {
    model::diagnose("policyproof serve").fail("cannot " + what + " " + c.opt.bind + ":" + std::to_string(c.opt.port) + " (" + ec.message() + ")");
  };
  auto addr = net::ip::make_address(c.opt.bind, ec);
  if (ec) {
    model::diagnose("policyproof serve").fail("`--bind " + c.opt.bind + "`: not an IP address (expected e.g. 127.0.0.1 or ::1)");
  }
  tcp::endpoint ep{addr, c.opt.port};
  c.acceptor.open(ep.protocol(), ec);
  if (ec) fail("open a socket for");
  c.acceptor.set_option(net::socket_base::reuse_address(true), ec);
  c.acceptor.bind(ep, ec);
  if (ec) fail("bind");
  c.acceptor.listen(net::socket_base::max_listen_connections, ec);
  if (ec) fail("listen on");
}

Server::~Server() = default;

unsigned short Server::port() const { return impl_->acceptor.local_endpoint().port(); }

void Server::run(bool handle_signals) {
  Core& c = *impl_;
  if (handle_signals) {
    c.signals.add(SIGINT);
    c.signals.add(SIGTERM);
    c.signals.async_wait([&c](beast::error_code ec, int) {
      if (!ec) c.stop();
    });
  }
  c.do_accept();
  std::vector<std::thread> pool;
  for (int i = 0; i < c.threads; ++i) pool.emplace_back([&c] { c.ioc.run(); });
  {
    std::unique_lock<std::mutex> lock(c.stop_mutex);
    c.stop_cv.wait(lock, [&] { return c.stop_requested; });
  }
  // Requests in flight are answered; then every connection is closed.
  auto deadline = Clock::now() + c.opt.limits.stop_grace;
  while (c.connections.load() > 0 && Clock::now() < deadline) std::this_thread::sleep_for(std::chrono::milliseconds(5));
  c.ioc.stop();
  for (auto& t : pool) t.join();
}

void Server::stop() { impl_->stop(); }

}  // namespace pp::serve
