// Which paths in a node's inventory can be files of the namespace. A node
// reports what it finds on its disk; anything the namespace could never hold
// (a relative or unnormalized path, a control byte, an overlong name, bytes
// that are not UTF-8) is left alone rather than guessed at.
#pragma once

#include <string_view>

namespace fleet::meta {

// True for "/a/b" form: absolute, not the root, and exactly what
// ftp::resolve_path would make of it (normalized, no NUL/CR/LF, valid UTF-8,
// within the name and path length limits clients get too).
bool is_inventory_file_path(std::string_view path);

}  // namespace fleet::meta
