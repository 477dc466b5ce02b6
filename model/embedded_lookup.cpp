#include "model/embedded_files.h"

namespace pp::model {

std::optional<std::string_view> embedded_file(std::string_view name) {
  for (const auto& f : embedded_files())
    if (f.name == name) return f.content;
  return std::nullopt;
}

}  // namespace pp::model
