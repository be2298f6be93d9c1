#include "meta/inventory_path.hpp"

#include "ftp/path.hpp"

namespace fleet::meta {

// A path is acceptable exactly when the FTP front end would produce it itself:
// resolving it changes nothing (normalized, valid UTF-8, within the limits).
bool is_inventory_file_path(std::string_view path) {
  if (path.size() < 2 || path.front() != '/') return false;
  const auto resolved = ftp::resolve_path("/", path);
  return resolved && *resolved == path;
}

}  // namespace fleet::meta
