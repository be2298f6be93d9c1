#include "meta/sqlite_store.hpp"

#include <stdexcept>
#include <unordered_map>

#include "meta/path_parts.hpp"
#include "meta/sqlite_schema.hpp"

namespace fleet::meta {
namespace {

constexpr std::int64_t kRootId = 1;

// Every query that reads whole entries selects these columns first, in this
// order, so read_entry can decode them.
#define ENTRY_COLUMNS "id, name, is_dir, size, mtime, owner, crc32, has_crc"

Entry read_entry(const Query& q) {
  Entry e;
  e.id = q.int64(0);
  e.name = q.text(1);
  e.is_dir = q.int64(2) != 0;
  e.size = static_cast<std::uint64_t>(q.int64(3));
  e.mtime = q.int64(4);
  e.owner = q.text(5);
  e.crc32 = static_cast<std::uint32_t>(q.int64(6));
  e.has_crc = q.int64(7) != 0;
  return e;
}

}  // namespace

SqliteStore::SqliteStore(const std::filesystem::path& file, StoreOptions options)
    : file_(file), options_(options), db_(file) {
  configure_connection(db_);
  migrate_schema(db_);
  db_.set_busy_timeout(options_.busy_timeout);
}

SqliteStore::SqliteStore(Another, const std::filesystem::path& file, StoreOptions options)
    : file_(file), options_(options), db_(file) {
  configure_connection(db_, std::chrono::milliseconds(0));
  db_.set_busy_timeout(options_.busy_timeout);
}

std::unique_ptr<MetaStore> open_sqlite_store(const std::filesystem::path& file, StoreOptions options) {
  return std::make_unique<SqliteStore>(file, options);
}

// --- private helpers ---

std::optional<Entry> SqliteStore::child(std::int64_t parent_id, std::string_view name) {
  Query q = db_.query("SELECT " ENTRY_COLUMNS " FROM entries WHERE parent = ?1 AND name = ?2");
  q.bind(parent_id, name);
  if (!q.step()) return std::nullopt;
  return read_entry(q);
}

Status SqliteStore::walk(Parts parts, Entry& out) {
  if (parts.empty()) {
    Query q = db_.query("SELECT " ENTRY_COLUMNS " FROM entries WHERE id = 1");
    if (!q.step()) throw std::runtime_error("metadata store: the root directory is missing");
    out = read_entry(q);
    return Status::Ok;
  }
  const auto parent = parts.size() > 1 ? dir_id(parts.first(parts.size() - 1)) : std::optional<std::int64_t>(kRootId);
  if (parent) {
    std::optional<Entry> last = child(*parent, parts.back());
    if (!last) return Status::NotFound;
    out = std::move(*last);
    return Status::Ok;
  }
  // The parent is missing or not a directory: walk to find out which.
  std::int64_t id = kRootId;
  for (std::size_t i = 0; i < parts.size(); ++i) {
    std::optional<Entry> next = child(id, parts[i]);
    if (!next) return Status::NotFound;
    if (i + 1 < parts.size() && !next->is_dir) return Status::NotDirectory;
    if (i + 1 == parts.size()) {
      out = std::move(*next);
      break;
    }
    id = next->id;
  }
  return Status::Ok;
}

std::optional<std::int64_t> SqliteStore::dir_id(Parts parts) {
  std::string key;
  for (auto part : parts) {
    key += part;
    key += '/';
  }
  if (auto it = dir_ids_.find(key); it != dir_ids_.end()) return it->second;
  std::int64_t id = kRootId;
  for (auto part : parts) {
    std::optional<Entry> next = child(id, part);
    if (!next || !next->is_dir) return std::nullopt;
    id = next->id;
  }
  if (!db_.in_transaction()) {
    if (dir_ids_.size() >= kMaxDirIds) forget_dir_ids();
    dir_ids_.emplace(std::move(key), id);
  }
  return id;
}

Status SqliteStore::locate(Parts parts, Entry& parent, std::optional<Entry>& existing) {
  Status s = walk(parts.first(parts.size() - 1), parent);
  if (s != Status::Ok) return s;
  if (!parent.is_dir) return Status::NotDirectory;
  existing = child(parent.id, parts.back());
  return Status::Ok;
}

std::vector<std::string> SqliteStore::nodes_of(std::int64_t entry_id) {
  Query q = db_.query("SELECT node FROM copies WHERE entry_id = ?1 ORDER BY node");
  q.bind(entry_id);
  std::vector<std::string> nodes;
  while (q.step()) nodes.push_back(q.text(0));
  return nodes;
}

void SqliteStore::record_copy(std::int64_t entry_id, std::string_view node) {
  // A copy recorded while its node is reporting its inventory (an upload or a
  // replica finishing meanwhile) counts as reported in that generation, so the
  // end of the inventory does not forget it.
  db_.query(
         "INSERT INTO copies (entry_id, node, seen_gen) "
         "VALUES (?1, ?2, coalesce((SELECT gen FROM inventory_gen WHERE node = ?2), 0)) "
         "ON CONFLICT (entry_id, node) DO UPDATE SET seen_gen = excluded.seen_gen")
      .bind(entry_id, node)
      .run();
}

void SqliteStore::delete_entry(std::int64_t entry_id) {
  // Its copies go with it through ON DELETE CASCADE.
  db_.query("DELETE FROM entries WHERE id = ?1").bind(entry_id).run();
}

// --- namespace ---

std::optional<Entry> SqliteStore::lookup(std::string_view path) {
  const bool memo = !db_.in_transaction();
  const auto changes = db_.total_changes();
  if (memo && changes == last_lookup_.changes && path == last_lookup_.path) return last_lookup_.entry;
  auto parts = split_path(path);
  if (!parts) return std::nullopt;
  std::optional<Entry> found;
  Entry e;
  if (walk(*parts, e) == Status::Ok) {
    if (!e.is_dir) e.nodes = nodes_of(e.id);
    found = std::move(e);
  }
  if (memo) last_lookup_ = {std::string(path), changes, found};
  return found;
}

std::vector<Entry> SqliteStore::list_dir(std::string_view path) {
  auto parts = split_path(path);
  if (!parts) return {};
  Entry dir;
  if (walk(*parts, dir) != Status::Ok || !dir.is_dir) return {};

  std::vector<Entry> children;
  std::unordered_map<std::int64_t, std::size_t> index_of;
  {
    // ORDER BY follows the (parent, name) index, whose collation is BINARY.
    Query q = db_.query("SELECT " ENTRY_COLUMNS " FROM entries WHERE parent = ?1 ORDER BY name");
    q.bind(dir.id);
    while (q.step()) {
      index_of.emplace(q.int64(0), children.size());
      children.push_back(read_entry(q));
    }
  }
  if (children.empty()) return children;
  // The copies of every child in one query: one per child would cost a round
  // of the VM per file, which shows on directories with many thousands. This
  // order is the order of the indexes walked, so SQLite need not sort.
  Query q = db_.query(
      "SELECT c.entry_id, c.node FROM entries e JOIN copies c ON c.entry_id = e.id "
      "WHERE e.parent = ?1 ORDER BY e.name, c.node");
  q.bind(dir.id);
  while (q.step()) {
    auto it = index_of.find(q.int64(0));
    if (it != index_of.end()) children[it->second].nodes.push_back(q.text(1));
  }
  return children;
}

std::optional<Entry> SqliteStore::next_file(std::string_view path) {
  auto parts = split_path(path);
  if (!parts || parts->empty()) return std::nullopt;
  // Asked at every PASV after a RETR: the directory's id usually comes from
  // dir_ids_, with no query.
  const auto dir = dir_id(Parts(*parts).first(parts->size() - 1));
  if (!dir) return std::nullopt;
  // The inner LIMIT bounds the walk along the (parent, name) index when
  // many directories follow.
  Query q = db_.query(
      "SELECT * FROM (SELECT " ENTRY_COLUMNS " FROM entries WHERE parent = ?1 AND name > ?2 ORDER BY name LIMIT 16) "
      "WHERE is_dir = 0 LIMIT 1");
  q.bind(*dir, parts->back());
  if (!q.step()) return std::nullopt;
  Entry e = read_entry(q);
  e.nodes = nodes_of(e.id);
  // The client's RETR of that file comes next and looks it up again. Its
  // path is rebuilt from the components, so that "/d/a/" cannot leave an
  // answer under "/d/a/c".
  if (!db_.in_transaction()) {
    std::string next;
    for (std::size_t i = 0; i + 1 < parts->size(); ++i) (next += '/') += (*parts)[i];
    (next += '/') += e.name;
    last_lookup_ = {std::move(next), db_.total_changes(), e};
  }
  return e;
}

Status SqliteStore::make_dir(std::string_view path, std::string_view owner, std::int64_t mtime) {
  auto parts = split_path(path);
  if (!parts) return Status::Invalid;
  if (parts->empty()) return Status::Exists;
  Transaction tx(db_);
  Entry parent;
  std::optional<Entry> existing;
  if (Status s = locate(*parts, parent, existing); s != Status::Ok) return s;
  if (existing) return Status::Exists;
  db_.query("INSERT INTO entries (parent, name, is_dir, size, mtime, owner) VALUES (?1, ?2, 1, 0, ?3, ?4)")
      .bind(parent.id, parts->back(), mtime, owner)
      .run();
  tx.commit();
  return Status::Ok;
}

Status SqliteStore::remove_dir(std::string_view path) {
  auto parts = split_path(path);
  if (!parts || parts->empty()) return Status::Invalid;  // the root is never removed
  forget_dir_ids();
  Transaction tx(db_);
  Entry dir;
  if (Status s = walk(*parts, dir); s != Status::Ok) return s;
  if (!dir.is_dir) return Status::NotDirectory;
  {
    Query q = db_.query("SELECT 1 FROM entries WHERE parent = ?1 LIMIT 1");
    q.bind(dir.id);
    if (q.step()) return Status::NotEmpty;
  }
  delete_entry(dir.id);
  tx.commit();
  return Status::Ok;
}

Status SqliteStore::put_file(std::string_view path, std::uint64_t size, std::int64_t mtime,
                             std::string_view owner, std::uint32_t crc32, std::string_view node) {
  auto parts = split_path(path);
  if (!parts) return Status::Invalid;
  if (parts->empty()) return Status::IsDirectory;
  Transaction tx(db_);
  Entry parent;
  std::optional<Entry> existing;
  if (Status s = locate(*parts, parent, existing); s != Status::Ok) return s;
  std::int64_t id = 0;
  if (existing) {
    if (existing->is_dir) return Status::IsDirectory;
    // The owner stays: overwriting a file does not change who owns it.
    id = existing->id;
    db_.query("UPDATE entries SET size = ?2, mtime = ?3, crc32 = ?4, has_crc = 1 WHERE id = ?1")
        .bind(id, size, mtime, crc32)
        .run();
    db_.query("DELETE FROM copies WHERE entry_id = ?1").bind(id).run();
  } else {
    db_.query(
           "INSERT INTO entries (parent, name, is_dir, size, mtime, owner, crc32, has_crc) "
           "VALUES (?1, ?2, 0, ?3, ?4, ?5, ?6, 1)")
        .bind(parent.id, parts->back(), size, mtime, owner, crc32)
        .run();
    id = db_.last_insert_rowid();
  }
  // An empty node name would be a copy no node could serve; record none.
  if (!node.empty()) record_copy(id, node);
  tx.commit();
  return Status::Ok;
}

Status SqliteStore::remove_file(std::string_view path, Entry* removed) {
  auto parts = split_path(path);
  if (!parts) return Status::Invalid;
  if (parts->empty()) return Status::IsDirectory;
  Transaction tx(db_);
  Entry file;
  if (Status s = walk(*parts, file); s != Status::Ok) return s;
  if (file.is_dir) return Status::IsDirectory;
  file.nodes = nodes_of(file.id);
  delete_entry(file.id);
  tx.commit();
  if (removed) *removed = std::move(file);
  return Status::Ok;
}

Status SqliteStore::rename(std::string_view from, std::string_view to, std::optional<Entry>* replaced) {
  if (replaced) replaced->reset();
  forget_dir_ids();  // the source may be a directory, and so may what it replaces
  auto src_parts = split_path(from);
  auto dst_parts = split_path(to);
  if (!src_parts || !dst_parts) return Status::Invalid;
  if (src_parts->empty()) return Status::Invalid;  // the root cannot move
  if (dst_parts->empty()) return Status::Exists;   // the root is an existing directory
  Transaction tx(db_);
  Entry src;
  if (Status s = walk(*src_parts, src); s != Status::Ok) return s;
  // Moving a directory below itself would detach the subtree into a cycle.
  if (src.is_dir && is_strictly_below(*dst_parts, *src_parts)) return Status::Invalid;
  Entry dst_parent;
  std::optional<Entry> existing;
  if (Status s = locate(*dst_parts, dst_parent, existing); s != Status::Ok) return s;
  if (existing) {
    if (existing->id == src.id) return Status::Ok;  // renamed onto itself
    if (existing->is_dir) return Status::Exists;
    // As rename(2): a directory does not replace a file.
    if (src.is_dir) return Status::NotDirectory;
    existing->nodes = nodes_of(existing->id);
    delete_entry(existing->id);
  }
  db_.query("UPDATE entries SET parent = ?2, name = ?3 WHERE id = ?1")
      .bind(src.id, dst_parent.id, dst_parts->back())
      .run();
  tx.commit();
  if (replaced && existing) *replaced = std::move(existing);
  return Status::Ok;
}

Status SqliteStore::set_mtime(std::string_view path, std::int64_t mtime) {
  auto parts = split_path(path);
  if (!parts) return Status::Invalid;
  Transaction tx(db_);
  Entry e;
  if (Status s = walk(*parts, e); s != Status::Ok) return s;
  db_.query("UPDATE entries SET mtime = ?2 WHERE id = ?1").bind(e.id, mtime).run();
  tx.commit();
  return Status::Ok;
}

Status SqliteStore::add_copy(std::string_view path, std::string_view node) {
  auto parts = split_path(path);
  if (!parts) return Status::Invalid;
  if (parts->empty()) return Status::IsDirectory;
  Transaction tx(db_);
  Entry e;
  if (Status s = walk(*parts, e); s != Status::Ok) return s;
  if (e.is_dir) return Status::IsDirectory;
  if (node.empty()) return Status::Invalid;
  record_copy(e.id, node);
  tx.commit();
  return Status::Ok;
}

std::vector<std::pair<std::string, std::uint64_t>> SqliteStore::files_on_node(std::string_view node) {
  // Builds each file's path by climbing its parents up to the root inside
  // SQLite, instead of one query per ancestor from here.
  Query q = db_.query(R"sql(
WITH RECURSIVE up(entry_id, above, path) AS (
  SELECT e.id, e.parent, '/' || e.name
    FROM copies c JOIN entries e ON e.id = c.entry_id
    WHERE c.node = ?1
  UNION ALL
  SELECT up.entry_id, p.parent, '/' || p.name || up.path
    FROM up JOIN entries p ON p.id = up.above
    WHERE up.above <> 1
)
SELECT up.path, e.size FROM up JOIN entries e ON e.id = up.entry_id
  WHERE up.above = 1
  ORDER BY up.path
)sql");
  q.bind(node);
  std::vector<std::pair<std::string, std::uint64_t>> files;
  while (q.step()) files.emplace_back(q.text(0), static_cast<std::uint64_t>(q.int64(1)));
  return files;
}

#undef ENTRY_COLUMNS

}  // namespace fleet::meta
