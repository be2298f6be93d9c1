// Judges one batch of a returning node's inventory against the namespace,
// inside the caller's transaction. Directory lookups are cached for the
// batch: a node reports its files directory by directory, so a thousand
// reported files share a handful of parents.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>

#include "meta/pending_ops.hpp"
#include "meta/sqlite_db.hpp"
#include "meta/store.hpp"

namespace fleet::meta {

class InventoryReconciler {
 public:
  InventoryReconciler(Database& db, std::string_view node, std::int64_t generation, UnknownFilePolicy policy,
                      const PendingOps& pending);

  // Judges one reported file and records the verdict in result().
  void reconcile(const InventoryItem& item);

  ReconcileResult take_result() { return std::move(result_); }

 private:
  // What a directory path is in the namespace.
  struct DirState {
    enum Kind { Dir, Missing, Blocked } kind = Missing;  // Blocked: it or a directory above it is a file
    std::int64_t id = 0;                                   // for Dir
  };
  struct Child {
    std::int64_t id = 0;
    bool is_dir = false;
    std::uint64_t size = 0;
  };

  DirState dir_state(std::string_view dir);
  std::optional<Child> child(std::int64_t parent_id, std::string_view name);
  // Creates `dir` and the directories missing above it; it must not be Blocked.
  std::int64_t ensure_dir(std::string_view dir, std::int64_t mtime);
  void adopt(std::string_view path, std::string_view dir, std::string_view name, const InventoryItem& item);
  void mark_seen(std::int64_t entry_id);
  // A file a pending rename will move to `path`: its copy record stays if the
  // file there is the one the node has.
  void keep_moved_copy(std::string_view path, std::uint64_t size);
  void conflict(std::string_view path);

  struct Hash {
    using is_transparent = void;
    std::size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
  };

  Database& db_;
  std::string node_;
  std::int64_t generation_;
  UnknownFilePolicy policy_;
  const PendingOps& pending_;
  std::unordered_map<std::string, DirState, Hash, std::equal_to<>> dirs_;
  ReconcileResult result_;
};

}  // namespace fleet::meta
