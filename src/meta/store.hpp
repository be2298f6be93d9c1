// MetaStore: the master's metadata — the virtual file system (names, sizes,
// times, owners, checksums, and which nodes hold each file), the users, and a
// record of transfers. One interface, several engines (SQLite now; PostgreSQL
// for several masters later). Paths are normalized absolute VFS paths as made
// by ftp::resolve_path ("/", "/a/b"). Not thread-safe: one event loop owns it.
// Every call may throw std::runtime_error (I/O error, disk full, corrupt
// file); a write that meets another process's lock throws its subclass
// StoreBusy (store_busy.hpp) having changed nothing, and may be made again.
#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <limits>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "meta/store_busy.hpp"

namespace fleet::meta {

struct Entry {
  std::int64_t id = 0;          // stable unique id (root is 1)
  std::string name;             // last component ("" for root)
  bool is_dir = false;
  std::uint64_t size = 0;
  std::int64_t mtime = 0;       // unix seconds
  std::string owner;
  std::uint32_t crc32 = 0;
  bool has_crc = false;
  std::vector<std::string> nodes;  // node names holding a copy (files only)
};

enum class Status {
  Ok,
  NotFound,       // the path (or, when creating, its parent directory) does not exist
  Exists,         // the target name is taken
  NotDirectory,   // a path component, or the target of a directory operation, is a file
  IsDirectory,    // a file operation on a directory
  NotEmpty,       // rmdir of a non-empty directory
  Invalid,        // e.g. rename of "/" or into its own subtree
};

struct UserRecord {
  std::string name;
  std::string password_hash;    // argon2id string from auth::hash_password
  std::string home = "/";       // VFS path the session starts in
  bool enabled = true;
  std::int64_t created = 0;
};

struct TransferRecord {
  std::int64_t time = 0;        // unix seconds at completion
  std::string user;
  std::string client_ip;
  std::string path;
  char direction = 'o';         // 'o' outgoing (RETR), 'i' incoming (STOR/APPE/STOU)
  std::uint64_t bytes = 0;
  std::uint32_t crc32 = 0;      // CRC-32 of the file after the transfer (incoming), or of the file sent
  bool complete = true;
  std::string node;
  std::int64_t duration_ms = 0;
};

// A file as the cluster's background jobs see it (replication, drain, scrub).
struct FileRef {
  std::int64_t id = 0;
  std::string path;
  std::uint64_t size = 0;
  std::uint32_t crc32 = 0;
  bool has_crc = false;
  int replicas = 1;                // wanted number of copies
  std::vector<std::string> nodes;  // nodes holding a copy
};

// A change a node missed while it was away, replayed when it returns.
struct NodeOp {
  enum class Kind { Delete, Rename, RemoveDir };
  std::int64_t seq = 0;
  std::string node;
  Kind kind = Kind::Delete;
  std::string path;
  std::string path2;               // Rename: the new name
};

// One file a returning node reports (its inventory).
struct InventoryItem {
  std::string path;
  std::uint64_t size = 0;
  std::int64_t mtime = 0;
};

// What to do with a reported file the VFS does not know.
enum class UnknownFilePolicy { Adopt, Quarantine };

struct ReconcileResult {
  std::size_t known = 0;        // matched a VFS file: the copy is (still) recorded
  std::size_t adopted = 0;      // unknown, added to the VFS (parents created)
  std::vector<std::string> quarantine;  // unknown (policy Quarantine) or conflicting: move aside on the node
  std::size_t conflicts = 0;    // size differs from the VFS, or the path is a VFS directory
  std::size_t skipped = 0;      // a pending NodeOp names the path: the replay decides
};

struct NodeUsage {
  std::string node;
  std::uint64_t files = 0;
  std::uint64_t bytes = 0;
};

class MetaStore {
 public:
  virtual ~MetaStore() = default;

  // --- namespace ---
  virtual std::optional<Entry> lookup(std::string_view path) = 0;
  // Children of a directory, sorted by name. Empty if `path` is not a directory.
  virtual std::vector<Entry> list_dir(std::string_view path) = 0;
  // The file after `path` in its directory in name order (the order of
  // list_dir), passing over at most a few directories; nullopt at the end.
  // A client that fetches a directory file by file asks for it next.
  virtual std::optional<Entry> next_file(std::string_view path) = 0;
  virtual Status make_dir(std::string_view path, std::string_view owner, std::int64_t mtime) = 0;
  // Removes an empty directory.
  virtual Status remove_dir(std::string_view path) = 0;
  // Creates the file entry, or replaces an existing file's size/mtime/crc and
  // sets its copies to exactly {node}. The parent directory must exist.
  virtual Status put_file(std::string_view path, std::uint64_t size, std::int64_t mtime,
                          std::string_view owner, std::uint32_t crc32, std::string_view node) = 0;
  // Removes a file entry; `removed` receives the entry as it was (for its nodes).
  virtual Status remove_file(std::string_view path, Entry* removed) = 0;
  // Renames a file or directory (a directory moves with its subtree). If `to`
  // is an existing file it is replaced and returned in `replaced`; an existing
  // directory at `to` gives Exists.
  virtual Status rename(std::string_view from, std::string_view to, std::optional<Entry>* replaced) = 0;
  virtual Status set_mtime(std::string_view path, std::int64_t mtime) = 0;
  // Adds `node` to the copies of a file (no-op if already there).
  virtual Status add_copy(std::string_view path, std::string_view node) = 0;
  // Every file with a copy on `node`, as (path, size) — for reconciling a node.
  virtual std::vector<std::pair<std::string, std::uint64_t>> files_on_node(std::string_view node) = 0;

