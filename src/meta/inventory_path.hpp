// Which paths in a node's inventory can be files of the namespace. A node
// reports what it finds on its disk; anything the namespace could never hold
// (a relative or unnormalized path, a control byte, an overlong name, bytes
// that are not UTF-8) is left alone rather than guessed at.
#pragma once

#include <string_view>

namespace fleet::meta {

// The same limits the FTP front end applies to the names clients give.
inline constexpr std::size_t kMaxInventoryPathBytes = 4096;
inline constexpr std::size_t kMaxInventoryNameBytes = 255;

// True for "/a/b" form: absolute, not the root, no empty, "." or ".."
// components, no trailing slash, no NUL, CR or LF, names of at most
// kMaxInventoryNameBytes, at most kMaxInventoryPathBytes in all, valid UTF-8.
bool is_inventory_file_path(std::string_view path);

}  // namespace fleet::meta
