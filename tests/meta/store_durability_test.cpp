// What survives a restart or a crash, and how bad files are refused.
#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>

#include "has_substr.hpp"
#include "meta/sqlite_db.hpp"
#include "meta/sqlite_schema.hpp"
#include "store_fixture.hpp"

namespace fleet::meta {
namespace {

using testing::HasSubstr;
using testing::StoreTest;

TEST_F(StoreTest, EverythingSurvivesReopen) {
  ASSERT_EQ(mkdir("/a"), Status::Ok);
  ASSERT_EQ(store_->put_file("/a/f", 77, 123, "alice", 0x1234, "n1"), Status::Ok);
  ASSERT_EQ(store_->add_copy("/a/f", "n2"), Status::Ok);
  ASSERT_EQ(store_->rename("/a", "/b", nullptr), Status::Ok);
  ASSERT_TRUE(store_->add_user(UserRecord{"alice", "hash", "/b", true, 42}));
  TransferRecord t;
  t.path = "/b/f";
  store_->record_transfer(t);

  reopen();
  auto f = store_->lookup("/b/f");
  ASSERT_TRUE(f);
  EXPECT_EQ(f->size, 77u);
  EXPECT_EQ(f->crc32, 0x1234u);
  EXPECT_EQ(f->nodes, (std::vector<std::string>{"n1", "n2"}));
  EXPECT_FALSE(store_->lookup("/a"));
  ASSERT_TRUE(store_->get_user("alice"));
  EXPECT_EQ(store_->get_user("alice")->home, "/b");
  ASSERT_EQ(store_->recent_transfers(5).size(), 1u);
  EXPECT_EQ(store_->recent_transfers(5)[0].path, "/b/f");

  // The tree still works after reopening: new ids do not collide.
  ASSERT_EQ(mkdir("/c"), Status::Ok);
  EXPECT_EQ(store_->list_dir("/").size(), 2u);
  EXPECT_EQ(store_->lookup("/")->id, 1);
}

TEST_F(StoreTest, FileIsInWalModeAtCurrentSchemaVersion) {
  store_.reset();
  Database db(file_);
  {
    Query q = db.query("PRAGMA journal_mode");
    ASSERT_TRUE(q.step());
    EXPECT_EQ(q.text(0), "wal");  // WAL is a property of the file, kept across opens
  }
  Query q = db.query("PRAGMA user_version");
  ASSERT_TRUE(q.step());
  EXPECT_EQ(q.int64(0), current_schema_version());
}

TEST_F(StoreTest, CommittedChangesSurviveAProcessDying) {
  store_.reset();
  // The child commits, then dies without closing anything (no destructors,
  // no checkpoint): what it committed lives only in the WAL.
  EXPECT_EXIT(
      {
        auto store = open_sqlite_store(file_);
        if (store->make_dir("/kept", "alice", 1) != Status::Ok) std::_Exit(1);
        if (store->put_file("/kept/f", 5, 1, "alice", 9, "n1") != Status::Ok) std::_Exit(1);
        std::_Exit(0);
      },
      ::testing::ExitedWithCode(0), "");
  reopen();
  auto f = store_->lookup("/kept/f");
  ASSERT_TRUE(f);
  EXPECT_EQ(f->size, 5u);
  EXPECT_EQ(f->nodes, std::vector<std::string>{"n1"});
}

TEST_F(StoreTest, UncommittedChangesVanishWhenAProcessDies) {
  ASSERT_EQ(mkdir("/before"), Status::Ok);
  store_.reset();
  EXPECT_EXIT(
      {
        Database db(file_);
        Transaction tx(db);
        db.query("INSERT INTO entries (parent, name, is_dir) VALUES (1, 'half', 1)").run();
        std::_Exit(0);
      },
      ::testing::ExitedWithCode(0), "");
  reopen();
  EXPECT_TRUE(store_->lookup("/before"));
  EXPECT_FALSE(store_->lookup("/half"));
  EXPECT_EQ(mkdir("/half"), Status::Ok);  // and the lock is not left behind
}

TEST(SqliteStoreOpen, RefusesAFileThatIsNotADatabase) {
  fleet::testing::TempDir dir;
  {
    std::ofstream out(dir.file("junk"), std::ios::binary);
    for (int i = 0; i < 200; ++i) out << "this is not a database file at all. ";
  }
  try {
    open_sqlite_store(dir.file("junk"));
    FAIL() << "expected an exception";
  } catch (const std::runtime_error& e) {
    EXPECT_TRUE(HasSubstr(e.what(), "file is not a database"));
  }
}

TEST(SqliteStoreOpen, RefusesANewerSchema) {
  fleet::testing::TempDir dir;
  {
    Database db(dir.file("meta.sqlite"));
    db.exec("PRAGMA user_version = 999");
  }
  try {
    open_sqlite_store(dir.file("meta.sqlite"));
    FAIL() << "expected an exception";
  } catch (const std::runtime_error& e) {
    EXPECT_TRUE(HasSubstr(e.what(), "999"));
    EXPECT_TRUE(HasSubstr(e.what(), "newer"));
  }
}

TEST(SqliteStoreOpen, UnopenablePathIsReported) {
  fleet::testing::TempDir dir;
  EXPECT_THROW(open_sqlite_store(dir.file("no-such-dir") / "meta.sqlite"), std::runtime_error);
}

}  // namespace
}  // namespace fleet::meta
