// The file side of SqliteStore's cluster bookkeeping: replica targets, copy
// records, and the batch queries of the background jobs (re-replication,
// drain, scrub), which page through millions of files by id.
#include <utility>

#include "meta/file_refs.hpp"
#include "meta/json_array.hpp"
#include "meta/path_cache.hpp"
#include "meta/path_parts.hpp"
#include "meta/sql_limit.hpp"
#include "meta/sqlite_store.hpp"

namespace fleet::meta {

std::optional<std::string> SqliteStore::path_of(std::int64_t id) {
  PathCache paths(db_);
  return paths.path_of(id);
}

Status SqliteStore::set_replicas(std::string_view path, int replicas) {
  if (replicas < 1) return Status::Invalid;
  auto parts = split_path(path);
  if (!parts) return Status::Invalid;
  Transaction tx(db_);
  Entry e;
  if (Status s = walk(*parts, e); s != Status::Ok) return s;
  if (e.is_dir) return Status::IsDirectory;
  db_.query("UPDATE entries SET replicas = ?2 WHERE id = ?1").bind(e.id, replicas).run();
  tx.commit();
  return Status::Ok;
}

Status SqliteStore::remove_copy(std::string_view path, std::string_view node) {
  auto parts = split_path(path);
  if (!parts) return Status::Invalid;
  Transaction tx(db_);
  Entry e;
  if (Status s = walk(*parts, e); s != Status::Ok) return s;
  if (e.is_dir) return Status::IsDirectory;
  db_.query("DELETE FROM copies WHERE entry_id = ?1 AND node = ?2").bind(e.id, node).run();
  tx.commit();
  return Status::Ok;
}

std::vector<FileRef> SqliteStore::under_replicated(const std::vector<std::string>& online, std::int64_t after_id,
                                                   std::int64_t up_to_id, std::size_t limit) {
  if (limit == 0 || up_to_id <= after_id) return {};
  // Walks entries by rowid through the window and counts each file's online
  // copies through the copies' primary key, so the statement stops as soon as
  // it has `limit` rows or leaves the window: the cost is that of the files
  // passed over (about a microsecond each), never a sort of the whole table.
  std::vector<FileRow> rows;
  {
    Query q = db_.query(
        "SELECT " FLEET_META_FILE_ROW_COLUMNS
        " FROM entries e WHERE e.id > ?1 AND e.id <= ?4 AND e.is_dir = 0 AND e.replicas > "
        "(SELECT count(*) FROM copies c WHERE c.entry_id = e.id "
        "AND c.node IN (SELECT value FROM json_each(?2))) "
        "ORDER BY e.id LIMIT ?3");
    q.bind(after_id, json_string_array(online), sql_limit(limit), up_to_id);
    while (q.step()) rows.push_back(read_file_row(q));
  }
  return finish_file_refs(db_, std::move(rows));
}

std::int64_t SqliteStore::last_entry_id() {
  // max() of the rowid is one step down the right edge of the table's tree.
  Query q = db_.query("SELECT max(id) FROM entries");
  return q.step() ? q.int64(0) : 0;
}

std::unique_ptr<MetaStore> SqliteStore::open_another() {
  // Opened here, on the event loop's thread, without waiting for any lock
  // (the schema is already migrated); then used from a worker thread, where
  // waiting for a lock stalls no client.
  return std::make_unique<SqliteStore>(Another{}, file_, StoreOptions{kWaitingBusyTimeout});
}

std::vector<FileRef> SqliteStore::files_on_node_batch(std::string_view node, std::int64_t after_id,
                                                      std::size_t limit) {
  if (limit == 0) return {};
  // copies_by_node holds (node, entry_id): the node's copies in id order.
  std::vector<FileRow> rows;
  {
    Query q = db_.query(
        "SELECT " FLEET_META_FILE_ROW_COLUMNS
        " FROM copies c JOIN entries e ON e.id = c.entry_id "
        "WHERE c.node = ?1 AND c.entry_id > ?2 ORDER BY c.entry_id LIMIT ?3");
    q.bind(node, after_id, sql_limit(limit));
    while (q.step()) rows.push_back(read_file_row(q));
  }
  return finish_file_refs(db_, std::move(rows));
}

std::vector<FileRef> SqliteStore::files_batch(std::int64_t after_id, std::size_t limit) {
  if (limit == 0) return {};
  std::vector<FileRow> rows;
  {
    Query q = db_.query("SELECT " FLEET_META_FILE_ROW_COLUMNS
                        " FROM entries e WHERE e.id > ?1 AND e.is_dir = 0 ORDER BY e.id LIMIT ?2");
    q.bind(after_id, sql_limit(limit));
    while (q.step()) rows.push_back(read_file_row(q));
  }
  return finish_file_refs(db_, std::move(rows));
}

std::vector<NodeUsage> SqliteStore::node_usage() {
  Query q = db_.query(
      "SELECT c.node, count(*), sum(e.size) FROM copies c JOIN entries e ON e.id = c.entry_id "
      "GROUP BY c.node ORDER BY c.node");
  std::vector<NodeUsage> usage;
  while (q.step()) {
    NodeUsage u;
    u.node = q.text(0);
    u.files = static_cast<std::uint64_t>(q.int64(1));
    u.bytes = static_cast<std::uint64_t>(q.int64(2));
    usage.push_back(std::move(u));
  }
  return usage;
}

std::vector<std::string> SqliteStore::nodes_with_copies() {
  // Skips from one node name to the next along copies_by_node; SELECT
  // DISTINCT would read every copy (millions) to find a handful of names.
  std::vector<std::string> names;
  std::string after;
  for (;;) {
    Query q = db_.query("SELECT min(node) FROM copies WHERE node > ?1");
    q.bind(after);
    if (!q.step() || q.is_null(0)) break;
    after = q.text(0);
    names.push_back(after);
  }
  return names;
}

}  // namespace fleet::meta
