// The service under bad input and hostile clients: every error status with a
// one-line {"error"}, body and header limits, slow clients cut off without
// holding a thread, the connection cap, a graceful SIGTERM, and random or
// malformed requests that never take the process down.
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <random>

#include "serve/server_process.h"

using pp::test::HttpConnection;
using pp::test::ServerProcess;
using pp::test::http;
using namespace std::chrono_literals;

namespace {

const std::string kExample = std::string(PP_SOURCE_DIR) + "/model/policies/example-case.json";

std::string error_of(const pp::test::HttpResponse& r) {
  auto j = nlohmann::json::parse(r.body);
  REQUIRE(j.size() == 1);
  std::string e = j["error"].get<std::string>();
  CHECK(e.find('\n') == std::string::npos);
  return e;
}

}  // namespace

TEST_CASE("every error status, each with one line of {\"error\"}", "[serve]") {
  ServerProcess s("--threads 2");
  int p = s.port();
  std::string ex = pp::test::slurp(kExample);

  SECTION("400: the CLI's one-line message with the JSON path") {
    auto r = http(p, "POST", "/v1/policies/CMM-607/evaluate", R"({"case_id": "x", "request": {"levels": ["T13"]}})");
    CHECK(r.status == 400);
    std::string e = error_of(r);
    std::string file = pp::test::temp_path("bad.json");
    pp::test::spit(file, R"({"case_id": "x", "request": {"levels": ["T13"]}})");
    auto cli = pp::test::run("evaluate " + file + " --format json");
    CHECK(cli.exit_code == 2);
    std::string expected = cli.err.substr(0, cli.err.size() - 1);
    expected.replace(0, file.size(), "<body>");
    CHECK(e == expected);
    CHECK(e.find("request.levels[0]") != std::string::npos);
    std::remove(file.c_str());
    CHECK(http(p, "POST", "/v1/policies/CMM-607/explain", "{\"case_id\": ").status == 400);
    CHECK(http(p, "POST", "/v1/policies/CMM-607/render", "[]").status == 400);
    CHECK(http(p, "GET", "/v1/policies/CMM-607%zz").status == 400);  // malformed percent-encoding
  }
  SECTION("404: no route, no policy") {
    CHECK(error_of(http(p, "GET", "/v2/policies")) == "no such resource `/v2/policies`");
    auto r = http(p, "POST", "/v1/policies/LCD-1/evaluate", ex);
    CHECK(r.status == 404);
    CHECK(error_of(r).find("no policy with id `LCD-1`") == 0);
  }
  SECTION("405 with Allow") {
    auto r = http(p, "GET", "/v1/policies/CMM-607/evaluate");
    CHECK(r.status == 405);
    CHECK(r.header("allow") == "POST");
    error_of(r);
    CHECK(http(p, "DELETE", "/v1/policies").status == 405);
  }
  SECTION("415 for a body that is not JSON") {
    auto r = http(p, "POST", "/v1/policies/CMM-607/evaluate", ex, "text/plain");
    CHECK(r.status == 415);
    CHECK(error_of(r).find("expected application/json") != std::string::npos);
    CHECK(http(p, "POST", "/v1/policies/CMM-607/explain", ex, "application/x-ndjson").status == 415);
    CHECK(http(p, "POST", "/v1/policies/CMM-607/evaluate", ex, "application/json; charset=utf-8").status == 200);
  }
  SECTION("413 above the body limit, announced or chunked") {
    std::string big(1024 * 1024 + 1, ' ');
    auto r = http(p, "POST", "/v1/policies/CMM-607/evaluate", big);
    CHECK(r.status == 413);
    CHECK(error_of(r) == "request body over 1048576 bytes");
    HttpConnection c(p);
    c.send_raw("POST /v1/policies/CMM-607/evaluate HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
               "Transfer-Encoding: chunked\r\n\r\n");
    std::string chunk(64 * 1024, ' ');
    char size[16];
    std::snprintf(size, sizeof size, "%zx\r\n", chunk.size());
    for (int i = 0; i < 17; ++i)
      if (!c.send_raw(size + chunk + "\r\n")) break;
    CHECK(c.read_response(10s).status == 413);
  }
  SECTION("431 for headers over the limit; 400 for a malformed request") {
    HttpConnection c(p);
    auto r = c.request("GET", "/healthz", "", "", {"X-Big: " + std::string(20000, 'a')});
    CHECK(r.status == 431);
    HttpConnection d(p);
    d.send_raw("GARBAGE\r\n\r\n");
    auto g = d.read_response(5s);
    CHECK(g.status == 400);
    error_of(g);
  }
  CHECK(s.alive());
  CHECK(http(p, "GET", "/healthz").status == 200);
}

