#include "meta/path_parts.hpp"

#include <algorithm>

namespace fleet::meta {

std::optional<std::vector<std::string_view>> split_path(std::string_view path) {
  if (path.empty() || path.front() != '/') return std::nullopt;
  std::vector<std::string_view> parts;
  std::size_t pos = 0;
  while (pos < path.size()) {
    std::size_t next = path.find('/', pos);
    if (next == std::string_view::npos) next = path.size();
    std::string_view part = path.substr(pos, next - pos);
    if (part == "." || part == "..") return std::nullopt;
    if (!part.empty()) parts.push_back(part);
    pos = next + 1;
  }
  return parts;
}

bool is_strictly_below(const std::vector<std::string_view>& inner,
                       const std::vector<std::string_view>& outer) {
  return inner.size() > outer.size() && std::equal(outer.begin(), outer.end(), inner.begin());
}

}  // namespace fleet::meta
