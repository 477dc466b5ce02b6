// The quick path of YamlReader::parse (model layer): libyaml's parser, which
// reads a policy file some six times faster than yaml-cpp, building the same
// tree with the same marks. It takes only plain documents: anything it does
// not handle exactly as yaml-cpp does (a syntax error, a tag, an anchor or
// an alias, an explicit `? key`, a directive, a second document, deep nesting, a carriage return
// or YAML 1.1's other line breaks, a byte-order mark, an empty document)
// returns nothing, and the caller parses with yaml-cpp, which
// gives today's answers and messages. Tests compare the two on every YAML file
// of the repository and the fuzz corpus; the fuzz targets compare them too.
#pragma once
#include <optional>
#include <string>

#include "model/yaml_tree.h"

namespace pp::model {

std::optional<YamlNode> parse_yaml_fast(const std::string& text);

}  // namespace pp::model
