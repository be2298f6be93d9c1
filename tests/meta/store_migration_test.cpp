// Files written by an older release open with this one: the schema is
// upgraded in place and nothing already stored is lost.
#include <gtest/gtest.h>

#include <set>

#include "meta/sqlite_db.hpp"
#include "meta/sqlite_schema.hpp"
#include "meta/store.hpp"
#include "support/temp_dir.hpp"

namespace fleet::meta {
namespace {

using Names = std::vector<std::string>;

std::int64_t user_version(const std::filesystem::path& file) {
  Database db(file);
  Query q = db.query("PRAGMA user_version");
  return q.step() ? q.int64(0) : -1;
}

std::set<std::string> schema_objects(const std::filesystem::path& file) {
  Database db(file);
  Query q = db.query("SELECT name FROM sqlite_master WHERE name NOT LIKE 'sqlite_%'");
  std::set<std::string> names;
  while (q.step()) names.insert(q.text(0));
  return names;
}

// A file exactly as the first schema version left it, with a little of
// everything in it.
void write_version_1_file(const std::filesystem::path& file) {
  Database db(file);
  configure_connection(db);
  migrate_schema(db, 1);
  db.exec(R"sql(
INSERT INTO entries (id, parent, name, is_dir, size, mtime, owner) VALUES (2, 1, 'pub', 1, 0, 100, 'alice');
INSERT INTO entries (id, parent, name, is_dir, size, mtime, owner, crc32, has_crc)
  VALUES (3, 2, 'f.iso', 0, 4096, 200, 'alice', 3735928559, 1);
INSERT INTO entries (id, parent, name, is_dir, size, mtime, owner) VALUES (4, 1, 'empty', 0, 0, 300, 'bob');
INSERT INTO copies (entry_id, node) VALUES (3, 'n1'), (3, 'n2'), (4, 'n2');
INSERT INTO users (name, password_hash, home, enabled, created) VALUES ('alice', 'h', '/pub', 1, 42);
INSERT INTO transfers (time, user, client_ip, path, direction, bytes, crc32, complete, node, duration_ms)
  VALUES (1, 'alice', '10.0.0.1', '/pub/f.iso', 'i', 4096, 3735928559, 1, 'n1', 12);
)sql");
}

TEST(SchemaMigration, VersionOneFileIsUpgradedWithItsDataIntact) {
  fleet::testing::TempDir dir;
  const auto file = dir.file("meta.sqlite");
  write_version_1_file(file);
  ASSERT_EQ(user_version(file), 1);
  EXPECT_FALSE(schema_objects(file).contains("node_ops"));

  {
    auto store = open_sqlite_store(file);
    auto f = store->lookup("/pub/f.iso");
    ASSERT_TRUE(f);
    EXPECT_EQ(f->size, 4096u);
    EXPECT_EQ(f->mtime, 200);
    EXPECT_EQ(f->crc32, 0xDEADBEEFu);
    EXPECT_TRUE(f->has_crc);
    EXPECT_EQ(f->nodes, (Names{"n1", "n2"}));
    EXPECT_EQ(store->lookup("/pub")->owner, "alice");
    ASSERT_TRUE(store->get_user("alice"));
    EXPECT_EQ(store->get_user("alice")->home, "/pub");
    ASSERT_EQ(store->recent_transfers(10).size(), 1u);
    EXPECT_EQ(store->recent_transfers(10)[0].duration_ms, 12);

    // Existing files want one copy; the new tables work at once.
    auto refs = store->files_batch(0, 10);
    ASSERT_EQ(refs.size(), 2u);
    EXPECT_EQ(refs[0].path, "/pub/f.iso");
    EXPECT_EQ(refs[0].replicas, 1);
    EXPECT_EQ(refs[1].path, "/empty");
    EXPECT_EQ(store->path_of(3), "/pub/f.iso");
    EXPECT_EQ(store->under_replicated({"n1"}, 0, 10).size(), 1u);  // /empty lives only on n2
    EXPECT_EQ(store->set_replicas("/pub/f.iso", 2), Status::Ok);
    store->enqueue_node_op("n2", NodeOp::Kind::Delete, "/x", "");
    store->set_node_flag("n2", "draining", true);

    // Copies from before the upgrade take part in the first inventory.
    const auto gen = store->begin_inventory("n2");
    EXPECT_EQ(gen, 1);
    auto r = store->reconcile_batch("n2", gen, {{"/pub/f.iso", 4096, 200}}, UnknownFilePolicy::Adopt);
    EXPECT_EQ(r.known, 1u);
    EXPECT_EQ(store->end_inventory("n2", gen), Names{"/empty"});
  }

  EXPECT_EQ(user_version(file), current_schema_version());
  auto objects = schema_objects(file);
  for (const char* name : {"node_ops", "node_ops_by_node", "node_flags", "inventory_gen", "copies_by_node"}) {
    EXPECT_TRUE(objects.contains(name)) << name;
  }
  // Reopening an upgraded file changes nothing further.
  auto store = open_sqlite_store(file);
  EXPECT_EQ(store->files_batch(0, 10)[0].replicas, 2);
  EXPECT_EQ(store->node_ops("n2", 10).size(), 1u);
  EXPECT_TRUE(store->node_flag("n2", "draining"));
  EXPECT_EQ(store->lookup("/pub/f.iso")->nodes, (Names{"n1", "n2"}));
}

TEST(SchemaMigration, PartialMigrationStopsAtTheAskedVersion) {
  fleet::testing::TempDir dir;
  const auto file = dir.file("meta.sqlite");
  {
    Database db(file);
    migrate_schema(db, 0);  // nothing at all
  }
  EXPECT_EQ(user_version(file), 0);
  EXPECT_TRUE(schema_objects(file).empty());
  {
    Database db(file);
    EXPECT_THROW(migrate_schema(db, current_schema_version() + 1), std::invalid_argument);
    EXPECT_THROW(migrate_schema(db, -1), std::invalid_argument);
  }
  write_version_1_file(file);
  {
    Database db(file);
    migrate_schema(db, 1);  // already there: untouched
  }
  EXPECT_EQ(user_version(file), 1);
  EXPECT_TRUE(open_sqlite_store(file)->lookup("/pub/f.iso"));
  EXPECT_EQ(user_version(file), current_schema_version());
}

}  // namespace
}  // namespace fleet::meta
