// Test support: ../shared (the policy's source text, public corpora) is
// optional. A test that needs it asks `shared_path`, which returns "" when the
// path is absent after printing one line that CTest reads as a skip
// (SKIP_REGULAR_EXPRESSION "pp-skip: ", tests/CMakeLists.txt).
#pragma once
#include <sys/stat.h>

#include <iostream>
#include <string>

namespace pp::test {

// PP_SHARED_DIR + "/" + rel when it exists; else "" and a skip line.
inline std::string shared_path(const std::string& rel, const std::string& why) {
  std::string path = std::string(PP_SHARED_DIR) + "/" + rel;
  struct stat st {};
  if (::stat(path.c_str(), &st) == 0) return path;
  std::cout << "pp-skip: ../shared/" << rel << " is absent (" << why << ")" << std::endl;
  return "";
}

}  // namespace pp::test
