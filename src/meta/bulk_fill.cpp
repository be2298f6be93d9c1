#include "meta/bulk_fill.hpp"

#include <cstdio>
#include <optional>
#include <stdexcept>
#include <string_view>

#include "meta/sqlite_db.hpp"
#include "meta/sqlite_schema.hpp"
#include "meta/path_parts.hpp"
#include "meta/store.hpp"

namespace fleet::meta {
namespace {

std::string join(const std::string& dir, std::string_view name) {
  std::string path = dir;
  if (path != "/") path += '/';
  path += name;
  return path;
}

std::string numbered(const char* prefix, std::uint64_t n, int width) {
  char buf[48];
  std::snprintf(buf, sizeof buf, "%s%0*llu", prefix, width, static_cast<unsigned long long>(n));
  return buf;
}

// Zero-padded numbers sort as they count, so every directory's children
// arrive in (parent, name) order and the UNIQUE index grows at its end.
int width_for(std::uint64_t count) {
  int width = 1;
  for (std::uint64_t limit = 10; limit < count; limit *= 10) ++width;
  return width < 4 ? 4 : width;
}

// Takes the file for the fill alone: exclusive, unjournaled and unsynced. A
// master that has it open makes the journal-mode change fail at once (no
// busy timeout), before anything was written.
void take_for_fill(Database& db) {
  configure_connection(db);
  migrate_schema(db);  // a new file gets the schema and root, an old one is brought up to date
  db.exec("PRAGMA busy_timeout = 0");
  db.exec("PRAGMA locking_mode = EXCLUSIVE");
  Query q = db.query("PRAGMA journal_mode = OFF");
  if (!q.step() || q.text(0) != "off")
    throw std::runtime_error("meta-fill: cannot take the metadata file for itself (is the master running?)");
}

// The directory the fill goes into, made as make_dir would make it.
std::int64_t make_fill_root(Database& db, const BulkFillOptions& o) {
  const auto parts = split_path(o.root);
  if (!parts || parts->empty()) throw std::invalid_argument("meta-fill: the root must be an absolute path below /");
  std::int64_t parent = 1;
  for (std::size_t i = 0; i < parts->size(); ++i) {
    Query q = db.query("SELECT id, is_dir FROM entries WHERE parent = ?1 AND name = ?2");
    q.bind(parent, (*parts)[i]);
    const bool found = q.step();
    if (i + 1 == parts->size()) {
      if (found) throw std::invalid_argument("meta-fill: " + o.root + " already exists");
      break;
    }
    if (!found || q.int64(1) == 0)
      throw std::invalid_argument("meta-fill: the parent of " + o.root + " is not an existing directory");
    parent = q.int64(0);
  }
  db.query("INSERT INTO entries (parent, name, is_dir, size, mtime, owner) VALUES (?1, ?2, 1, 0, ?3, ?4)")
      .bind(parent, parts->back(), o.mtime, o.owner)
      .run();
  return db.last_insert_rowid();
}

class Filler {
 public:
  Filler(Database& db, const BulkFillOptions& o, const BulkFillSink& sink, std::int64_t next_id)
      : db_(db), o_(o), sink_(sink), next_id_(next_id) {
    for (const auto& node : o_.nodes) {
      // A copy counts as reported in its node's current inventory, as
      // record_copy does it.
      Query q = db_.query("SELECT gen FROM inventory_gen WHERE node = ?1");
      q.bind(node);
      generations_.push_back(q.step() ? q.int64(0) : 0);
    }
  }

  std::int64_t add_dir(std::int64_t parent, const std::string& parent_path, const std::string& name,
                       std::string& path_out) {
    const std::int64_t id = insert_entry(parent, name, true);
    path_out = join(parent_path, name);
    ++result_.dirs;
    if (sink_.on_dir) sink_.on_dir(path_out);
    return id;
  }

  void add_file(std::int64_t parent, const std::string& dir_path, const std::string& name) {
    const std::int64_t id = insert_entry(parent, name, false);
    ++result_.files;
    const std::size_t n = o_.nodes.size();
    for (std::uint32_t c = 0; c < o_.copies && n > 0; ++c) {
      const std::size_t k = (file_counter_ + c) % n;
      db_.query("INSERT INTO copies (entry_id, node, seen_gen) VALUES (?1, ?2, ?3)")
          .bind(id, o_.nodes[k], generations_[k])
          .run();
      ++result_.copies;
      if (sink_.on_copy) sink_.on_copy(dir_path, name, o_.nodes[k]);
    }
    ++file_counter_;
  }

