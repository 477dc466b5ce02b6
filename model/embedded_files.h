// The policy data files compiled into the binary (model layer).
#pragma once
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace pp::model {

struct EmbeddedFile {
  std::string_view name;     // file name, e.g. "cmm-607.yaml"
  std::string_view content;  // its bytes
};

// Every bundled file (generated at build time by cmake/embed_files.cmake).
const std::vector<EmbeddedFile>& embedded_files();

// The bundled file of that name, if any.
std::optional<std::string_view> embedded_file(std::string_view name);

}  // namespace pp::model
