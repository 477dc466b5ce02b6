// The policies bundled in the binary, found by their id (model layer): what
// `--policy CMM-607` or `--policy L34106` names.
#pragma once
#include <optional>
#include <string_view>

#include "model/policy.h"

namespace pp::model {

// The source of the bundled policy whose `policy: id:` is `id`, if any (read
// from the file's text, without loading every bundled policy).
std::optional<PolicySource> bundled_policy_source(std::string_view id);

}  // namespace pp::model