TEST_CASE("a slow client is cut off by the timeouts and holds no thread", "[serve]") {
  // One thread: if a trickling client held it, nobody else would be answered.
  ServerProcess s("--threads 1 --header-timeout 0.5 --body-timeout 0.5");
  HttpConnection headers(s.port()), body(s.port()), trickle(s.port());
  headers.send_raw("GET /healthz HTTP/1.1\r\nHo");
  body.send_raw("POST /v1/policies/CMM-607/evaluate HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                "Content-Length: 100\r\n\r\n{\"case_id\":");
  auto t0 = std::chrono::steady_clock::now();
  CHECK(http(s.port(), "GET", "/healthz").status == 200);
  CHECK(std::chrono::steady_clock::now() - t0 < 400ms);
  // A header sent one byte at a time, each in time, is still cut off at the deadline.
  std::string req = "GET /healthz HTTP/1.1\r\nHost: x\r\nX-Slow: " + std::string(40, 'a');
  bool cut = false;
  for (char ch : req) {
    if (!trickle.send_raw(std::string(1, ch))) { cut = true; break; }
    if (trickle.closed_by_peer(50ms)) { cut = true; break; }
  }
  CHECK(cut);
  CHECK(headers.closed_by_peer(3s));
  CHECK(body.closed_by_peer(3s));
  auto m = http(s.port(), "GET", "/metrics");
  CHECK(m.body.find("policyproof_timeouts_total 0\n") == std::string::npos);
  CHECK(s.alive());
}

TEST_CASE("connections over the cap are answered 503 and closed", "[serve]") {
  ServerProcess s("--threads 2 --max-connections 2");
  HttpConnection a(s.port()), b(s.port());
  REQUIRE(a.request("GET", "/healthz").status == 200);
  REQUIRE(b.request("GET", "/healthz").status == 200);
  HttpConnection c(s.port());
  auto r = c.read_response(5s);
  CHECK(r.status == 503);
  CHECK(r.header("connection") == "close");
  CHECK(error_of(r).find("too many connections") == 0);
  CHECK(c.closed_by_peer(2s));
  CHECK(a.request("GET", "/healthz").status == 200);  // the others still served
}

TEST_CASE("SIGTERM: no new connections, the request in flight is answered, exit 0", "[serve]") {
  std::string log = pp::test::temp_path("audit.jsonl");
  ServerProcess s("--threads 2 --audit-log " + log);
  std::string body = pp::test::slurp(kExample);
  HttpConnection idle(s.port());
  REQUIRE(idle.request("GET", "/healthz").status == 200);  // kept alive, idle
  HttpConnection busy(s.port());
  // The request is in flight: its headers are read, its body still coming.
  busy.send_raw("POST /v1/policies/CMM-607/evaluate HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                "X-Request-Id: in-flight\r\nContent-Length: " + std::to_string(body.size()) + "\r\n\r\n" +
                body.substr(0, 10));
  std::this_thread::sleep_for(200ms);
  s.signal(SIGTERM);
  CHECK(idle.closed_by_peer(3s));  // the idle connection is closed at once
  std::this_thread::sleep_for(200ms);
  busy.send_raw(body.substr(10));
  auto r = busy.read_response(10s);
  CHECK(r.status == 200);
  CHECK(nlohmann::json::parse(r.body)["decision"] == "medically_necessary");
  CHECK(r.header("connection") == "close");
  CHECK(s.wait_exit(10s) == 0);
  CHECK(pp::test::slurp(log).find("\"request_id\":\"in-flight\"") != std::string::npos);
  std::remove(log.c_str());
}

TEST_CASE("random and malformed requests never take the process down", "[serve][fuzz]") {
  ServerProcess s("--threads 2 --header-timeout 1 --body-timeout 1");
  std::string ex = pp::test::slurp(kExample);
  std::vector<std::string> seeds = {
      "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n",
      "POST /v1/policies/CMM-607/evaluate HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: " +
          std::to_string(ex.size()) + "\r\n\r\n" + ex,
      "POST /v1/policies/CMM-607/evaluate HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-ndjson\r\n"
      "Transfer-Encoding: chunked\r\n\r\n10\r\n{\"case_id\":\"a\"}\n\r\n0\r\n\r\n",
      "POST /v1/policies/CMM-607/explain?reading=AMB.six_months%3Dcalendar HTTP/1.1\r\nHost: x\r\n"
      "Content-Type: application/json\r\nContent-Length: 16\r\n\r\n{\"case_id\":\"a\"}\n",
      "GET /v1/policies/CMM-607 HTTP/1.0\r\n\r\n",
      "POST /v1/policies/CMM-607/render HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nExpect: 100-continue\r\n"
      "Content-Length: 16\r\n\r\n{\"case_id\":\"a\"}\n",
  };
  std::mt19937 rng(20261129);
  auto pick = [&](size_t n) { return static_cast<size_t>(rng() % n); };
  const char* nasty[] = {"\r\n", "\n", "\0", ":", " ", "%", "%00", "\xff", "chunked", "-1", "99999999999999999999",
                         "Content-Length: 5\r\n", "Transfer-Encoding: chunked\r\n", "{", "}", "\"", "\\u0000", "?"};
  int answered = 0;
  for (int i = 0; i < 1500; ++i) {
    std::string req = seeds[pick(seeds.size())];
    int edits = 1 + static_cast<int>(pick(6));
    for (int k = 0; k < edits && !req.empty(); ++k) {
      switch (pick(5)) {
        case 0: req[pick(req.size())] = static_cast<char>(rng()); break;
        case 1: req.erase(pick(req.size()), 1 + pick(8)); break;
        case 2: req.insert(pick(req.size()), nasty[pick(std::size(nasty))]); break;
        case 3: req.resize(pick(req.size())); break;
        case 4: {
          std::string junk(pick(64), ' ');
          for (auto& ch : junk) ch = static_cast<char>(rng());
          req.insert(pick(req.size()), junk);
          break;
        }
      }
    }
    HttpConnection c(s.port());
    c.send_raw(req);
    shutdown(c.fd(), SHUT_WR);  // no more is coming: the server sees the end at once
    auto r = c.read_response(3s);
    if (r.status) ++answered;
    CHECK((r.status == 0 || (r.status >= 100 && r.status < 600)));
    if (r.status >= 500 && r.status != 503) FAIL_CHECK("status " << r.status << " for " << req);
    if (i % 100 == 0) REQUIRE(s.alive());
  }
  CHECK(answered > 100);
  REQUIRE(s.alive());
  CHECK(http(s.port(), "GET", "/healthz").status == 200);
  CHECK(http(s.port(), "POST", "/v1/policies/CMM-607/evaluate", ex).status == 200);
}

TEST_CASE("Expect: 100-continue, HEAD and HTTP/1.0 are answered as HTTP says", "[serve]") {
  ServerProcess s("--threads 1");
  std::string ex = pp::test::slurp(kExample);
  HttpConnection c(s.port());
  c.send_raw("POST /v1/policies/CMM-607/evaluate HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
             "Expect: 100-continue\r\nContent-Length: " + std::to_string(ex.size()) + "\r\n\r\n");
  auto cont = c.read_response(5s);
  CHECK(cont.status == 100);
  c.send_raw(ex);
  auto r = c.read_response(5s);
  CHECK(r.status == 200);
  CHECK(nlohmann::json::parse(r.body)["decision"] == "medically_necessary");

  c.send_raw("HEAD /healthz HTTP/1.1\r\nHost: x\r\n\r\n");
  // HEAD: the headers of the GET, no body (read the next answer to be sure)
  char buf[4096];
  std::this_thread::sleep_for(200ms);
  ssize_t n = recv(c.fd(), buf, sizeof buf, MSG_DONTWAIT);
  REQUIRE(n > 0);
  std::string head(buf, static_cast<size_t>(n));
  CHECK(head.find("HTTP/1.1 200 OK") == 0);
  CHECK(head.find("Content-Length: ") != std::string::npos);
  CHECK(head.substr(head.find("\r\n\r\n") + 4).empty());
  CHECK(c.request("GET", "/healthz").status == 200);  // still in step

  HttpConnection old(s.port());
  old.send_raw("GET /healthz HTTP/1.0\r\n\r\n");
  auto o = old.read_response(5s);
  CHECK(o.status == 200);
  CHECK(old.closed_by_peer(2s));  // HTTP/1.0 without keep-alive: closed after the answer
}

TEST_CASE("combinations of readings are bounded", "[serve]") {
  ServerProcess s("--threads 1");
  auto p = nlohmann::json::parse(http(s.port(), "GET", "/v1/policies/CMM-607").body);
  std::string ex = pp::test::slurp(kExample);
  // Walk combinations of two ambiguities' readings until the cap answers 503.
  std::vector<std::string> targets;
  const auto& ambs = p["ambiguities"];
  for (const auto& a : ambs)
    for (const auto& b : ambs)
      if (a["id"] < b["id"])
        for (const auto& ra : a["readings"])
          for (const auto& rb : b["readings"])
            targets.push_back("?reading=" + a["id"].get<std::string>() + "%3D" + ra["id"].get<std::string>() +
                              "&reading=" + b["id"].get<std::string>() + "%3D" + rb["id"].get<std::string>());
  int ok = 0, refused = 0;
  for (const auto& t : targets) {
    int status = http(s.port(), "POST", "/v1/policies/CMM-607/evaluate" + t, ex).status;
    ok += status == 200;
    refused += status == 503;
  }
  INFO(targets.size() << " combinations");
  if (targets.size() > 64) {
    CHECK(ok == 64);
    CHECK(refused == static_cast<int>(targets.size()) - 64);
  }
  CHECK(http(s.port(), "POST", "/v1/policies/CMM-607/evaluate", ex).status == 200);
}
