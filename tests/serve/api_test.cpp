// The service's JSON API against `policyproof serve` started on a free
// loopback port: every route, the same bytes as the CLI's --format json,
// batches streamed, keep-alive, the audit line written before the answer.
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "serve/server_process.h"

using pp::test::HttpConnection;
using pp::test::ServerProcess;
using pp::test::http;

namespace {

const std::string kExample = std::string(PP_SOURCE_DIR) + "/model/policies/example-case.json";
const std::string kDenied = std::string(PP_SOURCE_DIR) + "/docs/examples/denied-t3.json";

std::string partial_case_path() {
  auto c = nlohmann::json::parse(pp::test::slurp(kExample));
  c["case_id"] = "partial";
  c["pain"].erase("duration_weeks");
  c["imaging"].erase("concordant");
  std::string path = pp::test::temp_path("partial.json");
  pp::test::spit(path, c.dump());
  return path;
}

ServerProcess& server() {
  static ServerProcess s("--threads 2 --audit-log " + pp::test::temp_path("audit.jsonl"));
  return s;
}

}  // namespace

TEST_CASE("GET /healthz, /v1/policies and /v1/policies/{id}", "[serve]") {
  auto h = http(server().port(), "GET", "/healthz");
  CHECK(h.status == 200);
  CHECK(h.header("content-type") == "application/json");
  CHECK(nlohmann::json::parse(h.body)["status"] == "ok");

  auto list = http(server().port(), "GET", "/v1/policies");
  REQUIRE(list.status == 200);
  auto lj = nlohmann::json::parse(list.body);
  REQUIRE(lj["policies"].size() == 1);
  CHECK(lj["policies"][0]["id"] == "CMM-607");
  CHECK(lj["policies"][0]["sha256"].get<std::string>().size() == 64);

  auto one = http(server().port(), "GET", "/v1/policies/CMM-607");
  REQUIRE(one.status == 200);
  auto pj = nlohmann::json::parse(one.body);
  CHECK(pj["id"] == "CMM-607");
  CHECK(pj["version"] == lj["policies"][0]["version"]);
  CHECK(pj["sha256"] == lj["policies"][0]["sha256"]);
  CHECK(pj["criteria"].size() > 10);
  bool duration = false;
  for (const auto& f : pj["vocabulary"]["facts"]) {
    CHECK(f.contains("description"));
    if (f["path"] == "function.rdq_score") CHECK(f["read"] == false);  // L34106's fact, in the shared vocabulary
    if (f["path"] == "pain.duration_weeks") {
      CHECK(f["read"] == true);
      duration = true;
      CHECK(f["unit"] == "weeks");
      CHECK(f["type"] == "number");
    }
    if (f["path"] == "request.technique") CHECK(f["values"].size() >= 2);
  }
  CHECK(duration);
  CHECK(http(server().port(), "GET", "/v1/policies/NOPE").status == 404);
}

TEST_CASE("evaluate and explain answer the CLI's --format json bytes", "[serve]") {
  std::string partial = partial_case_path();
  for (const auto& file : {kExample, kDenied, partial}) {
    std::string body = pp::test::slurp(file);
    for (const char* cmd : {"evaluate", "explain"}) {
      auto cli = pp::test::run(std::string(cmd) + " " + file + " --format json");
      REQUIRE(cli.exit_code == 0);
      auto r = http(server().port(), "POST", std::string("/v1/policies/CMM-607/") + cmd, body);
      INFO(cmd << " " << file);
      CHECK(r.status == 200);
      CHECK(r.header("content-type") == "application/json");
      CHECK(r.body + "\n" == cli.out);
    }
  }
  // ?max= as the CLI's --max
  auto seven = nlohmann::json::parse(pp::test::slurp(kExample));
  seven["pain"]["duration_weeks"] = 7;  // subacute, no care yet: two corrections
  std::string seven_path = pp::test::temp_path("seven.json");
  pp::test::spit(seven_path, seven.dump());
  auto all = nlohmann::json::parse(pp::test::run("explain " + seven_path + " --format json").out);
  CHECK(all["corrections"].size() >= 2);
  auto cli = pp::test::run("explain " + seven_path + " --format json --max 1");
  auto r = http(server().port(), "POST", "/v1/policies/CMM-607/explain?max=1", seven.dump());
  CHECK(r.body + "\n" == cli.out);
  CHECK(nlohmann::json::parse(r.body)["corrections"].size() == 1);
  std::remove(seven_path.c_str());
  CHECK(http(server().port(), "POST", "/v1/policies/CMM-607/explain?max=-1", pp::test::slurp(kExample)).status == 400);
  CHECK(http(server().port(), "POST", "/v1/policies/CMM-607/evaluate?max=1", pp::test::slurp(kExample)).status == 400);
  std::remove(partial.c_str());
}

