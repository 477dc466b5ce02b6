// Small helpers for writing HTML text (reports layer).
#pragma once
#include <string>
#include <string_view>

namespace pp::reports {

// `s` with & < > " ' escaped, for text and attribute values alike.
std::string escape(std::string_view s);
void append_escaped(std::string& out, std::string_view s);

}  // namespace pp::reports
