// The case page's files (HTML, CSS, JavaScript), compiled into the binary from
// serve/assets/ (serve layer): the page works with no network and no CDN.
#pragma once
#include <optional>
#include <string_view>

namespace pp::serve {

struct Asset {
  std::string_view name;          // "app.js"
  std::string_view content_type;  // "text/javascript; charset=utf-8"
  std::string_view content;
};

// The asset of that file name, if any.
std::optional<Asset> asset(std::string_view name);

}  // namespace pp::serve
