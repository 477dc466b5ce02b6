// Routes of the service as a table (serve layer): method, path pattern with
// `{name}` segments, and a handler that takes a request context and returns
// status, content type and body (or a stream of chunks). The HTTP server
// knows nothing of policies; handlers know nothing of sockets.
#pragma once
#include <chrono>
#include <functional>
#include <map>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "serve/service_context.h"

namespace pp::serve { class Metrics; }

namespace pp::serve {

struct Request {
  std::string method;   // GET, POST, ...
  std::string target;   // as sent: path and query
  std::string path;     // percent-decoded path, without the query
  std::vector<std::pair<std::string, std::string>> query;  // decoded, in order
  std::map<std::string, std::string> headers;              // lowercase names
  std::string body;

  // The header's value, "" when absent (`name` lowercase).
  std::string header(const std::string& name) const;
  // The media type of Content-Type, lowercase, without parameters.
  std::string media_type() const;
  // Every value of a query parameter, in order.
  std::vector<std::string> query_values(std::string_view name) const;
};

struct Response {
  int status = 200;
  std::string content_type = "application/json";
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;  // extra headers
  // When set, the body is sent chunked: each call appends the next part to
  // `out` and returns false once it has appended the last one. Called on the
  // connection's strand, on whatever pool thread runs it.
  std::function<bool(std::string& out)> stream;
};

// An HTTP error a handler throws: the server answers {"error": message}.
// (A DiagnosticError, the user's bad input, is answered 400 with its one line.)
struct HttpError : std::runtime_error {
  HttpError(int status, const std::string& message) : std::runtime_error(message), status(status) {}
  int status;
};

// `{"error": message}` with the status (the CLI's one-line message for bad input).
Response error_response(int status, const std::string& message);

struct RequestContext {
  const Request& request;
  const ServiceContext& service;
  std::map<std::string, std::string> params;  // the pattern's `{name}` segments
  std::string request_id;
  std::string route;                          // the pattern that matched
  std::chrono::steady_clock::time_point start;

  const std::string& param(const std::string& name) const;
};

using Handler = std::function<Response(RequestContext&)>;

struct Route {
  std::string method;
  std::string pattern;  // "/v1/policies/{id}/evaluate"
  Handler handler;
  std::vector<std::string> segments = {};  // the pattern split at '/', filled by Router::add
};

class Router {
 public:
  void add(std::string method, std::string pattern, Handler handler);
  void add(const std::vector<Route>& routes);

  struct Match {
    const Route* route = nullptr;             // nullptr: no route
    std::map<std::string, std::string> params;
    bool path_known = false;                  // another method matches the path: 405
    std::string allow;                        // the methods it has
  };
  Match match(const std::string& method, const std::string& path) const;
  const std::vector<Route>& routes() const { return routes_; }

 private:
  std::vector<Route> routes_;
};

// Splits a request target into its decoded path and query; false when the
// percent-encoding is malformed.
bool parse_target(std::string_view target, std::string& path,
                  std::vector<std::pair<std::string, std::string>>& query);

}  // namespace pp::serve
