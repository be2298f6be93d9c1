#include "node/inventory.hpp"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include "support/temp_dir.hpp"

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

TEST(InventoryWalker, YieldsChunksOfAtMostMaxInPathOrder) {
  testing::TempDir dir;
  for (int d = 0; d < 3; ++d)
    for (int f = 0; f < 7; ++f) dir.write("d" + std::to_string(d) + "/f" + std::to_string(f), "x");
  dir.write("top.bin", "y");
  InventoryWalker walker{Storage(dir.path())};
  std::vector<std::string> paths;
  std::size_t chunks = 0;
  while (!walker.done()) {
    auto chunk = walker.next(5);
    EXPECT_LE(chunk.size(), 5u);
    ++chunks;
    for (const auto& e : chunk) paths.push_back(e.path());
  }
  ASSERT_EQ(paths.size(), 22u);
  EXPECT_GE(chunks, 5u);
  EXPECT_EQ(paths.front(), "/top.bin");  // a directory's files come before its subdirectories
  EXPECT_EQ(paths[1], "/d0/f0");
  EXPECT_EQ(paths.back(), "/d2/f6");
  EXPECT_TRUE(walker.next(5).empty());
}

TEST(InventoryWalker, LeavesOutTheQuarantineFolder) {
  testing::TempDir dir;
  dir.write(".fleetftp-quarantine/old/file.bin", "set aside by the master");
  dir.write("kept/.fleetftp-quarantine", "an ordinary file of that name deeper down");
  const auto entries = scan_inventory(Storage(dir.path()));
  ASSERT_EQ(entries.size(), 1u);
  EXPECT_EQ(entries[0].path(), "/kept/.fleetftp-quarantine");
}

}  // namespace
}  // namespace fleet::node
