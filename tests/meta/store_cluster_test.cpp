// The file side of the store's cluster bookkeeping: paths by id, replica
// targets, copy records, and the batch queries of the background jobs.
#include <gtest/gtest.h>

#include <algorithm>
#include <limits>
#include <thread>

#include "store_fixture.hpp"

namespace fleet::meta {
namespace {

using Names = std::vector<std::string>;
using testing::StoreTest;

Names paths_of(const std::vector<FileRef>& refs) {
  Names out;
  for (const auto& r : refs) out.push_back(r.path);
  return out;
}

std::int64_t id_of(MetaStore& store, const std::string& path) {
  auto e = store.lookup(path);
  return e ? e->id : -1;
}

std::optional<FileRef> ref_of(MetaStore& store, const std::string& path) {
  for (const auto& r : store.files_batch(0, std::numeric_limits<std::size_t>::max())) {
    if (r.path == path) return r;
  }
  return std::nullopt;
}

// --- path_of ---

TEST_F(StoreTest, PathOfNamesEveryKindOfEntry) {
  ASSERT_EQ(mkdir("/a"), Status::Ok);
  ASSERT_EQ(mkdir("/a/b"), Status::Ok);
  ASSERT_EQ(put("/a/b/f"), Status::Ok);
  ASSERT_EQ(put("/top"), Status::Ok);
  EXPECT_EQ(store_->path_of(1), "/");
  EXPECT_EQ(store_->path_of(id_of(*store_, "/a")), "/a");
  EXPECT_EQ(store_->path_of(id_of(*store_, "/a/b")), "/a/b");
  EXPECT_EQ(store_->path_of(id_of(*store_, "/a/b/f")), "/a/b/f");
  EXPECT_EQ(store_->path_of(id_of(*store_, "/top")), "/top");
}

TEST_F(StoreTest, PathOfFollowsRenamesAndForgetsRemovedEntries) {
  ASSERT_EQ(mkdir("/a"), Status::Ok);
  ASSERT_EQ(put("/a/f"), Status::Ok);
  const std::int64_t f = id_of(*store_, "/a/f");
  ASSERT_EQ(store_->rename("/a", "/z", nullptr), Status::Ok);
  EXPECT_EQ(store_->path_of(f), "/z/f");
  ASSERT_EQ(store_->remove_file("/z/f", nullptr), Status::Ok);
  EXPECT_FALSE(store_->path_of(f));
  EXPECT_FALSE(store_->path_of(0));
  EXPECT_FALSE(store_->path_of(-5));
  EXPECT_FALSE(store_->path_of(999999));
}

// --- set_replicas ---

TEST_F(StoreTest, SetReplicasStatuses) {
  ASSERT_EQ(mkdir("/d"), Status::Ok);
  ASSERT_EQ(put("/d/f"), Status::Ok);
  EXPECT_EQ(store_->set_replicas("/d/f", 3), Status::Ok);
  EXPECT_EQ(ref_of(*store_, "/d/f")->replicas, 3);
  EXPECT_EQ(store_->set_replicas("/d/f", 1), Status::Ok);
  EXPECT_EQ(ref_of(*store_, "/d/f")->replicas, 1);
  EXPECT_EQ(store_->set_replicas("/d", 2), Status::IsDirectory);
  EXPECT_EQ(store_->set_replicas("/", 2), Status::IsDirectory);
  EXPECT_EQ(store_->set_replicas("/d/missing", 2), Status::NotFound);
  EXPECT_EQ(store_->set_replicas("/d/f/below", 2), Status::NotDirectory);
  EXPECT_EQ(store_->set_replicas("/d/f", 0), Status::Invalid);
  EXPECT_EQ(store_->set_replicas("/d/f", -1), Status::Invalid);
  EXPECT_EQ(store_->set_replicas("relative", 2), Status::Invalid);
  EXPECT_EQ(ref_of(*store_, "/d/f")->replicas, 1);
}

TEST_F(StoreTest, OverwritingAFileKeepsItsReplicaTarget) {
  ASSERT_EQ(put("/f"), Status::Ok);
  EXPECT_EQ(ref_of(*store_, "/f")->replicas, 1);  // new files want one copy
  ASSERT_EQ(store_->set_replicas("/f", 3), Status::Ok);
  ASSERT_EQ(put("/f", 99, "n2"), Status::Ok);
  auto f = ref_of(*store_, "/f");
  EXPECT_EQ(f->replicas, 3);
  EXPECT_EQ(f->size, 99u);
  EXPECT_EQ(f->nodes, Names{"n2"});
  // A file made anew starts over.
  ASSERT_EQ(store_->remove_file("/f", nullptr), Status::Ok);
  ASSERT_EQ(put("/f"), Status::Ok);
  EXPECT_EQ(ref_of(*store_, "/f")->replicas, 1);
}

TEST_F(StoreTest, ReplicaTargetSurvivesRenameAndReopen) {
  ASSERT_EQ(put("/f"), Status::Ok);
  ASSERT_EQ(store_->set_replicas("/f", 2), Status::Ok);
  ASSERT_EQ(store_->rename("/f", "/g", nullptr), Status::Ok);
  reopen();
  EXPECT_EQ(ref_of(*store_, "/g")->replicas, 2);
}

// --- remove_copy ---

TEST_F(StoreTest, RemoveCopy) {
  ASSERT_EQ(put("/f"), Status::Ok);
  ASSERT_EQ(store_->add_copy("/f", "n2"), Status::Ok);
  ASSERT_EQ(store_->add_copy("/f", "n3"), Status::Ok);
  EXPECT_EQ(store_->remove_copy("/f", "n2"), Status::Ok);
  EXPECT_EQ(nodes("/f"), (Names{"n1", "n3"}));
  EXPECT_EQ(store_->remove_copy("/f", "n2"), Status::Ok);  // no copy there: nothing to do
  EXPECT_EQ(store_->remove_copy("/f", "never"), Status::Ok);
  EXPECT_EQ(nodes("/f"), (Names{"n1", "n3"}));
  EXPECT_EQ(store_->remove_copy("/missing", "n1"), Status::NotFound);
  ASSERT_EQ(mkdir("/d"), Status::Ok);
  EXPECT_EQ(store_->remove_copy("/d", "n1"), Status::IsDirectory);
  EXPECT_EQ(store_->remove_copy("/f/x", "n1"), Status::NotDirectory);
  // The last copy going leaves the file in the namespace.
  EXPECT_EQ(store_->remove_copy("/f", "n1"), Status::Ok);
  EXPECT_EQ(store_->remove_copy("/f", "n3"), Status::Ok);
  EXPECT_EQ(nodes("/f"), Names{});
}

// --- under_replicated ---

class UnderReplicatedTest : public StoreTest {
 protected:
  void SetUp() override {
    ASSERT_EQ(mkdir("/d"), Status::Ok);
    ASSERT_EQ(put("/d/a", 1, "n1"), Status::Ok);  // 2 wanted, on n1 and n2
    ASSERT_EQ(store_->add_copy("/d/a", "n2"), Status::Ok);
    ASSERT_EQ(store_->set_replicas("/d/a", 2), Status::Ok);
    ASSERT_EQ(put("/d/b", 2, "n1"), Status::Ok);  // 2 wanted, on n1
    ASSERT_EQ(store_->set_replicas("/d/b", 2), Status::Ok);
    ASSERT_EQ(put("/c", 3, "n1"), Status::Ok);    // 1 wanted, on n1
    ASSERT_EQ(put("/e", 4, ""), Status::Ok);      // 1 wanted, nowhere
    ASSERT_EQ(mkdir("/emptydir"), Status::Ok);    // directories never count
  }

