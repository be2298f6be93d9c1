#include "meta/sqlite_schema.hpp"

#include <array>
#include <stdexcept>
#include <string>
#include <string_view>

namespace fleet::meta {
namespace {

// Step i brings the schema from version i to version i + 1. Released steps
// must never change: files in the field were made by them.
constexpr std::array<std::string_view, 2> kMigrations = {
    // 0 -> 1: the tree, file copies, users, transfer log.
    R"sql(
CREATE TABLE entries (
  id      INTEGER PRIMARY KEY,
  parent  INTEGER REFERENCES entries(id),
  name    TEXT    NOT NULL,
  is_dir  INTEGER NOT NULL,
  size    INTEGER NOT NULL DEFAULT 0,
  mtime   INTEGER NOT NULL DEFAULT 0,
  owner   TEXT    NOT NULL DEFAULT '',
  crc32   INTEGER NOT NULL DEFAULT 0,
  has_crc INTEGER NOT NULL DEFAULT 0,
  UNIQUE (parent, name)
);
-- The root: the only entry without a parent.
INSERT INTO entries (id, parent, name, is_dir, mtime)
  VALUES (1, NULL, '', 1, CAST(strftime('%s', 'now') AS INTEGER));

CREATE TABLE copies (
  entry_id INTEGER NOT NULL REFERENCES entries(id) ON DELETE CASCADE,
  node     TEXT    NOT NULL,
  PRIMARY KEY (entry_id, node)
) WITHOUT ROWID;
CREATE INDEX copies_by_node ON copies(node);

CREATE TABLE users (
  name          TEXT PRIMARY KEY,
  password_hash TEXT    NOT NULL,
  home          TEXT    NOT NULL,
  enabled       INTEGER NOT NULL,
  created       INTEGER NOT NULL
);

CREATE TABLE transfers (
  id          INTEGER PRIMARY KEY,
  time        INTEGER NOT NULL,
  user        TEXT    NOT NULL,
  client_ip   TEXT    NOT NULL,
  path        TEXT    NOT NULL,
  direction   TEXT    NOT NULL,
  bytes       INTEGER NOT NULL,
  crc32       INTEGER NOT NULL,
  complete    INTEGER NOT NULL,
  node        TEXT    NOT NULL,
  duration_ms INTEGER NOT NULL
);
)sql",
    // 1 -> 2: cluster bookkeeping. Replica targets per file, the inventory
    // generation in which each copy was last reported, changes waiting for
    // offline nodes, operator flags of nodes, and each node's generation.
    R"sql(
ALTER TABLE entries ADD COLUMN replicas INTEGER NOT NULL DEFAULT 1;
ALTER TABLE copies ADD COLUMN seen_gen INTEGER NOT NULL DEFAULT 0;

-- AUTOINCREMENT: a sequence number is never reused, even after the newest
-- operation was acknowledged and deleted, so a late acknowledgement cannot
-- remove a newer operation.
CREATE TABLE node_ops (
  seq     INTEGER PRIMARY KEY AUTOINCREMENT,
  node    TEXT    NOT NULL,
  kind    TEXT    NOT NULL CHECK (kind IN ('delete', 'rename', 'rmdir')),
  path    TEXT    NOT NULL,
  path2   TEXT    NOT NULL DEFAULT '',
  created INTEGER NOT NULL
);
-- Carries seq (the rowid) after node, so a node's operations come out of it
-- already in order.
CREATE INDEX node_ops_by_node ON node_ops(node);

CREATE TABLE node_flags (
  node TEXT NOT NULL,
  flag TEXT NOT NULL,
  PRIMARY KEY (node, flag)
) WITHOUT ROWID;

CREATE TABLE inventory_gen (
  node TEXT    PRIMARY KEY,
  gen  INTEGER NOT NULL
) WITHOUT ROWID;
)sql",
};

int read_user_version(Database& db) {
  Query q = db.query("PRAGMA user_version");
  if (!q.step()) throw std::runtime_error("sqlite: PRAGMA user_version returned nothing");
  return static_cast<int>(q.int64(0));
}

}  // namespace

int current_schema_version() { return static_cast<int>(kMigrations.size()); }

void configure_connection(Database& db, std::chrono::milliseconds setup_wait) {
  // Opening may wait (a setup step, before any event loop serves); the
  // caller then sets the busy timeout the connection runs with.
  db.set_busy_timeout(setup_wait);
  {
    // journal_mode answers with the mode in effect, which is not WAL when the
    // file system cannot support it (no shared memory); refuse rather than
    // run with weaker guarantees than documented.
    Query q = db.query("PRAGMA journal_mode = WAL");
    std::string mode = q.step() ? q.text(0) : std::string();
    if (mode != "wal") throw std::runtime_error("sqlite: cannot enable WAL journal mode (got \"" + mode + "\")");
  }
  db.exec("PRAGMA synchronous = NORMAL");
  db.exec("PRAGMA foreign_keys = ON");
}

void migrate_schema(Database& db) { migrate_schema(db, current_schema_version()); }

void migrate_schema(Database& db, int target_version) {
  if (target_version < 0 || target_version > current_schema_version()) {
    throw std::invalid_argument("metadata schema version " + std::to_string(target_version) + " does not exist");
  }
  Transaction tx(db);
  int version = read_user_version(db);
  if (version > current_schema_version()) {
    throw std::runtime_error("metadata schema version " + std::to_string(version) +
                             " is newer than this build supports (" + std::to_string(current_schema_version()) +
                             ")");
  }
  if (version < 0) throw std::runtime_error("metadata schema version " + std::to_string(version) + " is invalid");
  for (int v = version; v < target_version; ++v) {
    db.exec(kMigrations[static_cast<std::size_t>(v)]);
  }
  if (version < target_version) {
    db.exec("PRAGMA user_version = " + std::to_string(target_version));
  }
  tx.commit();
}

}  // namespace fleet::meta
