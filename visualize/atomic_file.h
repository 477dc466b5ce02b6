// Writing an output file all at once (visualize layer): the bytes go to a
// temporary file beside it, which is renamed over the target, so a failed or
// interrupted write never leaves a partial picture behind.
#pragma once
#include <string>
#include <string_view>

namespace pp::visualize {

// Writes `bytes` to `path`, replacing it. A regular file (or a new one) is
// replaced atomically, keeping its mode; a symbolic link is followed and the
// file it names is replaced (the link stays; a dangling link is refused); a
// pipe or a character device (`/dev/null`, a terminal) is written through,
// never replaced; a block device or a socket is refused. Throws model::DiagnosticError naming
// the file when it cannot be written (no such directory, no permission, a
// directory of that name); then neither `path` nor a temporary file is left.
void write_file_atomically(const std::string& path, std::string_view bytes);

// Throws the same DiagnosticError when `path` could not be written, without
// writing it: its directory must exist and be writable, and `path` must not be
// a directory. Lets a command fail before doing the work.
void check_writable(const std::string& path);

}  // namespace pp::visualize