TEST_CASE("?reading= evaluates under another named reading", "[serve]") {
  // 26.05 weeks of pain: not past six calendar months (the encoded reading),
  // past 26 weeks (the reading `twenty_six_weeks`).
  auto c = nlohmann::json::parse(pp::test::slurp(kExample));
  c["pain"]["duration_weeks"] = 26.05;
  c["conservative_care"]["analgesic_weeks"] = 4;  // the subacute pathway met
  c["conservative_care"]["exercise_weeks"] = 4;
  std::string body = c.dump();
  auto plain = nlohmann::json::parse(http(server().port(), "POST", "/v1/policies/CMM-607/evaluate", body).body);
  auto weeks = http(server().port(), "POST", "/v1/policies/CMM-607/evaluate?reading=AMB.six_months%3Dtwenty_six_weeks", body);
  REQUIRE(weeks.status == 200);
  auto wj = nlohmann::json::parse(weeks.body);
  CHECK(plain["decision"] == "medically_necessary");
  CHECK(wj["decision"] == "not_medically_necessary");
  // the plain answer says which reading would decide it otherwise
  bool names_it = false;
  for (const auto& d : plain["depends_on"])
    names_it = names_it || (d["ambiguity"] == "AMB.six_months" && d["reading"] == "twenty_six_weeks");
  CHECK(names_it);
  // the same bytes as the CLI's --reading
  std::string file = pp::test::temp_path("reading-case.json");
  pp::test::spit(file, body);
  auto cli = pp::test::run("evaluate " + file + " --format json --reading AMB.six_months=twenty_six_weeks");
  CHECK(weeks.body + "\n" == cli.out);
  auto bad = http(server().port(), "POST", "/v1/policies/CMM-607/evaluate?reading=AMB.six_months=nope", body);
  CHECK(bad.status == 400);
  CHECK(nlohmann::json::parse(bad.body)["error"].get<std::string>().find("unknown reading `nope`") != std::string::npos);
  auto unknown_param = http(server().port(), "POST", "/v1/policies/CMM-607/evaluate?foo=1", body);
  CHECK(unknown_param.status == 400);
}

TEST_CASE("serve --reading: the service decides under it, a request's ?reading= replaces it, the audit names it", "[serve]") {
  std::string audit = pp::test::temp_path("audit-reading.jsonl");
  ServerProcess s("--threads 1 --policy CMM-607 --policy L34106 --reading AMB.six_months=twenty_six_weeks --audit-log " +
                  audit);
  auto c = nlohmann::json::parse(pp::test::slurp(kExample));
  c["pain"]["duration_weeks"] = 26.05;
  c["conservative_care"]["analgesic_weeks"] = 4;
  c["conservative_care"]["exercise_weeks"] = 4;
  std::string body = c.dump();
  auto served = http(s.port(), "POST", "/v1/policies/CMM-607/evaluate", body);
  REQUIRE(served.status == 200);
  std::string file = pp::test::temp_path("serve-reading-case.json");
  pp::test::spit(file, body);
  auto cli = pp::test::run("evaluate " + file + " --format json --reading AMB.six_months=twenty_six_weeks");
  CHECK(served.body + "\n" == cli.out);
  CHECK(nlohmann::json::parse(served.body)["decision"] == "not_medically_necessary");
  auto back = http(s.port(), "POST", "/v1/policies/CMM-607/evaluate?reading=AMB.six_months%3Dcalendar", body);
  CHECK(nlohmann::json::parse(back.body)["decision"] == "medically_necessary");
  // the other payer's policy, served by its id, has no such ambiguity: served as encoded
  auto list = nlohmann::json::parse(http(s.port(), "GET", "/v1/policies").body);
  CHECK(list["policies"].size() == 2);
  std::string log = pp::test::slurp(audit);
  CHECK(log.find("AMB.six_months=twenty_six_weeks") != std::string::npos);
  CHECK(log.find("AMB.six_months=calendar") != std::string::npos);
  // a reading no served policy names is refused at start, in one line
  auto bad = pp::test::run("serve --port 0 --reading AMB.nope=x");
  CHECK(bad.exit_code == 2);
  CHECK(bad.err.find("--reading: error: unknown ambiguity `AMB.nope`") != std::string::npos);
}

