// MetaStore on an embedded SQLite file: the single-master engine. The tree is
// stored as (parent, name) rows, so renaming a directory rewrites one row no
// matter how large its subtree is; paths are resolved by walking from the root
// one component at a time over the (parent, name) index.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <span>
#include <unordered_map>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "meta/sqlite_db.hpp"
#include "meta/store.hpp"

namespace fleet::meta {

class SqliteStore final : public MetaStore {
 public:
  // Opens or creates `file` and brings its schema up to date.
  explicit SqliteStore(const std::filesystem::path& file, StoreOptions options = {});
  // Another connection to a file whose schema is already up to date: opens
  // without waiting for any lock (it is made on the event loop's thread),
  // then runs with `options`.
  struct Another {};
  SqliteStore(Another, const std::filesystem::path& file, StoreOptions options);

  std::optional<Entry> lookup(std::string_view path) override;
  std::vector<Entry> list_dir(std::string_view path) override;
  std::optional<Entry> next_file(std::string_view path) override;
  Status make_dir(std::string_view path, std::string_view owner, std::int64_t mtime) override;
  Status remove_dir(std::string_view path) override;
  Status put_file(std::string_view path, std::uint64_t size, std::int64_t mtime, std::string_view owner,
                  std::uint32_t crc32, std::string_view node) override;
  Status remove_file(std::string_view path, Entry* removed) override;
  Status rename(std::string_view from, std::string_view to, std::optional<Entry>* replaced) override;
  Status set_mtime(std::string_view path, std::int64_t mtime) override;
  Status add_copy(std::string_view path, std::string_view node) override;
  std::vector<std::pair<std::string, std::uint64_t>> files_on_node(std::string_view node) override;

  std::optional<std::string> path_of(std::int64_t id) override;
  Status set_replicas(std::string_view path, int replicas) override;
  Status remove_copy(std::string_view path, std::string_view node) override;
  using MetaStore::under_replicated;
  std::vector<FileRef> under_replicated(const std::vector<std::string>& online, std::int64_t after_id,
                                        std::int64_t up_to_id, std::size_t limit) override;
  std::int64_t last_entry_id() override;
  std::unique_ptr<MetaStore> open_another() override;
  std::vector<FileRef> files_on_node_batch(std::string_view node, std::int64_t after_id, std::size_t limit) override;
  std::vector<FileRef> files_batch(std::int64_t after_id, std::size_t limit) override;
  std::vector<NodeUsage> node_usage() override;
  std::vector<std::string> nodes_with_copies() override;
  void enqueue_node_op(std::string_view node, NodeOp::Kind kind, std::string_view path,
                       std::string_view path2) override;
  std::vector<NodeOp> node_ops(std::string_view node, std::size_t limit) override;
  void ack_node_op(std::int64_t seq) override;
  std::int64_t begin_inventory(std::string_view node) override;
  ReconcileResult reconcile_batch(std::string_view node, std::int64_t generation,
                                  const std::vector<InventoryItem>& items, UnknownFilePolicy policy) override;
  std::vector<std::string> end_inventory(std::string_view node, std::int64_t generation) override;
  void set_node_flag(std::string_view node, std::string_view flag, bool on) override;
  bool node_flag(std::string_view node, std::string_view flag) override;

  bool add_user(const UserRecord& user) override;
  std::optional<UserRecord> get_user(std::string_view name) override;
  std::vector<UserRecord> list_users() override;
  bool delete_user(std::string_view name) override;
  bool set_password(std::string_view name, std::string_view password_hash) override;

  void record_transfers(const std::vector<TransferRecord>& batch) override;
  std::vector<TransferRecord> recent_transfers(std::size_t limit) override;

 private:
  using Parts = std::span<const std::string_view>;

  // Resolves `parts` from the root into `out` (without its nodes). NotFound
  // if a component is missing, NotDirectory if one before the last is a file.
  Status walk(Parts parts, Entry& out);
  // For operations that name an entry to create or replace: resolves the
  // parent directory of the last component of `parts` (which must not be
  // empty) and looks the last component up in it.
  Status locate(Parts parts, Entry& parent, std::optional<Entry>& existing);
  std::optional<Entry> child(std::int64_t parent_id, std::string_view name);
  std::vector<std::string> nodes_of(std::int64_t entry_id);
  // Records a copy of a file on `node`, as reported in the node's current
  // inventory generation.
  void record_copy(std::int64_t entry_id, std::string_view node);
  void delete_entry(std::int64_t entry_id);
  // The node's newest inventory generation (0 before its first).
  std::int64_t current_generation(std::string_view node);

  // The id of the directory `parts` names, from dir_ids_ or by walking.
  std::optional<std::int64_t> dir_id(Parts parts);
  // Called wherever a directory may disappear or move.
  void forget_dir_ids() { dir_ids_.clear(); }

  std::filesystem::path file_;
  StoreOptions options_;
  Database db_;
  // Directory path ("a/b") -> entry id, for directories seen outside any
  // transaction (so never one that a rollback undoes). A lookup of
  // /pub/x/y/file then costs one query for the file instead of one per
  // component: lookups were half of the master's instructions per RETR.
  // Cleared by remove_dir and rename, the only ways a directory goes away or
  // moves, and when it grows past kMaxDirIds.
  static constexpr std::size_t kMaxDirIds = 100'000;
  std::unordered_map<std::string, std::int64_t> dir_ids_;
  // The last lookup outside a transaction, valid while nothing has been
  // written since: an FTP session looks the same file up for PRET, for the
  // node that will serve it and again for RETR, and next_file() finds the
  // file a RETR will ask for. (The master is the only writer of its
  // database.)
  struct LastLookup {
    std::string path;
    std::int64_t changes = -1;
    std::optional<Entry> entry;
  };
  LastLookup last_lookup_;
};

}  // namespace fleet::meta
