// Splits a normalized VFS path into its components for walking the entry tree.
// The store trusts callers for normalization but still refuses paths that
// would create entries no client could name again ("." and ".." or relative
// paths), so a bug upstream cannot corrupt the tree.
#pragma once

#include <optional>
#include <string_view>
#include <vector>

namespace fleet::meta {

// "/" -> {}; "/a/b" -> {"a", "b"}. Empty components (doubled or trailing
// slashes) are skipped. nullopt if the path is not absolute or has a "." or
// ".." component. The views point into `path`.
std::optional<std::vector<std::string_view>> split_path(std::string_view path);

// True if `inner` lies strictly below `outer` (both as made by split_path).
bool is_strictly_below(const std::vector<std::string_view>& inner,
                       const std::vector<std::string_view>& outer);

}  // namespace fleet::meta
