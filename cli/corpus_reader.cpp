// Reading a corpus of cases (see corpus_reader.h).
#include "cli/corpus_reader.h"

#include <filesystem>
#include <sstream>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "cli/common.h"
#include "model/case_reader.h"

namespace pp::cli {

Corpus read_corpus(const model::Policy& policy, const std::vector<std::string>& paths) {
  model::CaseReader reader(policy);
  Corpus out;
  for (const auto& path : paths) {
    std::string text = read_input(path);
    std::istringstream in(text);
    std::string line;
    long no = 0;
    while (std::getline(in, line)) {
      ++no;
      auto first = line.find_first_not_of(" \t\r");
      if (first == std::string::npos || line[first] == '#') continue;
      std::string json = line;
      if (line.find("\"expect\"") != std::string::npos) {  // a test-file line: its case
        try {
          auto j = nlohmann::json::parse(line);
          if (j.is_object() && j.contains("case")) json = j["case"].dump();
        } catch (const nlohmann::json::parse_error&) {
        }
      }
      model::Case c = reader.read(json, path, no);
      out.labels.push_back(c.has_case_id ? c.case_id : fmt::format("{}:{}", std::filesystem::path(path).filename().string(), no));
      out.cases.push_back(std::move(c));
    }
  }
  return out;
}

}  // namespace pp::cli
