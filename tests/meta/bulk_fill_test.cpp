// The bulk fill behind `fleetftp meta-fill`: what it writes must read back
// through the normal store exactly as uploads and MKDs would, at the count
// asked for, and the file must be a normal WAL database afterwards.
#include <gtest/gtest.h>

#include <sqlite3.h>

#include <stdexcept>

#include "meta/bulk_fill.hpp"
#include "meta/sqlite_db.hpp"
#include "meta/store.hpp"
#include "support/temp_dir.hpp"

namespace fleet::meta {
namespace {

using fleet::testing::TempDir;

BulkFillOptions small_fill() {
  BulkFillOptions o;
  o.entries = 1234;
  o.root = "/bulk";
  o.files_per_dir = 10;
  o.dirs_per_group = 3;
  o.big_dir_files = 50;
  o.nodes = {"n1", "n2"};
  o.owner = "demo";
  o.mtime = 1700000000;
  o.batch_rows = 100;  // several transactions
  return o;
}

std::int64_t count_rows(const std::filesystem::path& file, const char* sql) {
  Database db(file);
  Query q = db.query(sql);
  q.step();
  return q.int64(0);
}

TEST(BulkFill, AddsExactlyTheEntriesAskedFor) {
  TempDir dir;
  const auto file = dir.file("meta.sqlite");
  open_sqlite_store(file);  // as `fleetftp up` leaves it: schema and root
  const auto before = count_rows(file, "SELECT count(*) FROM entries");
  const BulkFillResult r = bulk_fill(file, small_fill());
  EXPECT_EQ(count_rows(file, "SELECT count(*) FROM entries") - before, 1234);
  EXPECT_EQ(r.dirs + r.files, 1234u);
  EXPECT_EQ(r.copies, r.files);
  EXPECT_EQ(count_rows(file, "SELECT count(*) FROM copies"), static_cast<std::int64_t>(r.files));
  EXPECT_EQ(r.big_dir, "/bulk/big");
}

TEST(BulkFill, ReadsBackThroughTheStoreLikeUploadedFiles) {
  TempDir dir;
  const auto file = dir.file("meta.sqlite");
  bulk_fill(file, small_fill());  // creates the schema itself too
  auto store = open_sqlite_store(file);

  const auto big = store->list_dir("/bulk/big");
  ASSERT_EQ(big.size(), 50u);
  EXPECT_EQ(big.front().name, "file-0000.bin");
  EXPECT_EQ(big.back().name, "file-0049.bin");
  EXPECT_EQ(big[0].nodes, std::vector<std::string>{"n1"});  // round-robin over the nodes
  EXPECT_EQ(big[1].nodes, std::vector<std::string>{"n2"});
  EXPECT_FALSE(big[0].is_dir);
  EXPECT_TRUE(big[0].has_crc);
  EXPECT_EQ(big[0].owner, "demo");
  EXPECT_EQ(big[0].mtime, 1700000000);

  const auto leaf = store->lookup("/bulk/g0000/d0000/file-0009.bin");
  ASSERT_TRUE(leaf);
  EXPECT_EQ(leaf->nodes.size(), 1u);
  EXPECT_EQ(store->list_dir("/bulk/g0000").size(), 3u);
  EXPECT_EQ(store->list_dir("/bulk/g0000/d0002").size(), 10u);

  // The normal operations work on the filled tree: the UNIQUE (parent,
  // name) index holds the new rows, and ids continue after them.
  EXPECT_EQ(store->put_file("/bulk/big/file-0003.bin", 5, 1, "demo", 7, "n2"), Status::Ok);
  EXPECT_EQ(store->make_dir("/bulk/big", "demo", 1), Status::Exists);
  EXPECT_EQ(store->put_file("/bulk/big/new.bin", 1, 1, "demo", 0, "n1"), Status::Ok);
  EXPECT_EQ(store->list_dir("/bulk/big").size(), 51u);
  EXPECT_EQ(store->rename("/bulk/g0000", "/moved", nullptr), Status::Ok);
  EXPECT_TRUE(store->lookup("/moved/d0001/file-0000.bin"));

  std::uint64_t on_nodes = 0;
  for (const auto& u : store->node_usage()) on_nodes += u.files;
  EXPECT_EQ(on_nodes, static_cast<std::uint64_t>(count_rows(file, "SELECT count(*) FROM copies")));
}

TEST(BulkFill, LeavesTheFileInWalMode) {
  TempDir dir;
  const auto file = dir.file("meta.sqlite");
  bulk_fill(file, small_fill());
  Database db(file);
  Query q = db.query("PRAGMA journal_mode");
  ASSERT_TRUE(q.step());
  EXPECT_EQ(q.text(0), "wal");
}

TEST(BulkFill, CopiesAreReportedInTheNodesCurrentInventory) {
  TempDir dir;
  const auto file = dir.file("meta.sqlite");
  {
    auto store = open_sqlite_store(file);
    store->begin_inventory("n1");
    store->begin_inventory("n1");  // generation 2
  }
  bulk_fill(file, small_fill());
  EXPECT_EQ(count_rows(file, "SELECT count(*) FROM copies WHERE node = 'n1' AND seen_gen <> 2"), 0);
  EXPECT_EQ(count_rows(file, "SELECT count(*) FROM copies WHERE node = 'n2' AND seen_gen <> 0"), 0);
}

TEST(BulkFill, RefusesAnExistingRootOrAMissingParent) {
  TempDir dir;
  const auto file = dir.file("meta.sqlite");
  bulk_fill(file, small_fill());
  EXPECT_THROW(bulk_fill(file, small_fill()), std::invalid_argument);
  BulkFillOptions o = small_fill();
  o.root = "/no/such/parent";
  EXPECT_THROW(bulk_fill(file, o), std::invalid_argument);
  o.root = "/";
  EXPECT_THROW(bulk_fill(file, o), std::invalid_argument);
}

TEST(BulkFill, RefusesAFileAMasterHasOpen) {
  TempDir dir;
  const auto file = dir.file("meta.sqlite");
  auto master = open_sqlite_store(file);
  master->lookup("/");  // holds the WAL open, as a running master does
  EXPECT_THROW(bulk_fill(file, small_fill()), std::runtime_error);
  EXPECT_FALSE(master->lookup("/bulk"));  // refused before writing anything
}

TEST(BulkFill, CallsTheSinkForEveryDirectoryAndCopy) {
  TempDir dir;
  const auto file = dir.file("meta.sqlite");
  BulkFillOptions o = small_fill();
  o.copies = 2;
  std::uint64_t dirs = 0, copies = 0, last_done = 0;
  BulkFillSink sink;
  sink.on_dir = [&](const std::string&) { ++dirs; };
  sink.on_copy = [&](const std::string& d, const std::string& name, const std::string&) {
    EXPECT_EQ(d.rfind("/bulk/", 0), 0u);
    EXPECT_FALSE(name.empty());
    ++copies;
  };
  sink.on_progress = [&](std::uint64_t done, std::uint64_t) { last_done = done; };
  const auto r = bulk_fill(file, o, sink);
  EXPECT_EQ(dirs, r.dirs);  // the root of the fill included
  EXPECT_EQ(copies, 2 * r.files);
  EXPECT_EQ(last_done, 1234u);
}

}  // namespace
}  // namespace fleet::meta
