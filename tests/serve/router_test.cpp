// The route table in-process: patterns with {name} segments, 405 with the
// methods a path has, targets percent-decoded, query parameters in order.
#include <catch2/catch.hpp>

#include "serve/router.h"

using pp::serve::Response;
using pp::serve::Router;

namespace {
Response ok(pp::serve::RequestContext&) { return {}; }
}  // namespace

TEST_CASE("the router matches patterns, names parameters and knows 405 from 404", "[serve]") {
  Router r;
  r.add("GET", "/v1/policies", ok);
  r.add("GET", "/v1/policies/{id}", ok);
  r.add("POST", "/v1/policies/{id}/evaluate", ok);
  r.add("POST", "/cds-services/{id}", ok);

  auto m = r.match("POST", "/v1/policies/CMM-607/evaluate");
  REQUIRE(m.route);
  CHECK(m.route->pattern == "/v1/policies/{id}/evaluate");
  CHECK(m.params.at("id") == "CMM-607");

  auto g = r.match("GET", "/v1/policies");
  REQUIRE(g.route);
  CHECK(g.params.empty());
  CHECK(r.match("HEAD", "/v1/policies").route == g.route);  // HEAD is GET without a body

  auto wrong = r.match("GET", "/v1/policies/CMM-607/evaluate");
  CHECK_FALSE(wrong.route);
  CHECK(wrong.path_known);
  CHECK(wrong.allow == "POST");

  auto none = r.match("GET", "/v1/policies/CMM-607/evaluate/more");
  CHECK_FALSE(none.route);
  CHECK_FALSE(none.path_known);
  CHECK_FALSE(r.match("GET", "/v1/policies/").route);  // no trailing slash
  CHECK_FALSE(r.match("GET", "/").route);
}

TEST_CASE("request targets are percent-decoded, malformed ones refused", "[serve]") {
  std::string path;
  std::vector<std::pair<std::string, std::string>> q;
  REQUIRE(pp::serve::parse_target("/v1/policies/CMM%2D607/evaluate?reading=AMB.x%3DR&reading=AMB.y=S&flag", path, q));
  CHECK(path == "/v1/policies/CMM-607/evaluate");
  REQUIRE(q.size() == 3);
  CHECK(q[0] == std::make_pair(std::string("reading"), std::string("AMB.x=R")));
  CHECK(q[1] == std::make_pair(std::string("reading"), std::string("AMB.y=S")));
  CHECK(q[2].first == "flag");
  CHECK(q[2].second.empty());
  CHECK_FALSE(pp::serve::parse_target("/a%zz", path, q));
  CHECK_FALSE(pp::serve::parse_target("/a%2", path, q));
  CHECK_FALSE(pp::serve::parse_target("/a%00b", path, q));
  CHECK_FALSE(pp::serve::parse_target("a/b", path, q));
  CHECK_FALSE(pp::serve::parse_target("", path, q));
  CHECK_FALSE(pp::serve::parse_target("/?x=%g1", path, q));
}
