// The store remembers directory ids to resolve paths with one query; these
// cases change directories under a warm cache and check that no lookup ever
// sees a directory that moved or went away.
#include "store_fixture.hpp"

namespace fleet::meta::testing {
namespace {

TEST_F(StoreTest, RenamedDirectoryIsNotFoundUnderItsOldName) {
  ASSERT_EQ(mkdir("/a"), Status::Ok);
  ASSERT_EQ(mkdir("/a/b"), Status::Ok);
  ASSERT_EQ(put("/a/b/f"), Status::Ok);
  ASSERT_TRUE(store_->lookup("/a/b/f"));  // warms the cache for a/ and a/b/
  ASSERT_EQ(store_->rename("/a/b", "/a/c", nullptr), Status::Ok);
  EXPECT_FALSE(store_->lookup("/a/b/f"));
  EXPECT_TRUE(store_->lookup("/a/c/f"));
  ASSERT_EQ(store_->rename("/a", "/z", nullptr), Status::Ok);
  EXPECT_FALSE(store_->lookup("/a/c/f"));
  EXPECT_TRUE(store_->lookup("/z/c/f"));
}

TEST_F(StoreTest, ADirectoryRemovedAndMadeAgainIsTheNewOne) {
  ASSERT_EQ(mkdir("/d"), Status::Ok);
  ASSERT_EQ(mkdir("/d/e"), Status::Ok);
  ASSERT_TRUE(store_->lookup("/d/e/missing") == std::nullopt);  // warms d/ and d/e/
  ASSERT_EQ(store_->remove_dir("/d/e"), Status::Ok);
  EXPECT_NE(put("/d/e/f"), Status::Ok) << "a file in a removed directory";
  ASSERT_EQ(mkdir("/d/e"), Status::Ok);
  ASSERT_EQ(put("/d/e/f"), Status::Ok);
  EXPECT_TRUE(store_->lookup("/d/e/f"));
  EXPECT_EQ(names("/d/e"), (std::vector<std::string>{"f"}));
}

TEST_F(StoreTest, AFileReplacedByADirectoryIsWalkedCorrectly) {
  ASSERT_EQ(put("/x"), Status::Ok);
  EXPECT_FALSE(store_->lookup("/x/y")) << "a file has no children";
  ASSERT_EQ(store_->remove_file("/x", nullptr), Status::Ok);
  ASSERT_EQ(mkdir("/x"), Status::Ok);
  ASSERT_EQ(put("/x/y"), Status::Ok);
  EXPECT_TRUE(store_->lookup("/x/y"));
}

TEST_F(StoreTest, ADirectoryReplacedByRenameIsForgotten) {
  ASSERT_EQ(mkdir("/old"), Status::Ok);
  ASSERT_EQ(put("/old/f"), Status::Ok);
  ASSERT_EQ(mkdir("/new"), Status::Ok);
  ASSERT_TRUE(store_->lookup("/old/f"));
  ASSERT_EQ(store_->remove_file("/old/f", nullptr), Status::Ok);
  ASSERT_EQ(store_->remove_dir("/new"), Status::Ok);
  ASSERT_EQ(store_->rename("/old", "/new", nullptr), Status::Ok);
  ASSERT_EQ(put("/new/g"), Status::Ok);
  EXPECT_FALSE(store_->lookup("/old/g"));
  EXPECT_TRUE(store_->lookup("/new/g"));
}

TEST_F(StoreTest, RepeatedLookupsSeeEveryChangeInBetween) {
  ASSERT_EQ(put("/f", 10, "n1"), Status::Ok);
  ASSERT_EQ(store_->lookup("/f")->size, 10u);
  ASSERT_EQ(store_->lookup("/f")->size, 10u);  // the remembered answer
  ASSERT_EQ(put("/f", 20, "n2"), Status::Ok);
  EXPECT_EQ(store_->lookup("/f")->size, 20u);
  EXPECT_EQ(nodes("/f"), (std::vector<std::string>{"n2"}));
  ASSERT_EQ(store_->add_copy("/f", "n1"), Status::Ok);
  EXPECT_EQ(nodes("/f"), (std::vector<std::string>{"n1", "n2"}));
  ASSERT_EQ(store_->remove_copy("/f", "n2"), Status::Ok);
  EXPECT_EQ(nodes("/f"), (std::vector<std::string>{"n1"}));
  ASSERT_EQ(store_->remove_file("/f", nullptr), Status::Ok);
  EXPECT_FALSE(store_->lookup("/f"));
  ASSERT_EQ(put("/f", 30), Status::Ok);
  EXPECT_EQ(store_->lookup("/f")->size, 30u);
}

// next_file() leaves its answer for the lookup of the RETR that follows; that
// answer belongs to its own path only, and goes with the next write.
TEST_F(StoreTest, TheFileNextFileFoundIsLookedUpUnderItsOwnPath) {
  ASSERT_EQ(put("/c", 5, "n2"), Status::Ok);
  ASSERT_EQ(mkdir("/d"), Status::Ok);
  ASSERT_EQ(put("/d/a", 10, "n1"), Status::Ok);
  ASSERT_EQ(put("/d/c", 20, "n2"), Status::Ok);

  ASSERT_EQ(store_->next_file("/d/a")->name, "c");
  EXPECT_EQ(store_->lookup("/c")->size, 5u);
  EXPECT_TRUE(store_->lookup("/d")->is_dir);
  ASSERT_EQ(store_->next_file("/d/a")->name, "c");
  EXPECT_FALSE(store_->lookup("/d/a/c"));
  ASSERT_EQ(store_->next_file("/d/a/")->name, "c");  // not normalized
  EXPECT_FALSE(store_->lookup("/d/a/c"));
  ASSERT_EQ(store_->next_file("/d/a")->name, "c");
  EXPECT_EQ(store_->lookup("/d/c")->size, 20u);

  ASSERT_EQ(store_->next_file("/d/a")->name, "c");
  ASSERT_EQ(store_->add_copy("/d/c", "n1"), Status::Ok);
  EXPECT_EQ(nodes("/d/c"), (std::vector<std::string>{"n1", "n2"}));

  ASSERT_EQ(store_->next_file("/b")->name, "c");  // in the root
  EXPECT_EQ(store_->lookup("/c")->size, 5u);
  EXPECT_EQ(store_->lookup("/d/c")->size, 20u);
}

}  // namespace
}  // namespace fleet::meta::testing
