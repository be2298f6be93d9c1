// Path globs for operator rules: "/archive/**" (any depth), "*.iso" (within
// one component), "?" (one character), "[abc]" (a set). Matching is on
// normalized VFS paths and is case-sensitive.
#pragma once

#include <string_view>

namespace fleet::cluster {

// True if `path` matches `pattern`. "**" matches any run of characters
// including '/', "*" any run without '/', "?" one character other than '/'.
// A pattern ending in "/**" also matches the directory itself ("/a/**" matches "/a").
bool glob_match(std::string_view pattern, std::string_view path);

}  // namespace fleet::cluster
