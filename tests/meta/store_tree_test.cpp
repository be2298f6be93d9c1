// The namespace half of the SQLite store: lookup, listing, and every Status
// each tree operation can give.
#include <gtest/gtest.h>

#include <cstdio>

#include "store_fixture.hpp"

namespace fleet::meta {
namespace {

using Names = std::vector<std::string>;
using testing::StoreTest;

TEST_F(StoreTest, FreshStoreHasAnEmptyRoot) {
  auto root = store_->lookup("/");
  ASSERT_TRUE(root);
  EXPECT_EQ(root->id, 1);
  EXPECT_EQ(root->name, "");
  EXPECT_TRUE(root->is_dir);
  EXPECT_TRUE(root->nodes.empty());
  EXPECT_TRUE(store_->list_dir("/").empty());
}

// --- lookup ---

TEST_F(StoreTest, LookupMissesGiveNothing) {
  ASSERT_EQ(put("/f"), Status::Ok);
  EXPECT_FALSE(store_->lookup("/missing"));
  EXPECT_FALSE(store_->lookup("/missing/deeper"));
  EXPECT_FALSE(store_->lookup("/f/through-a-file"));
  EXPECT_FALSE(store_->lookup("relative"));
  EXPECT_FALSE(store_->lookup("/a/../f"));
}

TEST_F(StoreTest, NamesAreExactBytes) {
  const std::string odd = "/it's 100% \"quoted\" ü \\ *";
  ASSERT_EQ(put(odd), Status::Ok);
  ASSERT_EQ(put("/F"), Status::Ok);
  auto e = store_->lookup(odd);
  ASSERT_TRUE(e);
  EXPECT_EQ("/" + e->name, odd);
  EXPECT_FALSE(store_->lookup("/f"));  // case-sensitive
}

// --- make_dir ---

TEST_F(StoreTest, MakeDir) {
  ASSERT_EQ(store_->make_dir("/a", "bob", 1234), Status::Ok);
  auto a = store_->lookup("/a");
  ASSERT_TRUE(a);
  EXPECT_TRUE(a->is_dir);
  EXPECT_EQ(a->name, "a");
  EXPECT_EQ(a->owner, "bob");
  EXPECT_EQ(a->mtime, 1234);
  EXPECT_GT(a->id, 1);
  EXPECT_EQ(mkdir("/a/b"), Status::Ok);
  EXPECT_TRUE(store_->lookup("/a/b"));
}

TEST_F(StoreTest, MakeDirErrors) {
  ASSERT_EQ(mkdir("/a"), Status::Ok);
  ASSERT_EQ(put("/f"), Status::Ok);
  EXPECT_EQ(mkdir("/"), Status::Exists);
  EXPECT_EQ(mkdir("/a"), Status::Exists);
  EXPECT_EQ(mkdir("/f"), Status::Exists);
  EXPECT_EQ(mkdir("/missing/b"), Status::NotFound);
  EXPECT_EQ(mkdir("/f/b"), Status::NotDirectory);
  EXPECT_EQ(mkdir("/f/x/b"), Status::NotDirectory);
  EXPECT_EQ(mkdir("a"), Status::Invalid);
  EXPECT_EQ(mkdir("/a/.."), Status::Invalid);
}

// --- put_file ---

TEST_F(StoreTest, PutFileCreates) {
  ASSERT_EQ(mkdir("/d"), Status::Ok);
  ASSERT_EQ(store_->put_file("/d/f", 42, 777, "carol", 0xDEADBEEF, "n7"), Status::Ok);
  auto f = store_->lookup("/d/f");
  ASSERT_TRUE(f);
  EXPECT_FALSE(f->is_dir);
  EXPECT_EQ(f->name, "f");
  EXPECT_EQ(f->size, 42u);
  EXPECT_EQ(f->mtime, 777);
  EXPECT_EQ(f->owner, "carol");
  EXPECT_EQ(f->crc32, 0xDEADBEEFu);
  EXPECT_TRUE(f->has_crc);
  EXPECT_EQ(f->nodes, Names{"n7"});
}

TEST_F(StoreTest, PutFileReplacesContentAndCopies) {
  ASSERT_EQ(store_->put_file("/f", 1, 100, "alice", 1, "n1"), Status::Ok);
  ASSERT_EQ(store_->add_copy("/f", "n2"), Status::Ok);
  auto before = store_->lookup("/f");
  ASSERT_TRUE(before);

  ASSERT_EQ(store_->put_file("/f", 5000000000ull, 200, "bob", 2, "n3"), Status::Ok);
  auto after = store_->lookup("/f");
  ASSERT_TRUE(after);
  EXPECT_EQ(after->id, before->id);
  EXPECT_EQ(after->size, 5000000000ull);
  EXPECT_EQ(after->mtime, 200);
  EXPECT_EQ(after->crc32, 2u);
  EXPECT_EQ(after->owner, "alice");  // overwriting does not change the owner
  EXPECT_EQ(after->nodes, Names{"n3"});
  EXPECT_EQ(names("/"), Names{"f"});
}

TEST_F(StoreTest, PutFileErrors) {
  ASSERT_EQ(mkdir("/d"), Status::Ok);
  ASSERT_EQ(put("/f"), Status::Ok);
  EXPECT_EQ(put("/"), Status::IsDirectory);
  EXPECT_EQ(put("/d"), Status::IsDirectory);
  EXPECT_EQ(put("/f/x"), Status::NotDirectory);
  EXPECT_EQ(put("/f/x/y"), Status::NotDirectory);
  EXPECT_EQ(put("/missing/x"), Status::NotFound);
  EXPECT_EQ(put("d/x"), Status::Invalid);
  EXPECT_TRUE(store_->lookup("/d")->is_dir);  // untouched
}

TEST_F(StoreTest, PutFileWithoutNodeRecordsNoCopy) {
  ASSERT_EQ(put("/f", 1, ""), Status::Ok);
  EXPECT_EQ(nodes("/f"), Names{});
}

// --- list_dir ---

TEST_F(StoreTest, ListDirSortsByBytes) {
  for (const char* n : {"b", "a", "B", "_", "a b", "ab", "Z", "\xc3\xa9"}) {
    ASSERT_EQ(put(std::string("/") + n), Status::Ok);
  }
  ASSERT_EQ(mkdir("/dir"), Status::Ok);
  EXPECT_EQ(names("/"), (Names{"B", "Z", "_", "a", "a b", "ab", "b", "dir", "\xc3\xa9"}));
}

TEST_F(StoreTest, ListDirFillsEntriesAndNodes) {
  ASSERT_EQ(mkdir("/d"), Status::Ok);
  ASSERT_EQ(mkdir("/d/sub"), Status::Ok);
  ASSERT_EQ(put("/d/sub/deep"), Status::Ok);
  ASSERT_EQ(store_->put_file("/d/one", 11, 111, "u1", 1, "n2"), Status::Ok);
  ASSERT_EQ(store_->add_copy("/d/one", "n1"), Status::Ok);
  ASSERT_EQ(store_->put_file("/d/two", 22, 222, "u2", 2, "n3"), Status::Ok);
  ASSERT_EQ(put("/outside"), Status::Ok);

  auto list = store_->list_dir("/d");
  ASSERT_EQ(list.size(), 3u);
  EXPECT_EQ(list[0].name, "one");
  EXPECT_EQ(list[0].size, 11u);
  EXPECT_EQ(list[0].mtime, 111);
  EXPECT_EQ(list[0].owner, "u1");
  EXPECT_EQ(list[0].nodes, (Names{"n1", "n2"}));
  EXPECT_EQ(list[1].name, "sub");
  EXPECT_TRUE(list[1].is_dir);
  EXPECT_TRUE(list[1].nodes.empty());
  EXPECT_EQ(list[2].name, "two");
  EXPECT_EQ(list[2].nodes, Names{"n3"});
  EXPECT_EQ(list[2].id, store_->lookup("/d/two")->id);
}

TEST_F(StoreTest, ListDirOfNonDirectoryIsEmpty) {
  ASSERT_EQ(put("/f"), Status::Ok);
  EXPECT_TRUE(store_->list_dir("/f").empty());
  EXPECT_TRUE(store_->list_dir("/missing").empty());
  EXPECT_TRUE(store_->list_dir("relative").empty());
}

TEST_F(StoreTest, ListsTenThousandEntries) {
  ASSERT_EQ(mkdir("/big"), Status::Ok);
  constexpr int kCount = 10000;
  // Inserted in descending order so the listing's order must come from sorting.
  for (int i = kCount - 1; i >= 0; --i) {
    char name[32];
    std::snprintf(name, sizeof name, "/big/file%05d", i);
    ASSERT_EQ(put(name, static_cast<std::uint64_t>(i), "n" + std::to_string(i % 3)), Status::Ok);
    if (i % 2 == 0) {
      ASSERT_EQ(store_->add_copy(name, "z"), Status::Ok);
    }
  }
  auto list = store_->list_dir("/big");
  ASSERT_EQ(list.size(), static_cast<std::size_t>(kCount));
  for (int i = 0; i < kCount; ++i) {
    char name[32];
    std::snprintf(name, sizeof name, "file%05d", i);
    const Entry& e = list[static_cast<std::size_t>(i)];
    ASSERT_EQ(e.name, name);
    ASSERT_EQ(e.size, static_cast<std::uint64_t>(i));
    Names expected{"n" + std::to_string(i % 3)};
    if (i % 2 == 0) expected.push_back("z");
    ASSERT_EQ(e.nodes, expected) << e.name;
  }
}

// --- remove_dir ---

TEST_F(StoreTest, RemoveDir) {
  ASSERT_EQ(mkdir("/a"), Status::Ok);
  ASSERT_EQ(mkdir("/a/b"), Status::Ok);
  EXPECT_EQ(store_->remove_dir("/a"), Status::NotEmpty);
  EXPECT_EQ(store_->remove_dir("/a/b"), Status::Ok);
  EXPECT_FALSE(store_->lookup("/a/b"));
  EXPECT_EQ(store_->remove_dir("/a"), Status::Ok);
  EXPECT_TRUE(store_->list_dir("/").empty());
}

TEST_F(StoreTest, RemoveDirErrors) {
  ASSERT_EQ(mkdir("/a"), Status::Ok);
  ASSERT_EQ(put("/a/f"), Status::Ok);
  EXPECT_EQ(store_->remove_dir("/a"), Status::NotEmpty);  // a file counts too
  EXPECT_EQ(store_->remove_dir("/a/f"), Status::NotDirectory);
  EXPECT_EQ(store_->remove_dir("/a/f/x"), Status::NotDirectory);
  EXPECT_EQ(store_->remove_dir("/missing"), Status::NotFound);
  EXPECT_EQ(store_->remove_dir("/"), Status::Invalid);
  EXPECT_EQ(store_->remove_dir("a"), Status::Invalid);
  EXPECT_TRUE(store_->lookup("/a/f"));
}

// --- remove_file ---

TEST_F(StoreTest, RemoveFileReturnsItsEntry) {
  ASSERT_EQ(store_->put_file("/f", 9, 99, "alice", 5, "n1"), Status::Ok);
  ASSERT_EQ(store_->add_copy("/f", "n2"), Status::Ok);
  Entry removed;
  ASSERT_EQ(store_->remove_file("/f", &removed), Status::Ok);
  EXPECT_EQ(removed.name, "f");
  EXPECT_EQ(removed.size, 9u);
  EXPECT_EQ(removed.nodes, (Names{"n1", "n2"}));
  EXPECT_FALSE(store_->lookup("/f"));
  EXPECT_TRUE(store_->files_on_node("n1").empty());  // its copies went with it
}

TEST_F(StoreTest, RemoveFileErrors) {
  ASSERT_EQ(mkdir("/d"), Status::Ok);
  ASSERT_EQ(put("/f"), Status::Ok);
  EXPECT_EQ(store_->remove_file("/d", nullptr), Status::IsDirectory);
  EXPECT_EQ(store_->remove_file("/", nullptr), Status::IsDirectory);
  EXPECT_EQ(store_->remove_file("/missing", nullptr), Status::NotFound);
  EXPECT_EQ(store_->remove_file("/f/x", nullptr), Status::NotDirectory);
  EXPECT_EQ(store_->remove_file("f", nullptr), Status::Invalid);
  EXPECT_EQ(store_->remove_file("/f", nullptr), Status::Ok);  // no out-parameter needed
}

// --- rename ---

TEST_F(StoreTest, RenameFileKeepsIdentityAndCopies) {
  ASSERT_EQ(mkdir("/d"), Status::Ok);
  ASSERT_EQ(put("/f", 10, "n4"), Status::Ok);
  auto id = store_->lookup("/f")->id;
  std::optional<Entry> replaced = Entry{};
  ASSERT_EQ(store_->rename("/f", "/d/g", &replaced), Status::Ok);
  EXPECT_FALSE(replaced);
  EXPECT_FALSE(store_->lookup("/f"));
  auto g = store_->lookup("/d/g");
  ASSERT_TRUE(g);
  EXPECT_EQ(g->id, id);
  EXPECT_EQ(g->name, "g");
  EXPECT_EQ(g->nodes, Names{"n4"});
}

TEST_F(StoreTest, RenameDirMovesSubtree) {
  ASSERT_EQ(mkdir("/a"), Status::Ok);
  ASSERT_EQ(mkdir("/a/b"), Status::Ok);
  ASSERT_EQ(mkdir("/a/b/c"), Status::Ok);
  ASSERT_EQ(put("/a/b/c/f", 3, "n1"), Status::Ok);
  ASSERT_EQ(put("/a/top", 4, "n1"), Status::Ok);
  ASSERT_EQ(mkdir("/x"), Status::Ok);
  auto deep_id = store_->lookup("/a/b/c/f")->id;

  ASSERT_EQ(store_->rename("/a", "/x/y", nullptr), Status::Ok);
  EXPECT_FALSE(store_->lookup("/a"));
  EXPECT_EQ(names("/"), Names{"x"});
  EXPECT_EQ(names("/x/y"), (Names{"b", "top"}));
  auto f = store_->lookup("/x/y/b/c/f");
  ASSERT_TRUE(f);
  EXPECT_EQ(f->id, deep_id);
  EXPECT_EQ(f->nodes, Names{"n1"});
  using Files = std::vector<std::pair<std::string, std::uint64_t>>;
  EXPECT_EQ(store_->files_on_node("n1"), (Files{{"/x/y/b/c/f", 3}, {"/x/y/top", 4}}));

  // Renaming within the same directory, and out again to the root.
  ASSERT_EQ(store_->rename("/x/y/b", "/x/y/b2", nullptr), Status::Ok);
  ASSERT_EQ(store_->rename("/x/y/b2/c", "/c", nullptr), Status::Ok);
  EXPECT_TRUE(store_->lookup("/c/f"));
  EXPECT_EQ(names("/x/y/b2"), Names{});
}

TEST_F(StoreTest, RenameReplacesAFile) {
  ASSERT_EQ(store_->put_file("/src", 1, 10, "alice", 1, "n1"), Status::Ok);
  ASSERT_EQ(store_->put_file("/dst", 2, 20, "bob", 2, "n2"), Status::Ok);
  ASSERT_EQ(store_->add_copy("/dst", "n3"), Status::Ok);
  auto src_id = store_->lookup("/src")->id;
  auto dst_id = store_->lookup("/dst")->id;

  std::optional<Entry> replaced;
  ASSERT_EQ(store_->rename("/src", "/dst", &replaced), Status::Ok);
  ASSERT_TRUE(replaced);
  EXPECT_EQ(replaced->id, dst_id);
  EXPECT_EQ(replaced->size, 2u);
  EXPECT_EQ(replaced->owner, "bob");
  EXPECT_EQ(replaced->nodes, (Names{"n2", "n3"}));

  auto now = store_->lookup("/dst");
  ASSERT_TRUE(now);
  EXPECT_EQ(now->id, src_id);
  EXPECT_EQ(now->size, 1u);
  EXPECT_EQ(now->nodes, Names{"n1"});
  EXPECT_EQ(names("/"), Names{"dst"});
  EXPECT_TRUE(store_->files_on_node("n2").empty());
  EXPECT_TRUE(store_->files_on_node("n3").empty());
}

TEST_F(StoreTest, RenameErrors) {
  ASSERT_EQ(mkdir("/a"), Status::Ok);
  ASSERT_EQ(mkdir("/a/b"), Status::Ok);
  ASSERT_EQ(mkdir("/other"), Status::Ok);
  ASSERT_EQ(put("/f"), Status::Ok);
  ASSERT_EQ(put("/g"), Status::Ok);

  std::optional<Entry> replaced = Entry{};
  EXPECT_EQ(store_->rename("/", "/x", &replaced), Status::Invalid);
  EXPECT_FALSE(replaced);  // cleared even on failure
  EXPECT_EQ(store_->rename("/a", "/a/b/c", nullptr), Status::Invalid);
  EXPECT_EQ(store_->rename("/a", "/a/new", nullptr), Status::Invalid);
  EXPECT_EQ(store_->rename("/a", "/a/b", nullptr), Status::Invalid);
  EXPECT_EQ(store_->rename("/f", "/", nullptr), Status::Exists);
  EXPECT_EQ(store_->rename("/f", "/a", nullptr), Status::Exists);
  EXPECT_EQ(store_->rename("/other", "/a", nullptr), Status::Exists);
  EXPECT_EQ(store_->rename("/a", "/f", nullptr), Status::NotDirectory);  // a directory does not replace a file
  EXPECT_EQ(store_->rename("/missing", "/x", nullptr), Status::NotFound);
  EXPECT_EQ(store_->rename("/f", "/missing/x", nullptr), Status::NotFound);
  EXPECT_EQ(store_->rename("/f", "/g/x", nullptr), Status::NotDirectory);
  EXPECT_EQ(store_->rename("/f/x", "/y", nullptr), Status::NotDirectory);
  EXPECT_EQ(store_->rename("f", "/y", nullptr), Status::Invalid);
  EXPECT_EQ(store_->rename("/f", "y", nullptr), Status::Invalid);

  // Nothing moved.
  EXPECT_EQ(names("/"), (Names{"a", "f", "g", "other"}));
  EXPECT_EQ(names("/a"), Names{"b"});
}

TEST_F(StoreTest, RenameNearOwnSubtreeIsFine) {
  ASSERT_EQ(mkdir("/a"), Status::Ok);
  ASSERT_EQ(mkdir("/a/b"), Status::Ok);
  EXPECT_EQ(store_->rename("/a", "/ab", nullptr), Status::Ok);    // shares a prefix, not a component
  EXPECT_EQ(store_->rename("/ab/b", "/b", nullptr), Status::Ok);  // out of a directory, upwards
  EXPECT_EQ(store_->rename("/b", "/b", nullptr), Status::Ok);     // onto itself: nothing to do
  EXPECT_EQ(names("/"), (Names{"ab", "b"}));
}

// --- set_mtime, add_copy ---

TEST_F(StoreTest, SetMtime) {
  ASSERT_EQ(mkdir("/d"), Status::Ok);
  ASSERT_EQ(put("/d/f"), Status::Ok);
  EXPECT_EQ(store_->set_mtime("/d/f", 5555), Status::Ok);
  EXPECT_EQ(store_->set_mtime("/d", 6666), Status::Ok);
  EXPECT_EQ(store_->set_mtime("/", 7777), Status::Ok);
  EXPECT_EQ(store_->lookup("/d/f")->mtime, 5555);
  EXPECT_EQ(store_->lookup("/d")->mtime, 6666);
  EXPECT_EQ(store_->lookup("/")->mtime, 7777);
  EXPECT_EQ(store_->set_mtime("/missing", 1), Status::NotFound);
  EXPECT_EQ(store_->set_mtime("/d/f/x", 1), Status::NotDirectory);
  EXPECT_EQ(store_->set_mtime("d", 1), Status::Invalid);
}

TEST_F(StoreTest, AddCopy) {
  ASSERT_EQ(put("/f", 10, "n2"), Status::Ok);
  ASSERT_EQ(mkdir("/d"), Status::Ok);
  EXPECT_EQ(store_->add_copy("/f", "n1"), Status::Ok);
  EXPECT_EQ(store_->add_copy("/f", "n1"), Status::Ok);  // already there: no-op
  EXPECT_EQ(store_->add_copy("/f", "n3"), Status::Ok);
  EXPECT_EQ(nodes("/f"), (Names{"n1", "n2", "n3"}));
  EXPECT_EQ(store_->add_copy("/d", "n1"), Status::IsDirectory);
  EXPECT_EQ(store_->add_copy("/", "n1"), Status::IsDirectory);
  EXPECT_EQ(store_->add_copy("/missing", "n1"), Status::NotFound);
  EXPECT_EQ(store_->add_copy("/f/x", "n1"), Status::NotDirectory);
  EXPECT_EQ(store_->add_copy("/f", ""), Status::Invalid);
  EXPECT_EQ(store_->add_copy("f", "n1"), Status::Invalid);
}

// --- files_on_node ---

TEST_F(StoreTest, FilesOnNode) {
  ASSERT_EQ(mkdir("/a"), Status::Ok);
  ASSERT_EQ(mkdir("/a/b"), Status::Ok);
  ASSERT_EQ(put("/top", 1, "n1"), Status::Ok);
  ASSERT_EQ(put("/a/mid", 2, "n2"), Status::Ok);
  ASSERT_EQ(store_->add_copy("/a/mid", "n1"), Status::Ok);
  ASSERT_EQ(put("/a/b/deep", 3, "n1"), Status::Ok);
  ASSERT_EQ(put("/a/b/elsewhere", 4, "n2"), Status::Ok);

  using Files = std::vector<std::pair<std::string, std::uint64_t>>;
  EXPECT_EQ(store_->files_on_node("n1"), (Files{{"/a/b/deep", 3}, {"/a/mid", 2}, {"/top", 1}}));
  EXPECT_EQ(store_->files_on_node("n2"), (Files{{"/a/b/elsewhere", 4}, {"/a/mid", 2}}));
  EXPECT_TRUE(store_->files_on_node("n9").empty());
}

}  // namespace
}  // namespace fleet::meta

