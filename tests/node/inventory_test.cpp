#include "node/inventory.hpp"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include "temp_dir.hpp"

namespace fleet::node {
namespace {

TEST(Inventory, ListsRegularFilesWithSizeAndMtime) {
  testing::TempDir dir;
  dir.write("a.txt", "hello");
  dir.write("pub/b/c.bin", std::string(1000, 'x'));
  dir.write("pub/.dotfile", "");
  dir.write("pub/.fleetftp-part.12.upload.iso", "half");  // upload in progress: not a stored file
  std::filesystem::create_directories(dir.path() / "empty/dir");
  std::filesystem::create_symlink(dir.path() / "a.txt", dir.path() / "link.txt");
  std::filesystem::create_directory_symlink(dir.path() / "pub", dir.path() / "dirlink");
  dir.write(std::string("bad\xff") + "name", "not utf-8");

  struct stat st {};
  ASSERT_EQ(::stat((dir.path() / "a.txt").c_str(), &st), 0);

  const auto entries = scan_inventory(Storage(dir.path()));
  ASSERT_EQ(entries.size(), 3u);
  EXPECT_EQ(entries[0].path(), "/a.txt");
  EXPECT_EQ(entries[0].size(), 5u);
  EXPECT_EQ(entries[0].mtime(), st.st_mtim.tv_sec);
  EXPECT_EQ(entries[1].path(), "/pub/.dotfile");
  EXPECT_EQ(entries[1].size(), 0u);
  EXPECT_EQ(entries[2].path(), "/pub/b/c.bin");
  EXPECT_EQ(entries[2].size(), 1000u);
}

TEST(Inventory, EmptyOrMissingRootGivesNothing) {
  testing::TempDir dir;
  EXPECT_TRUE(scan_inventory(Storage(dir.path())).empty());
  EXPECT_TRUE(scan_inventory(Storage(dir.path() / "missing")).empty());
}

std::vector<link::InventoryEntry> numbered(std::size_t n) {
  std::vector<link::InventoryEntry> entries(n);
  for (std::size_t i = 0; i < n; ++i) entries[i].set_path("/f" + std::to_string(i));
  return entries;
}

TEST(InventoryChunks, AtMostPerChunkAndTheLastIsMarked) {
  const auto chunks = inventory_chunks(numbered(2500), 1000);
  ASSERT_EQ(chunks.size(), 3u);
  EXPECT_EQ(chunks[0].entries_size(), 1000);
  EXPECT_EQ(chunks[1].entries_size(), 1000);
  EXPECT_EQ(chunks[2].entries_size(), 500);
  EXPECT_FALSE(chunks[0].last());
  EXPECT_FALSE(chunks[1].last());
  EXPECT_TRUE(chunks[2].last());
  EXPECT_EQ(chunks[1].entries(0).path(), "/f1000");
  EXPECT_EQ(chunks[2].entries(499).path(), "/f2499");
}

TEST(InventoryChunks, ExactMultipleHasNoTrailingEmptyChunk) {
  const auto chunks = inventory_chunks(numbered(2000), 1000);
  ASSERT_EQ(chunks.size(), 2u);
  EXPECT_TRUE(chunks[1].last());
  EXPECT_EQ(chunks[1].entries_size(), 1000);
}

TEST(InventoryChunks, NoFilesIsOneEmptyLastChunk) {
  const auto chunks = inventory_chunks({}, 1000);
  ASSERT_EQ(chunks.size(), 1u);
  EXPECT_EQ(chunks[0].entries_size(), 0);
  EXPECT_TRUE(chunks[0].last());
}

}  // namespace
}  // namespace fleet::node
