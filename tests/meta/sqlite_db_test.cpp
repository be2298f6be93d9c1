#include "meta/sqlite_db.hpp"

#include <gtest/gtest.h>

#include <cstdint>
#include <limits>
#include <stdexcept>

#include "has_substr.hpp"
#include "support/temp_dir.hpp"

namespace fleet::meta {
namespace {

using testing::HasSubstr;

class DatabaseTest : public ::testing::Test {
 protected:
  void SetUp() override { db_.exec("CREATE TABLE t (k INTEGER PRIMARY KEY, v TEXT, n INTEGER)"); }

  std::int64_t count() {
    Query q = db_.query("SELECT count(*) FROM t");
    EXPECT_TRUE(q.step());
    return q.int64(0);
  }

  fleet::testing::TempDir dir_;
  Database db_{dir_.file("db.sqlite")};
};

TEST_F(DatabaseTest, BindsAndReadsValues) {
  const std::uint64_t big = std::numeric_limits<std::uint64_t>::max();
  const std::string with_nul("a\0b", 3);
  db_.query("INSERT INTO t (k, v, n) VALUES (?1, ?2, ?3)").bind(1, with_nul, big).run();
  db_.query("INSERT INTO t (k, v, n) VALUES (?1, ?2, ?3)").bind(2, "two", true).run();
  db_.query("INSERT INTO t (k, v, n) VALUES (?1, ?2, ?3)").bind(3, nullptr, nullptr).run();
  EXPECT_EQ(db_.last_insert_rowid(), 3);

  Query q = db_.query("SELECT v, n FROM t ORDER BY k");
  ASSERT_TRUE(q.step());
  EXPECT_EQ(q.text(0), with_nul);
  EXPECT_EQ(static_cast<std::uint64_t>(q.int64(1)), big);  // round-trips bit for bit
  ASSERT_TRUE(q.step());
  EXPECT_EQ(q.text(0), "two");
  EXPECT_EQ(q.int64(1), 1);
  ASSERT_TRUE(q.step());
  EXPECT_TRUE(q.is_null(0));
  EXPECT_EQ(q.text(0), "");
  EXPECT_FALSE(q.step());
}

TEST_F(DatabaseTest, ReusedStatementStartsFresh) {
  db_.query("INSERT INTO t (k, v) VALUES (?1, ?2)").bind(1, "one").run();
  db_.query("INSERT INTO t (k, v) VALUES (?1, ?2)").bind(2, "two").run();
  for (int round = 0; round < 3; ++round) {
    Query q = db_.query("SELECT v FROM t WHERE k = ?1");
    q.bind(round % 2 + 1);
    ASSERT_TRUE(q.step());
    EXPECT_EQ(q.text(0), round % 2 == 0 ? "one" : "two");
    // Left mid-result on purpose: the next use must not see this cursor.
  }
  // Bindings are cleared between uses: an unbound parameter is NULL.
  Query q = db_.query("SELECT v FROM t WHERE k = ?1");
  EXPECT_FALSE(q.step());
}

TEST_F(DatabaseTest, RefusesSecondUseOfABusyStatement) {
  Query outer = db_.query("SELECT k FROM t");
  EXPECT_THROW(db_.query("SELECT k FROM t"), std::logic_error);
}

TEST_F(DatabaseTest, ChangesCountsRows) {
  db_.query("INSERT INTO t (k) VALUES (1), (2), (3)").run();
  db_.query("UPDATE t SET n = 5 WHERE k >= ?1").bind(2).run();
  EXPECT_EQ(db_.changes(), 2);
}

TEST_F(DatabaseTest, TransactionCommits) {
  {
    Transaction tx(db_);
    db_.query("INSERT INTO t (k) VALUES (1)").run();
    tx.commit();
  }
  EXPECT_EQ(count(), 1);
}

TEST_F(DatabaseTest, TransactionRollsBackUnlessCommitted) {
  {
    Transaction tx(db_);
    db_.query("INSERT INTO t (k) VALUES (1)").run();
  }
  EXPECT_EQ(count(), 0);
  try {
    Transaction tx(db_);
    db_.query("INSERT INTO t (k) VALUES (1)").run();
    db_.query("INSERT INTO t (k) VALUES (1)").run();  // fails: duplicate key
    tx.commit();
  } catch (const std::runtime_error&) {
  }
  EXPECT_EQ(count(), 0);
}

TEST_F(DatabaseTest, ErrorsCarrySqliteMessage) {
  try {
    db_.query("SELEC nonsense");
    FAIL() << "expected an exception";
  } catch (const std::runtime_error& e) {
    EXPECT_TRUE(HasSubstr(e.what(), "syntax error"));
  }
  db_.query("INSERT INTO t (k) VALUES (1)").run();
  try {
    db_.query("INSERT INTO t (k) VALUES (1)").run();
    FAIL() << "expected an exception";
  } catch (const std::runtime_error& e) {
    EXPECT_TRUE(HasSubstr(e.what(), "UNIQUE constraint failed"));
  }
  EXPECT_THROW(db_.exec("CREATE TABLE t (x)"), std::runtime_error);
}

TEST_F(DatabaseTest, RefusesSeveralStatementsInOneQuery) {
  EXPECT_THROW(db_.query("SELECT 1; SELECT 2"), std::invalid_argument);
  Query q = db_.query("SELECT 1;");  // a trailing semicolon is fine
  EXPECT_TRUE(q.step());
}

TEST_F(DatabaseTest, DiskFullIsReported) {
  // A page limit makes the file "full" without filling the real disk.
  db_.exec("PRAGMA max_page_count = 8");
  try {
    for (int i = 0; i < 1000; ++i) {
      db_.query("INSERT INTO t (k, v) VALUES (?1, ?2)").bind(i, std::string(1000, 'x')).run();
    }
    FAIL() << "expected an exception";
  } catch (const std::runtime_error& e) {
    EXPECT_TRUE(HasSubstr(e.what(), "database or disk is full"));
  }
}

TEST(Database, OpenFailureIsReadable) {
  fleet::testing::TempDir dir;
  try {
    Database db(dir.file("missing-dir") / "db.sqlite");
    FAIL() << "expected an exception";
  } catch (const std::runtime_error& e) {
    EXPECT_TRUE(HasSubstr(e.what(), "unable to open"));
    EXPECT_TRUE(HasSubstr(e.what(), "missing-dir"));
  }
}

}  // namespace
}  // namespace fleet::meta
