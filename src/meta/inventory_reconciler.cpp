#include "meta/inventory_reconciler.hpp"

#include <stdexcept>
#include <utility>

#include "meta/inventory_path.hpp"

namespace fleet::meta {
namespace {

constexpr std::int64_t kRootId = 1;
// Adopted files and the directories made for them belong to the anonymous
// account: nobody uploaded them through the front end.
constexpr std::string_view kAdoptedOwner = "ftp";

// "/a/b" -> ("/a", "b"); "/a" -> ("/", "a"). `path` is a checked file path.
std::pair<std::string_view, std::string_view> split_last(std::string_view path) {
  std::size_t slash = path.rfind('/');
  std::string_view dir = slash == 0 ? std::string_view("/") : path.substr(0, slash);
  return {dir, path.substr(slash + 1)};
}

}  // namespace

InventoryReconciler::InventoryReconciler(Database& db, std::string_view node, std::int64_t generation,
                                         UnknownFilePolicy policy, const PendingOps& pending)
    : db_(db), node_(node), generation_(generation), policy_(policy), pending_(pending) {
  dirs_.emplace("/", DirState{DirState::Dir, kRootId});
}

void InventoryReconciler::reconcile(const InventoryItem& item) {
  const std::string_view path = item.path;
  if (!is_inventory_file_path(path)) return;
  if (pending_.touches(path)) {
    ++result_.skipped;
    if (auto moved = pending_.after_replay(path)) keep_moved_copy(*moved, item.size);
    return;
  }
  auto [dir, name] = split_last(path);
  const DirState parent = dir_state(dir);
  if (parent.kind == DirState::Blocked) return conflict(path);
  if (parent.kind == DirState::Dir) {
    if (std::optional<Child> found = child(parent.id, name)) {
      if (found->is_dir || found->size != item.size) return conflict(path);
      mark_seen(found->id);
      ++result_.known;
      return;
    }
  }
  if (policy_ == UnknownFilePolicy::Adopt) {
    adopt(path, dir, name, item);
  } else {
    result_.quarantine.emplace_back(path);
  }
}

InventoryReconciler::DirState InventoryReconciler::dir_state(std::string_view dir) {
  if (auto it = dirs_.find(dir); it != dirs_.end()) return it->second;
  auto [above, name] = split_last(dir);
  DirState state = dir_state(above);
  if (state.kind == DirState::Dir) {
    std::optional<Child> found = child(state.id, name);
    if (!found) {
      state = DirState{DirState::Missing, 0};
    } else if (!found->is_dir) {
      state = DirState{DirState::Blocked, 0};
    } else {
      state = DirState{DirState::Dir, found->id};
    }
  }
  dirs_.emplace(dir, state);
  return state;
}

std::optional<InventoryReconciler::Child> InventoryReconciler::child(std::int64_t parent_id,
                                                                     std::string_view name) {
  Query q = db_.query("SELECT id, is_dir, size FROM entries WHERE parent = ?1 AND name = ?2");
  q.bind(parent_id, name);
  if (!q.step()) return std::nullopt;
  return Child{q.int64(0), q.int64(1) != 0, static_cast<std::uint64_t>(q.int64(2))};
}

std::int64_t InventoryReconciler::ensure_dir(std::string_view dir, std::int64_t mtime) {
  const DirState state = dir_state(dir);
  if (state.kind == DirState::Dir) return state.id;
  if (state.kind == DirState::Blocked) throw std::logic_error("inventory: cannot create a directory below a file");
  auto [above, name] = split_last(dir);
  const std::int64_t parent_id = ensure_dir(above, mtime);
  db_.query("INSERT INTO entries (parent, name, is_dir, size, mtime, owner) VALUES (?1, ?2, 1, 0, ?3, ?4)")
      .bind(parent_id, name, mtime, kAdoptedOwner)
      .run();
  const std::int64_t id = db_.last_insert_rowid();
  dirs_.insert_or_assign(std::string(dir), DirState{DirState::Dir, id});
  return id;
}

void InventoryReconciler::adopt(std::string_view path, std::string_view dir, std::string_view name,
                                const InventoryItem& item) {
  const std::int64_t parent_id = ensure_dir(dir, item.mtime);
  // No checksum yet: the node computes one when the file is next read whole.
  db_.query(
         "INSERT INTO entries (parent, name, is_dir, size, mtime, owner, crc32, has_crc, replicas) "
         "VALUES (?1, ?2, 0, ?3, ?4, ?5, 0, 0, 1)")
      .bind(parent_id, name, item.size, item.mtime, kAdoptedOwner)
      .run();
  mark_seen(db_.last_insert_rowid());
  ++result_.adopted;

  // The batch may have looked at this path as a directory (a reported file
  // below it), caching it as missing; it is a file now, and so it and
  // everything below it block, or a later item would try to create it again.
  if (auto it = dirs_.find(path); it != dirs_.end()) {
    it->second = DirState{DirState::Blocked, 0};
    for (auto& [dir_path, state] : dirs_) {
      if (dir_path.size() > path.size() && dir_path.starts_with(path) && dir_path[path.size()] == '/') {
        state = DirState{DirState::Blocked, 0};
      }
    }
  }
}

void InventoryReconciler::mark_seen(std::int64_t entry_id) {
  db_.query(
         "INSERT INTO copies (entry_id, node, seen_gen) VALUES (?1, ?2, ?3) "
         "ON CONFLICT (entry_id, node) DO UPDATE SET seen_gen = excluded.seen_gen")
      .bind(entry_id, node_, generation_)
      .run();
}

void InventoryReconciler::keep_moved_copy(std::string_view path, std::uint64_t size) {
  if (!is_inventory_file_path(path)) return;
  auto [dir, name] = split_last(path);
  const DirState parent = dir_state(dir);
  if (parent.kind != DirState::Dir) return;
  std::optional<Child> found = child(parent.id, name);
  if (!found || found->is_dir || found->size != size) return;
  // Only a copy the namespace still records: a file uploaded over the new
  // name since then dropped it, and the node's bytes are not that file.
  db_.query("UPDATE copies SET seen_gen = ?3 WHERE entry_id = ?1 AND node = ?2")
      .bind(found->id, node_, generation_)
      .run();
}

void InventoryReconciler::conflict(std::string_view path) {
  ++result_.conflicts;
  result_.quarantine.emplace_back(path);
}

}  // namespace fleet::meta
