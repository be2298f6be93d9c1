#include "master/anonymous_root.hpp"

#include <stdexcept>

namespace fleet::master {

bool ensure_anonymous_root(meta::MetaStore& store, const std::string& root, std::int64_t now) {
  bool made = false;
  // Each prefix in turn: "/a", "/a/b", ... up to the root itself.
  for (std::size_t end = 1; end <= root.size(); ++end) {
    if (end != root.size() && root[end] != '/') continue;
    const std::string prefix = root.substr(0, end);
    if (prefix == "/") continue;
    if (auto entry = store.lookup(prefix)) {
      if (!entry->is_dir)
        throw std::runtime_error("[anonymous] root " + root + ": " + prefix + " is a file, not a directory");
      continue;
    }
    if (store.make_dir(prefix, "", now) != meta::Status::Ok)
      throw std::runtime_error("[anonymous] root " + root + ": cannot create the directory " + prefix);
    made = true;
  }
  return made;
}

}  // namespace fleet::master