TEST_CASE("render answers the decision graph with the case's path as SVG", "[serve]") {
  auto r = http(server().port(), "POST", "/v1/policies/CMM-607/render", pp::test::slurp(kDenied));
  REQUIRE(r.status == 200);
  CHECK(r.header("content-type") == "image/svg+xml");
  CHECK(r.body.find("<svg") != std::string::npos);
  CHECK(r.body.find("osteoporotic") != std::string::npos);  // the case id (Graphviz writes '-' as &#45;)
  CHECK(r.body.find("NOT MEDICALLY NECESSARY") != std::string::npos);
}

TEST_CASE("an x-ndjson batch is streamed back chunked, line for line as evaluate --batch", "[serve]") {
  std::string cases = pp::test::temp_path("cases.jsonl");
  REQUIRE(pp::test::run("generate --count 3000 --seed 7 --unknown-rate 0.1 > " + cases + " && true").exit_code == 0);
  std::string text = pp::test::slurp(cases);
  text.insert(text.find('\n', text.size() / 2) + 1, "{\"case_id\": \"bad\", \"request\": {\"levels\": []}}\n\n   \n");
  text += "not json\n";
  auto cli = pp::test::run("evaluate --batch - --jobs 1", text);
  auto r = http(server().port(), "POST", "/v1/policies/CMM-607/evaluate", text, "application/x-ndjson");
  REQUIRE(r.status == 200);
  CHECK(r.header("transfer-encoding") == "chunked");
  CHECK(r.header("content-type") == "application/x-ndjson");
  CHECK(r.chunks.size() > 1);  // streamed, not one block
  // The same lines; a bad line's message names the body instead of <stdin>.
  std::string expected = cli.out;
  for (size_t at; (at = expected.find("<stdin>")) != std::string::npos;) expected.replace(at, 7, "<body>");
  CHECK(pp::test::count_lines(r.body) == 3004);  // a blank line has its error line, as in the CLI
  CHECK(r.body == expected);
  std::remove(cases.c_str());
}

TEST_CASE("keep-alive: many requests on one connection", "[serve]") {
  HttpConnection c(server().port());
  std::string body = pp::test::slurp(kExample);
  for (int i = 0; i < 200; ++i) {
    auto r = i % 2 ? c.request("GET", "/healthz") : c.request("POST", "/v1/policies/CMM-607/evaluate", body);
    REQUIRE(r.status == 200);
  }
  // a batch, then a plain request, on the same connection
  auto b = c.request("POST", "/v1/policies/CMM-607/evaluate", body.substr(0, 0) + "{\"case_id\":\"a\"}\n{\"case_id\":\"b\"}\n",
                     "application/x-ndjson");
  CHECK(b.status == 200);
  CHECK(pp::test::count_lines(b.body) == 2);
  CHECK(c.request("GET", "/healthz").status == 200);
}

