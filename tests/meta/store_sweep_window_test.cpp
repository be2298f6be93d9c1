// under_replicated with an id window and last_entry_id: what the
// replicator's sweep uses to search millions of files in short steps. A
// sweep of consecutive windows must find exactly what one search to the end
// finds, and a window must never report a file outside it.
#include <algorithm>

#include "store_fixture.hpp"

namespace fleet::meta::testing {
namespace {

using Names = std::vector<std::string>;

class SweepWindowTest : public StoreTest {
 protected:
  void SetUp() override {
    ASSERT_EQ(mkdir("/d"), Status::Ok);
    for (int i = 0; i < 30; ++i) {
      // Every third file has no copy on n1, the node counted below.
      ASSERT_EQ(put("/d/f" + std::to_string(100 + i), 1, i % 3 == 0 ? "n2" : "n1"), Status::Ok);
      if (i % 10 == 5) {
        ASSERT_EQ(mkdir("/d/sub" + std::to_string(i)), Status::Ok);  // ids of directories too
      }
    }
  }

  static Names paths(const std::vector<FileRef>& refs) {
    Names out;
    for (const auto& r : refs) out.push_back(r.path);
    return out;
  }
};

TEST_F(SweepWindowTest, LastEntryIdIsTheNewest) {
  const auto last = store_->last_entry_id();
  ASSERT_EQ(put("/new"), Status::Ok);
  EXPECT_EQ(store_->last_entry_id(), last + 1);
  EXPECT_EQ(store_->lookup("/new")->id, last + 1);
}

TEST_F(SweepWindowTest, EmptyNamespaceEndsAtTheRoot) {
  fleet::testing::TempDir dir;
  auto fresh = open_sqlite_store(dir.file("fresh.sqlite"));
  EXPECT_EQ(fresh->last_entry_id(), 1);
  EXPECT_TRUE(fresh->under_replicated({"n1"}, 0, fresh->last_entry_id(), 10).empty());
}

TEST_F(SweepWindowTest, WindowsTogetherFindWhatOneSearchFinds) {
  const Names all = paths(store_->under_replicated({"n1"}, 0, 1000));
  ASSERT_EQ(all.size(), 10u);
  const std::int64_t last = store_->last_entry_id();
  for (std::int64_t window : {1, 2, 3, 7, 50}) {
    for (std::size_t limit : {std::size_t{1}, std::size_t{4}, std::size_t{500}}) {
      // As Replicator::sweep steps: a full batch continues from its last id.
      Names swept;
      for (std::int64_t after = 0; after < last;) {
        const std::int64_t up_to = std::min(last, after + window);
        const auto batch = store_->under_replicated({"n1"}, after, up_to, limit);
        for (const auto& f : batch) {
          EXPECT_GT(f.id, after);
          EXPECT_LE(f.id, up_to);
        }
        for (const auto& p : paths(batch)) swept.push_back(p);
        after = batch.size() == limit ? batch.back().id : up_to;
      }
      EXPECT_EQ(swept, all) << "window " << window << ", limit " << limit;
    }
  }
}

TEST_F(SweepWindowTest, EmptyOrInvertedWindowFindsNothing) {
  const auto id = store_->lookup("/d/f100")->id;  // under-replicated on n1
  EXPECT_EQ(paths(store_->under_replicated({"n1"}, id - 1, id, 10)), Names{"/d/f100"});
  EXPECT_TRUE(store_->under_replicated({"n1"}, id, id, 10).empty());
  EXPECT_TRUE(store_->under_replicated({"n1"}, id, id - 1, 10).empty());
}

}  // namespace
}  // namespace fleet::meta::testing
