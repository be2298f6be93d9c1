// Virtual paths: how a client's path argument becomes a normalized absolute
// path in the namespace. Clamps ".." at "/" (like a chroot), so no argument
// can name anything outside the namespace.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace fleet::ftp {

inline constexpr std::size_t kMaxPathBytes = 4096;
inline constexpr std::size_t kMaxNameBytes = 255;

// Resolves `arg` (absolute, or relative to `cwd`, which is already normalized)
// to "/a/b" form: no trailing slash (except "/" itself), no "." or "..", no
// empty components. Returns nullopt for a NUL, CR or LF byte, a component longer than
// kMaxNameBytes, a result longer than kMaxPathBytes, or invalid UTF-8.
std::optional<std::string> resolve_path(std::string_view cwd, std::string_view arg);

// "/a/b" -> "/a"; "/a" -> "/"; "/" -> "/".
std::string parent_path(std::string_view path);

// "/a/b" -> "b"; "/" -> "".
std::string base_name(std::string_view path);

// Joins a normalized directory and one name: ("/", "x") -> "/x", ("/a", "x") -> "/a/x".
std::string join_path(std::string_view dir, std::string_view name);

// Quotes a path for a 257 reply (RFC 959 appendix II): wraps in '"' and doubles
// embedded '"'.
std::string quote_257(std::string_view path);

}  // namespace fleet::ftp