TEST_CASE("the audit line is on disk before the answer is sent", "[serve]") {
  std::string log = pp::test::temp_path("audit.jsonl");
  ServerProcess s("--threads 2 --audit-log " + log);
  HttpConnection c(s.port());
  std::string body = pp::test::slurp(kDenied);
  auto sha = nlohmann::json::parse(http(s.port(), "GET", "/v1/policies").body)["policies"][0]["sha256"];
  for (int i = 0; i < 50; ++i) {
    std::string id = "audit-check-" + std::to_string(i);
    const char* route = i % 2 ? "/v1/policies/CMM-607/evaluate" : "/v1/policies/CMM-607/explain";
    auto r = c.request("POST", route, body, "application/json", {"X-Request-Id: " + id});
    REQUIRE(r.status == 200);
    CHECK(r.header("x-request-id") == id);
    // read at once: no wait, no retry
    std::string text = pp::test::slurp(log);
    auto at = text.find("\"request_id\":\"" + id + "\"");
    REQUIRE(at != std::string::npos);
    auto line_start = text.rfind('\n', at);
    auto line = nlohmann::json::parse(text.substr(line_start == std::string::npos ? 0 : line_start + 1,
                                                  text.find('\n', at) - (line_start == std::string::npos ? 0 : line_start + 1)));
    CHECK(line["decision"] == "not_medically_necessary");
    CHECK(line["policy"]["id"] == "CMM-607");
    CHECK(line["policy"]["sha256"] == sha);
    CHECK(line["case_id"] == "denied-t3-osteoporotic");
    CHECK(line["case_sha256"].get<std::string>().size() == 64);
    CHECK(line["route"].get<std::string>().find("/v1/policies/{id}" + std::string(route).substr(std::string(route).rfind('/'))) != std::string::npos);
    CHECK(line["latency_ms"].get<double>() >= 0);
    CHECK(line.contains("time"));
  }
  // a batch: one line per case, all on disk when the answer has arrived
  auto b = c.request("POST", "/v1/policies/CMM-607/evaluate", "{\"case_id\":\"x1\"}\nnot json\n", "application/x-ndjson",
                     {"X-Request-Id: audit-batch"});
  REQUIRE(b.status == 200);
  std::string text = pp::test::slurp(log);
  int n = 0;
  for (size_t at = 0; (at = text.find("\"request_id\":\"audit-batch\"", at)) != std::string::npos; ++at) ++n;
  CHECK(n == 2);
  CHECK(text.find("\"line\":2,\"decision\":\"error\"") != std::string::npos);
  std::remove(log.c_str());
}

TEST_CASE("GET /metrics counts requests, errors and latency by route", "[serve]") {
  ServerProcess s("--threads 1");
  std::string body = pp::test::slurp(kExample);
  for (int i = 0; i < 3; ++i) http(s.port(), "POST", "/v1/policies/CMM-607/evaluate", body);
  http(s.port(), "POST", "/v1/policies/CMM-607/evaluate", "{");
  http(s.port(), "GET", "/nope");
  auto m = http(s.port(), "GET", "/metrics");
  REQUIRE(m.status == 200);
  CHECK(m.header("content-type").find("text/plain") == 0);
  const std::string& t = m.body;
  CHECK(t.find("policyproof_http_requests_total{method=\"POST\",route=\"/v1/policies/{id}/evaluate\",code=\"200\"} 3\n") != std::string::npos);
  CHECK(t.find("policyproof_http_requests_total{method=\"POST\",route=\"/v1/policies/{id}/evaluate\",code=\"400\"} 1\n") != std::string::npos);
  CHECK(t.find("policyproof_http_errors_total{method=\"POST\",route=\"/v1/policies/{id}/evaluate\"} 1\n") != std::string::npos);
  CHECK(t.find("policyproof_http_requests_total{route=\"unmatched\",code=\"404\"} 1\n") != std::string::npos);
  CHECK(t.find("policyproof_http_request_duration_seconds_bucket{method=\"POST\",route=\"/v1/policies/{id}/evaluate\",le=\"+Inf\"} 4\n") != std::string::npos);
  CHECK(t.find("policyproof_http_request_duration_seconds_count{method=\"POST\",route=\"/v1/policies/{id}/evaluate\"} 4\n") != std::string::npos);
  CHECK(t.find("# TYPE policyproof_http_request_duration_seconds histogram") != std::string::npos);
  CHECK(t.find("policyproof_decisions_total{decision=\"medically_necessary\"} 3\n") != std::string::npos);
}

TEST_CASE("the case page and its assets are served from the binary", "[serve]") {
  auto page = http(server().port(), "GET", "/");
  REQUIRE(page.status == 200);
  CHECK(page.header("content-type") == "text/html; charset=utf-8");
  CHECK(page.header("content-security-policy").find("default-src 'self'") != std::string::npos);
  CHECK(page.body.find("/assets/app.js") != std::string::npos);
  CHECK(page.body.find("http://") == std::string::npos);  // nothing from elsewhere
  CHECK(page.body.find("https://") == std::string::npos);
  auto js = http(server().port(), "GET", "/assets/app.js");
  CHECK(js.status == 200);
  CHECK(js.header("content-type").find("text/javascript") == 0);
  CHECK(js.body.find("innerHTML") == std::string::npos);  // text only, never markup from data
  CHECK(http(server().port(), "GET", "/assets/style.css").status == 200);
  CHECK(http(server().port(), "GET", "/assets/example-case.json").body == pp::test::slurp(kExample));
  CHECK(http(server().port(), "GET", "/assets/nope.js").status == 404);
}
