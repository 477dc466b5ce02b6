#include "serve/router.h"

#include <algorithm>
#include <cctype>

#include "model/json_text.h"

namespace pp::serve {

namespace {

std::vector<std::string_view> segments(std::string_view path) {
  std::vector<std::string_view> out;
  size_t i = 0;
  while (i < path.size()) {
    if (path[i] == '/') { ++i; continue; }
    size_t j = path.find('/', i);
    if (j == std::string_view::npos) j = path.size();
    out.push_back(path.substr(i, j - i));
    i = j;
  }
  return out;
}

bool match_pattern(const std::vector<std::string>& ps, std::string_view path,
                   std::map<std::string, std::string>& params) {
  if (path.size() > 1 && path.back() == '/') return false;
  size_t i = 0, k = 0;
  while (i < path.size()) {
    if (path[i] == '/') { ++i; continue; }
    size_t j = path.find('/', i);
    if (j == std::string_view::npos) j = path.size();
    if (k == ps.size()) return false;
    std::string_view x = path.substr(i, j - i);
    const std::string& p = ps[k++];
    if (p.size() > 2 && p.front() == '{' && p.back() == '}') params[p.substr(1, p.size() - 2)] = std::string(x);
    else if (p != x) return false;
    i = j;
  }
  return k == ps.size();
}

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

bool decode(std::string_view in, std::string& out, bool plus_is_space) {
  out.clear();
  for (size_t i = 0; i < in.size(); ++i) {
    char c = in[i];
    if (c == '%') {
      if (i + 2 >= in.size()) return false;
      int h = hex_value(in[i + 1]), l = hex_value(in[i + 2]);
      if (h < 0 || l < 0) return false;
      out += static_cast<char>(h * 16 + l);
      i += 2;
    } else if (c == '+' && plus_is_space) {
      out += ' ';
    } else {
      out += c;
    }
  }
  return true;
}

}  // namespace

std::string Request::header(const std::string& name) const {
  auto it = headers.find(name);
  return it == headers.end() ? std::string() : it->second;
}

std::string Request::media_type() const {
  std::string ct = header("content-type");
  std::string out;
  for (char c : ct) {
    if (c == ';') break;
    if (c == ' ' || c == '\t') continue;
    out += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }
  return out;
}

std::vector<std::string> Request::query_values(std::string_view name) const {
  std::vector<std::string> out;
  for (const auto& [k, v] : query)
    if (k == name) out.push_back(v);
  return out;
}

Response error_response(int status, const std::string& message) {
  Response r;
  r.status = status;
  r.body = "{\"error\":";
  model::json_escape(r.body, message);
  r.body += "}";
  return r;
}

const std::string& RequestContext::param(const std::string& name) const {
  static const std::string empty;
  auto it = params.find(name);
  return it == params.end() ? empty : it->second;
}

void Router::add(std::string method, std::string pattern, Handler handler) {
  Route r{std::move(method), std::move(pattern), std::move(handler)};
  for (auto s : segments(r.pattern)) r.segments.emplace_back(s);
  routes_.push_back(std::move(r));
}

void Router::add(const std::vector<Route>& routes) {
  for (const auto& r : routes) add(r.method, r.pattern, r.handler);
}

Router::Match Router::match(const std::string& method, const std::string& path) const {
  Match m;
  for (const auto& r : routes_) {
    std::map<std::string, std::string> params;
    if (!match_pattern(r.segments, path, params)) continue;
    if (r.method == method || (method == "HEAD" && r.method == "GET")) {
      if (!m.route) {
        m.route = &r;
        m.params = std::move(params);
      }
    } else {
      m.path_known = true;
    }
    if (m.allow.find(r.method) == std::string::npos) m.allow += (m.allow.empty() ? "" : ", ") + r.method;
  }
  return m;
}

bool parse_target(std::string_view target, std::string& path,
                  std::vector<std::pair<std::string, std::string>>& query) {
  query.clear();
  size_t q = target.find('?');
  std::string_view p = target.substr(0, q);
  if (p.empty() || p.front() != '/') return false;
  if (!decode(p, path, false)) return false;
  if (path.find('\0') != std::string::npos) return false;
  if (q == std::string_view::npos) return true;
  std::string_view rest = target.substr(q + 1);
  size_t i = 0;
  while (i <= rest.size()) {
    size_t j = rest.find('&', i);
    if (j == std::string_view::npos) j = rest.size();
    std::string_view item = rest.substr(i, j - i);
    if (!item.empty()) {
      size_t eq = item.find('=');
      std::string k, v;
      if (!decode(item.substr(0, eq), k, true)) return false;
      if (eq != std::string_view::npos && !decode(item.substr(eq + 1), v, true)) return false;
      query.emplace_back(std::move(k), std::move(v));
    }
    i = j + 1;
  }
  return true;
}

}  // namespace pp::serve
