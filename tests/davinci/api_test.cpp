// The CRD/DTR routes over HTTP: a server started on a free loopback port with
// the route table `policyproof serve` uses, called with a Beast client.
#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <thread>

#include "davinci_support.h"
#include "serve/api_routes.h"
#include "serve/audit_log.h"
#include "serve/davinci/routes.h"
#include "serve/http_server.h"

using namespace pp;
using namespace pp::test;
namespace http = boost::beast::http;

namespace {

struct Answer {
  int status = 0;
  std::string content_type;
  Json body;
};

class TestServer {
 public:
  explicit TestServer(const std::string& audit_path) {
    serve::PolicyRegistry registry;
    registry.add_bundled();
    router_.add(serve::api_routes());
    router_.add(serve::davinci_routes());
    audit_ = std::make_unique<serve::AuditLog>(audit_path);
    service_ = std::make_unique<serve::ServiceContext>(
        std::move(registry),
        [](std::string&, const model::Policy&, const model::Case&, const solver::CaseResult&, solver::ReadingChecker&, bool) {},
        [](std::string&, long, const std::string&) {}, audit_.get(), nullptr);
    serve::ServerOptions so;
    so.port = 0;
    so.threads = 2;
    server_ = std::make_unique<serve::Server>(so, *service_, router_);
    thread_ = std::thread([this] { server_->run(false); });
  }
  ~TestServer() {
    server_->stop();
    thread_.join();
  }
  unsigned short port() const { return server_->port(); }

  Answer call(http::verb method, const std::string& target, const std::string& body = "",
              const std::string& content_type = "application/json") {
    boost::asio::io_context io;
    boost::asio::ip::tcp::socket sock(io);
    sock.connect({boost::asio::ip::make_address("127.0.0.1"), port()});
    http::request<http::string_body> req{method, target, 11};
    req.set(http::field::host, "127.0.0.1:" + std::to_string(port()));
    if (!body.empty()) {
      req.set(http::field::content_type, content_type);
      req.body() = body;
      req.prepare_payload();
    }
    http::write(sock, req);
    boost::beast::flat_buffer buf;
    http::response<http::string_body> res;
    http::read(sock, buf, res);
    Answer a;
    a.status = static_cast<int>(res.result_int());
    a.content_type = std::string(res[http::field::content_type]);
    a.body = Json::parse(res.body(), nullptr, false);
    return a;
  }

 private:
  serve::Router router_;
  std::unique_ptr<serve::AuditLog> audit_;
  std::unique_ptr<serve::ServiceContext> service_;
  std::unique_ptr<serve::Server> server_;
  std::thread thread_;
};

std::vector<Json> read_lines(const std::string& path) {
  std::vector<Json> out;
  std::istringstream in(slurp(path));
  for (std::string line; std::getline(in, line);)
    if (!line.empty()) out.push_back(Json::parse(line));
  return out;
}

}  // namespace

TEST_CASE("CRD and DTR over HTTP, every hook call audit-logged with its coverage-assertion-id", "[davinci][api]") {
  const std::string audit = "/tmp/pp-davinci-audit-" + std::to_string(::getpid()) + ".jsonl";
  std::remove(audit.c_str());
  FhirValidator fv;
  {
    TestServer srv(audit);
    Answer d = srv.call(http::verb::get, "/cds-services");
    REQUIRE(d.status == 200);
    CHECK(d.body["services"].size() == 2);

    Json req = order_sign({service_request("sr-9", {"22514"}, {"L1"})}, {condition("M80.08XA", 1)}, {});
    Answer h = srv.call(http::verb::post, "/cds-services/cmm-607-order-sign", req.dump());
    REQUIRE(h.status == 200);
    REQUIRE(h.body["systemActions"].size() == 1);
    const Json& ci = h.body["systemActions"][0]["resource"]["extension"].back();
    CHECK(ci_violations(ci).empty());
    const std::string assertion = ci_parts(ci).find("coverage-assertion-id")->second["valueString"];
    fv.add(h.body["systemActions"][0]["resource"]);

    // Malformed, unknown, wrong media type.
    Answer bad = srv.call(http::verb::post, "/cds-services/cmm-607-order-sign", "{\"hook\": 3}");
    CHECK(bad.status == 400);
    CHECK(bad.body["resourceType"] == "OperationOutcome");
    fv.add(bad.body);
    CHECK(srv.call(http::verb::post, "/cds-services/nope", req.dump()).status == 404);
    CHECK(srv.call(http::verb::post, "/cds-services/cmm-607-order-sign", req.dump(), "text/plain").status == 415);
    CHECK(srv.call(http::verb::get, "/cds-services/cmm-607-order-sign").status == 405);

    // DTR: the package seeded from the hook's assertion, then a $next-question (the `$` percent-encoded).
    Json pkg = {{"resourceType", "Parameters"},
                {"parameter", {{{"name", "coverage"}, {"resource", {{"resourceType", "Coverage"}, {"id", "cov-1"}, {"status", "active"},
                                                                     {"beneficiary", {{"reference", "Patient/p1"}}},
                                                                     {"payor", {{{"reference", "Organization/x"}}}}}}},
                               {{"name", "questionnaire"}, {"valueCanonical", "http://policyproof.example/fhir/Questionnaire/cmm-607-adaptive"}},
                               {{"name", "context"}, {"valueString", assertion}}}}};
    Answer p = srv.call(http::verb::post, "/Questionnaire/$questionnaire-package", pkg.dump(), "application/fhir+json");
    REQUIRE(p.status == 200);
    fv.add(p.body);
    Json qr = p.body["parameter"][0]["resource"]["entry"][1]["resource"];
    CHECK(!qr["item"].empty());
    std::string base = p.body["parameter"][0]["resource"]["entry"][0]["resource"]["extension"][0]["valueUrl"];
    CHECK(base == "http://127.0.0.1:" + std::to_string(srv.port()));
    Json in = {{"resourceType", "Parameters"}, {"parameter", {{{"name", "questionnaire-response"}, {"resource", qr}}}}};
    Answer n = srv.call(http::verb::post, "/Questionnaire/%24next-question", in.dump(), "application/fhir+json");
    REQUIRE(n.status == 200);
    CHECK(n.body["parameter"][0]["name"] == "return");
    fv.add(n.body);

    // Every hook call is in the audit log, with its coverage-assertion-id.
    std::vector<Json> lines = read_lines(audit);
    bool found = false;
    int hooks = 0;
    for (const auto& l : lines) {
      if (l["route"] == "POST /cds-services/{id}") ++hooks;
      if (l.value("coverage_assertion_id", "") == assertion) {
        found = true;
        CHECK(l["decision"] == "undetermined");
        CHECK(l["case_id"] == "ServiceRequest/sr-9");
      }
    }
    CHECK(found);
    CHECK(hooks >= 2);  // the decided call and the refused one (404/415 never reach the service)
  }
  std::remove(audit.c_str());
  fv.check("api");
}
