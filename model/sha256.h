// SHA-256 of policy data, so results trace to the exact version (model layer).
#pragma once
#include <string>
#include <string_view>

namespace pp::model {

// Lowercase hex SHA-256 of the bytes.
std::string sha256_hex(std::string_view bytes);

}  // namespace pp::model