namespace fleet::meta {
namespace {

using testing::StoreTest;

// --- next_file ---

TEST_F(StoreTest, NextFileFollowsNameOrderAndPassesOverDirectories) {
  ASSERT_EQ(mkdir("/d"), Status::Ok);
  ASSERT_EQ(put("/d/a", 10, "n1"), Status::Ok);
  ASSERT_EQ(mkdir("/d/b"), Status::Ok);
  ASSERT_EQ(put("/d/c", 10, "n2"), Status::Ok);
  ASSERT_EQ(put("/d/e"), Status::Ok);
  auto next = store_->next_file("/d/a");
  ASSERT_TRUE(next);
  EXPECT_EQ(next->name, "c");
  EXPECT_EQ(next->nodes, std::vector<std::string>{"n2"});
  EXPECT_EQ(store_->next_file("/d/c")->name, "e");
  EXPECT_FALSE(store_->next_file("/d/e"));
  // The name need not exist any more (a file deleted since).
  EXPECT_EQ(store_->next_file("/d/b0")->name, "c");
  EXPECT_FALSE(store_->next_file("/missing/a"));
  EXPECT_FALSE(store_->next_file("/d/a/under-a-file"));
  EXPECT_FALSE(store_->next_file("/"));
}

TEST_F(StoreTest, NextFileLooksOnlyAShortWayPastDirectories) {
  ASSERT_EQ(mkdir("/d"), Status::Ok);
  ASSERT_EQ(put("/d/a"), Status::Ok);
  for (int i = 0; i < 40; ++i) ASSERT_EQ(mkdir("/d/b" + std::to_string(100 + i)), Status::Ok);
  ASSERT_EQ(put("/d/z"), Status::Ok);
  EXPECT_FALSE(store_->next_file("/d/a"));
  EXPECT_EQ(store_->next_file("/d/b139")->name, "z");
}

}  // namespace
}  // namespace fleet::meta
