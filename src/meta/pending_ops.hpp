// The changes still waiting for a returning node, as its inventory sees them.
// The node reports its disk as it was before those changes are replayed, so a
// reported path that a pending change names must not be judged against the
// namespace now: the replay decides what becomes of it.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_set>
#include <vector>

#include "meta/store.hpp"

namespace fleet::meta {

class PendingOps {
 public:
  // `ops` oldest first, as MetaStore::node_ops returns them.
  explicit PendingOps(std::vector<NodeOp> ops);

  bool empty() const { return ops_.empty(); }

  // True if a change names `path` or a directory above it: as the path of a
  // delete, rename or directory removal, or as the new name of a rename.
  bool touches(std::string_view path) const;

  // Where the file at `path` on the node will be once every change has been
  // replayed in order, if renames move it there; nullopt if the replay
  // deletes it or no rename moves it.
  std::optional<std::string> after_replay(std::string_view path) const;

 private:
  struct Hash {
    using is_transparent = void;
    std::size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
  };

  std::vector<NodeOp> ops_;
  // Every path the changes name, so touches() costs one lookup per component
  // of the reported path however many changes wait.
  std::unordered_set<std::string, Hash, std::equal_to<>> named_;
};

}  // namespace fleet::meta