  // Commits every batch_rows entries, so memory and the page cache's dirty
  // set stay bounded while no single commit costs much.
  void begin() { tx_.emplace(db_); }
  void finish() {
    if (tx_) tx_->commit();
    tx_.reset();
    if (sink_.on_progress) sink_.on_progress(done_, o_.entries);
  }

  BulkFillResult& result() { return result_; }

 private:
  std::int64_t insert_entry(std::int64_t parent, const std::string& name, bool is_dir) {
    const std::int64_t id = next_id_++;
    // The columns put_file and make_dir set; a new file's CRC is that of its
    // (empty) content, as after an upload.
    db_.query(
           "INSERT INTO entries (id, parent, name, is_dir, size, mtime, owner, crc32, has_crc, replicas) "
           "VALUES (?1, ?2, ?3, ?4, 0, ?5, ?6, 0, ?7, ?8)")
        .bind(id, parent, name, is_dir ? 1 : 0, o_.mtime, o_.owner, is_dir ? 0 : 1,
              is_dir ? 1 : static_cast<std::int64_t>(o_.copies))
        .run();
    if (++done_ % o_.batch_rows == 0) {
      finish();
      begin();
    }
    return id;
  }

  Database& db_;
  const BulkFillOptions& o_;
  const BulkFillSink& sink_;
  std::int64_t next_id_;
  std::vector<std::int64_t> generations_;
  std::optional<Transaction> tx_;
  std::uint64_t done_ = 1;  // the root, made by make_fill_root
  std::uint64_t file_counter_ = 0;
  BulkFillResult result_;
};

void check_options(const BulkFillOptions& o) {
  if (o.entries < 1) throw std::invalid_argument("meta-fill: at least one entry (the root of the fill)");
  if (o.files_per_dir < 1 || o.dirs_per_group < 1 || o.batch_rows < 1)
    throw std::invalid_argument("meta-fill: files per directory, directories per group and batch size must be positive");
  if (!o.nodes.empty() && (o.copies < 1 || o.copies > o.nodes.size()))
    throw std::invalid_argument("meta-fill: copies must be between 1 and the number of nodes");
  if (o.root.empty() || o.root.front() != '/' || o.root == "/")
    throw std::invalid_argument("meta-fill: the root must be an absolute path below /");
}

}  // namespace

BulkFillResult bulk_fill(const std::filesystem::path& db_file, const BulkFillOptions& o, const BulkFillSink& sink) {
  check_options(o);
  Database db(db_file);
  take_for_fill(db);
  db.exec("PRAGMA synchronous = OFF");
  db.exec("PRAGMA cache_size = -262144");  // 256 MiB: the right edges of every index stay cached
  const std::int64_t root_id = make_fill_root(db, o);
  if (sink.on_dir) sink.on_dir(o.root);
  std::int64_t next_id = 0;
  {
    Query q = db.query("SELECT max(id) FROM entries");
    q.step();
    next_id = q.int64(0) + 1;
  }

  Filler f(db, o, sink, next_id);
  f.begin();
  std::uint64_t budget = o.entries - 1;  // the root is made
  if (o.big_dir_files > 0 && budget > 0) {
    std::string big_path;
    const std::int64_t big = f.add_dir(root_id, o.root, "big", big_path);
    --budget;
    const int width = width_for(o.big_dir_files);
    for (std::uint64_t i = 0; i < o.big_dir_files && budget > 0; ++i, --budget)
      f.add_file(big, big_path, numbered("file-", i, width) + ".bin");
    f.result().big_dir = big_path;
  }
  const int file_width = width_for(o.files_per_dir);
  const int dir_width = width_for(o.dirs_per_group);
  std::int64_t group = 0, leaf = 0;
  std::string group_path, leaf_path;
  std::uint64_t groups = 0, leaves_in_group = o.dirs_per_group, files_in_leaf = o.files_per_dir;
  while (budget > 0) {
    if (files_in_leaf == o.files_per_dir && leaves_in_group == o.dirs_per_group) {
      group = f.add_dir(root_id, o.root, numbered("g", groups++, 4), group_path);
      leaves_in_group = 0;
    } else if (files_in_leaf == o.files_per_dir) {
      leaf = f.add_dir(group, group_path, numbered("d", leaves_in_group++, dir_width), leaf_path);
      files_in_leaf = 0;
    } else {
      f.add_file(leaf, leaf_path, numbered("file-", files_in_leaf++, file_width) + ".bin");
    }
    --budget;
  }
  f.finish();
  // Back to the mode every connection of the master expects.
  db.exec("PRAGMA journal_mode = WAL");
  BulkFillResult result = f.result();
  ++result.dirs;  // the root
  return result;
}

}  // namespace fleet::meta