  // --- cluster bookkeeping ---
  virtual std::optional<std::string> path_of(std::int64_t id) = 0;
  // The wanted number of copies of a file (put_file keeps the old value; new files get 1).
  virtual Status set_replicas(std::string_view path, int replicas) = 0;
  virtual Status remove_copy(std::string_view path, std::string_view node) = 0;
  // Files with ids in (after_id, up_to_id], in id order, with fewer copies
  // on `online` nodes than their replica target (at most `limit`), for
  // re-replication. The window bounds the work of one call: with millions of
  // files a search to the end takes seconds, so a sweep goes in windows and
  // lets its event loop serve in between (last_entry_id: where to stop).
  virtual std::vector<FileRef> under_replicated(const std::vector<std::string>& online, std::int64_t after_id,
                                                std::int64_t up_to_id, std::size_t limit) = 0;
  // The same, up to the last file.
  std::vector<FileRef> under_replicated(const std::vector<std::string>& online, std::int64_t after_id,
                                        std::size_t limit) {
    return under_replicated(online, after_id, std::numeric_limits<std::int64_t>::max(), limit);
  }
  // The highest entry id in use (1, the root's, in an empty namespace).
  virtual std::int64_t last_entry_id() = 0;
  // A second connection to the same namespace, to be used from one other
  // thread: long background searches (replication sweeps over millions of
  // files) run there, so the event loop never waits behind them. Opening it
  // never waits for a lock (StoreBusy if it would have to); its writes wait
  // up to kWaitingBusyTimeout, on its own thread.
  virtual std::unique_ptr<MetaStore> open_another() = 0;
  // Files with a copy on `node`, in id order after `after_id` (drain, rebalance).
  virtual std::vector<FileRef> files_on_node_batch(std::string_view node, std::int64_t after_id,
                                                   std::size_t limit) = 0;
  // Every file, in id order after `after_id` (scrub).
  virtual std::vector<FileRef> files_batch(std::int64_t after_id, std::size_t limit) = 0;
  virtual std::vector<NodeUsage> node_usage() = 0;
  // The names of the nodes holding at least one copy, in name order. Cheap
  // at any size (one index probe per node), unlike node_usage(): the master
  // asks at start which nodes to wait for.
  virtual std::vector<std::string> nodes_with_copies() = 0;

  // Changes for nodes that are offline, kept until the node confirms them.
  virtual void enqueue_node_op(std::string_view node, NodeOp::Kind kind, std::string_view path,
                               std::string_view path2) = 0;
  virtual std::vector<NodeOp> node_ops(std::string_view node, std::size_t limit) = 0;
  virtual void ack_node_op(std::int64_t seq) = 0;

  // Inventory reconciliation of a (re)connecting node, in three steps:
  // begin_inventory starts a generation; reconcile_batch (one transaction per
  // call) marks every reported copy as seen in it; end_inventory forgets the
  // copies on `node` that were not reported, returning their paths.
  virtual std::int64_t begin_inventory(std::string_view node) = 0;
  virtual ReconcileResult reconcile_batch(std::string_view node, std::int64_t generation,
                                          const std::vector<InventoryItem>& items, UnknownFilePolicy policy) = 0;
  virtual std::vector<std::string> end_inventory(std::string_view node, std::int64_t generation) = 0;

  // Operator flags of a node that outlive restarts (e.g. "draining").
  virtual void set_node_flag(std::string_view node, std::string_view flag, bool on) = 0;
  virtual bool node_flag(std::string_view node, std::string_view flag) = 0;

  // --- users ---
  virtual bool add_user(const UserRecord& user) = 0;  // false if the name is taken
  virtual std::optional<UserRecord> get_user(std::string_view name) = 0;
  virtual std::vector<UserRecord> list_users() = 0;
  virtual bool delete_user(std::string_view name) = 0;
  virtual bool set_password(std::string_view name, std::string_view password_hash) = 0;

  // --- transfers ---
  // Writes a batch in one transaction: the master collects finished
  // transfers for a moment so that a commit is not paid per transfer.
  virtual void record_transfers(const std::vector<TransferRecord>& batch) = 0;
  void record_transfer(const TransferRecord& t) { record_transfers({t}); }
  virtual std::vector<TransferRecord> recent_transfers(std::size_t limit) = 0;
};

// For command-line tools and worker threads: how long a write waits for
// another process's lock before it fails with StoreBusy. The wait stalls
// only the thread that makes it.
inline constexpr std::chrono::milliseconds kWaitingBusyTimeout{5000};

struct StoreOptions {
  // How long a write waits for another connection's write lock. The default,
  // 0, is the event loop's: a locked write throws StoreBusy at once instead of
  // stalling every session, and the caller retries it on a timer
  // (busy_retry.hpp). Reads never wait in WAL mode, whatever this is.
  std::chrono::milliseconds busy_timeout{0};
};

// Opens (creating if needed) a SQLite metadata database in WAL mode with
// synchronous=NORMAL; creates the schema and the root directory (waiting up
// to 5 s for a lock while doing so). Throws std::runtime_error with a
// readable message if the file cannot be opened.
std::unique_ptr<MetaStore> open_sqlite_store(const std::filesystem::path& file, StoreOptions options = {});

}  // namespace fleet::meta