  Names under(const Names& online) {
    return paths_of(store_->under_replicated(online, 0, 100));
  }
};

TEST_F(UnderReplicatedTest, CountsOnlyOnlineCopies) {
  EXPECT_EQ(under({"n1", "n2"}), (Names{"/d/b", "/e"}));
  EXPECT_EQ(under({"n1"}), (Names{"/d/a", "/d/b", "/e"}));
  EXPECT_EQ(under({"n2"}), (Names{"/d/a", "/d/b", "/c", "/e"}));
  EXPECT_EQ(under({"n1", "n2", "n3"}), (Names{"/d/b", "/e"}));
  EXPECT_EQ(under({"elsewhere"}), (Names{"/d/a", "/d/b", "/c", "/e"}));
}

TEST_F(UnderReplicatedTest, NobodyOnlineMeansEveryFile) {
  EXPECT_EQ(under({}), (Names{"/d/a", "/d/b", "/c", "/e"}));
}

TEST_F(UnderReplicatedTest, ReportsEveryHolderAndTheTarget) {
  auto refs = store_->under_replicated({"n1"}, 0, 100);
  ASSERT_EQ(refs.size(), 3u);
  EXPECT_EQ(refs[0].path, "/d/a");
  EXPECT_EQ(refs[0].nodes, (Names{"n1", "n2"}));  // n2 is offline but still holds a copy
  EXPECT_EQ(refs[0].replicas, 2);
  EXPECT_EQ(refs[0].size, 1u);
  EXPECT_EQ(refs[0].crc32, 0xABCDu);
  EXPECT_TRUE(refs[0].has_crc);
  EXPECT_EQ(refs[0].id, id_of(*store_, "/d/a"));
  EXPECT_EQ(refs[1].nodes, Names{"n1"});
  EXPECT_EQ(refs[2].path, "/e");
  EXPECT_EQ(refs[2].nodes, Names{});
}

TEST_F(UnderReplicatedTest, PagesByIdAfterTheLastOne) {
  const Names online = {"n2"};
  Names all;
  std::int64_t after = 0;
  int pages = 0;
  while (true) {
    auto page = store_->under_replicated(online, after, 1);
    if (page.empty()) break;
    ASSERT_EQ(page.size(), 1u);
    EXPECT_GT(page[0].id, after);
    after = page[0].id;
    all.push_back(page[0].path);
    ++pages;
  }
  EXPECT_EQ(pages, 4);
  EXPECT_EQ(all, under(online));
  // Paging from the middle skips what came before.
  EXPECT_EQ(paths_of(store_->under_replicated(online, id_of(*store_, "/d/b"), 10)), (Names{"/c", "/e"}));
  EXPECT_TRUE(store_->under_replicated(online, 0, 0).empty());
}

TEST_F(UnderReplicatedTest, FollowsReplicaAndCopyChanges) {
  ASSERT_EQ(store_->add_copy("/d/b", "n2"), Status::Ok);
  EXPECT_EQ(under({"n1", "n2"}), Names{"/e"});
  ASSERT_EQ(store_->set_replicas("/c", 3), Status::Ok);
  EXPECT_EQ(under({"n1", "n2"}), (Names{"/c", "/e"}));
  ASSERT_EQ(store_->remove_copy("/d/a", "n2"), Status::Ok);
  EXPECT_EQ(under({"n1", "n2"}), (Names{"/d/a", "/c", "/e"}));
}

TEST_F(StoreTest, UnderReplicatedNodeNamesNeedNoQuoting) {
  const std::string odd = "no\"de\\ \x01 ü";
  ASSERT_EQ(put("/f", 1, odd), Status::Ok);
  EXPECT_TRUE(store_->under_replicated({odd}, 0, 10).empty());
  EXPECT_EQ(store_->under_replicated({"no"}, 0, 10).size(), 1u);
}

// --- files_on_node_batch and files_batch ---

TEST_F(StoreTest, FilesOnNodeBatchPagesInIdOrder) {
  ASSERT_EQ(mkdir("/x"), Status::Ok);
  ASSERT_EQ(mkdir("/x/y"), Status::Ok);
  Names expected;
  for (int i = 0; i < 7; ++i) {
    const std::string path = (i % 2 ? "/x/y/f" : "/x/g") + std::to_string(i);
    ASSERT_EQ(put(path, 100 + i, i % 3 == 0 ? "n2" : "n1"), Status::Ok);
    if (i % 3 == 0) {
      ASSERT_EQ(store_->add_copy(path, "n1"), Status::Ok);
    }
    expected.push_back(path);
  }
  ASSERT_EQ(put("/elsewhere", 1, "n2"), Status::Ok);

  Names seen;
  std::int64_t after = 0;
  while (true) {
    auto page = store_->files_on_node_batch("n1", after, 3);
    if (page.empty()) break;
    EXPECT_LE(page.size(), 3u);
    for (const auto& r : page) {
      EXPECT_GT(r.id, after);
      after = r.id;
      seen.push_back(r.path);
      EXPECT_NE(std::find(r.nodes.begin(), r.nodes.end(), "n1"), r.nodes.end());
    }
  }
  EXPECT_EQ(seen, expected);

  auto first = store_->files_on_node_batch("n1", 0, 1);
  ASSERT_EQ(first.size(), 1u);
  EXPECT_EQ(first[0].path, "/x/g0");
  EXPECT_EQ(first[0].size, 100u);
  EXPECT_EQ(first[0].nodes, (Names{"n1", "n2"}));
  EXPECT_EQ(first[0].replicas, 1);
  EXPECT_TRUE(store_->files_on_node_batch("nobody", 0, 10).empty());
  EXPECT_TRUE(store_->files_on_node_batch("n1", 0, 0).empty());
}

TEST_F(StoreTest, FilesBatchListsEveryFileOnce) {
  ASSERT_EQ(mkdir("/a"), Status::Ok);
  ASSERT_EQ(mkdir("/a/b"), Status::Ok);
  ASSERT_EQ(mkdir("/a/b/c"), Status::Ok);
  ASSERT_EQ(put("/a/b/c/deep", 5, "n1"), Status::Ok);
  ASSERT_EQ(put("/top", 6, ""), Status::Ok);
  ASSERT_EQ(put("/a/mid", 7, "n2"), Status::Ok);
  ASSERT_EQ(store_->add_copy("/a/mid", "n1"), Status::Ok);
  // Renaming after creation changes paths but not ids or their order.
  ASSERT_EQ(store_->rename("/a/b", "/a/renamed", nullptr), Status::Ok);

  auto all = store_->files_batch(0, 100);
  EXPECT_EQ(paths_of(all), (Names{"/a/renamed/c/deep", "/top", "/a/mid"}));
  EXPECT_EQ(all[1].nodes, Names{});
  EXPECT_EQ(all[2].nodes, (Names{"n1", "n2"}));
  EXPECT_EQ(all[2].size, 7u);

  auto page1 = store_->files_batch(0, 2);
  ASSERT_EQ(page1.size(), 2u);
  auto page2 = store_->files_batch(page1.back().id, 2);
  EXPECT_EQ(paths_of(page2), Names{"/a/mid"});
  EXPECT_TRUE(store_->files_batch(page2.back().id, 2).empty());
  EXPECT_TRUE(store_->files_batch(0, 0).empty());
}

// --- node_usage ---

TEST_F(StoreTest, NodeUsageSumsCopiesPerNode) {
  EXPECT_TRUE(store_->node_usage().empty());
  ASSERT_EQ(put("/a", 100, "n1"), Status::Ok);
  ASSERT_EQ(put("/b", 20, "n2"), Status::Ok);
  ASSERT_EQ(store_->add_copy("/b", "n1"), Status::Ok);
  ASSERT_EQ(put("/big", 5'000'000'000ull, "n2"), Status::Ok);
  ASSERT_EQ(put("/nowhere", 7, ""), Status::Ok);

  auto usage = store_->node_usage();
  ASSERT_EQ(usage.size(), 2u);
  EXPECT_EQ(usage[0].node, "n1");
  EXPECT_EQ(usage[0].files, 2u);
  EXPECT_EQ(usage[0].bytes, 120u);
  EXPECT_EQ(usage[1].node, "n2");
  EXPECT_EQ(usage[1].files, 2u);
  EXPECT_EQ(usage[1].bytes, 5'000'000'020ull);

  ASSERT_EQ(store_->remove_copy("/a", "n1"), Status::Ok);
  ASSERT_EQ(store_->remove_copy("/b", "n1"), Status::Ok);
  usage = store_->node_usage();
  ASSERT_EQ(usage.size(), 1u);
  EXPECT_EQ(usage[0].node, "n2");
}

TEST_F(StoreTest, NodesWithCopiesNamesEachHolderOnce) {
  EXPECT_TRUE(store_->nodes_with_copies().empty());
  ASSERT_EQ(put("/a", 100, "n2"), Status::Ok);
  ASSERT_EQ(put("/b", 20, "n10"), Status::Ok);
  ASSERT_EQ(store_->add_copy("/a", "n1"), Status::Ok);
  ASSERT_EQ(store_->add_copy("/b", "n1"), Status::Ok);
  ASSERT_EQ(put("/nowhere", 7, ""), Status::Ok);
  EXPECT_EQ(store_->nodes_with_copies(), (std::vector<std::string>{"n1", "n10", "n2"}));

  ASSERT_EQ(store_->remove_copy("/b", "n10"), Status::Ok);
  EXPECT_EQ(store_->nodes_with_copies(), (std::vector<std::string>{"n1", "n2"}));
}

}  // namespace
}  // namespace fleet::meta

// --- open_another ---

namespace fleet::meta {
namespace {

TEST_F(UnderReplicatedTest, AnotherConnectionSearchesTheSameNamespaceFromAnotherThread) {
  auto other = store_->open_another();
  ASSERT_TRUE(other);
  Names found;
  std::int64_t last = 0;
  std::thread searcher([&] {
    last = other->last_entry_id();
    found = paths_of(other->under_replicated({"n1", "n2"}, 0, 100));
  });
  searcher.join();
  EXPECT_EQ(found, (Names{"/d/b", "/e"}));
  EXPECT_EQ(last, store_->last_entry_id());
  // Later changes through the first connection are seen by the second.
  ASSERT_EQ(store_->add_copy("/d/b", "n2"), Status::Ok);
  EXPECT_EQ(paths_of(other->under_replicated({"n1", "n2"}, 0, 100)), (Names{"/e"}));
}

}  // namespace
}  // namespace fleet::meta
