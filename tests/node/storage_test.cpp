#include "node/storage.hpp"

#include <gtest/gtest.h>

#include "support/temp_dir.hpp"

namespace fleet::node {
namespace {

TEST(StorageResolve, MapsAbsolutePathsBelowTheRoot) {
  Storage storage("/srv/node");
  std::string error;
  EXPECT_EQ(storage.resolve("/", error), std::filesystem::path("/srv/node"));
  EXPECT_EQ(storage.resolve("/a", error), std::filesystem::path("/srv/node/a"));
  EXPECT_EQ(storage.resolve("/pub/dir/file.iso", error), std::filesystem::path("/srv/node/pub/dir/file.iso"));
  EXPECT_EQ(storage.resolve("/...", error), std::filesystem::path("/srv/node/..."));
  EXPECT_EQ(storage.resolve("/.hidden", error), std::filesystem::path("/srv/node/.hidden"));
  EXPECT_EQ(storage.resolve("/dir with space/ünïcode", error),
            std::filesystem::path("/srv/node/dir with space/ünïcode"));
}

TEST(StorageResolve, RefusesAnythingThatCouldEscapeOrIsMalformed) {
  Storage storage("/srv/node");
  const std::string nul_path("/a\0b", 4);
  for (const std::string& bad : std::vector<std::string>{
           "", "a", "a/b", "../etc/passwd", "/..", "/../etc/passwd", "/a/../../b", "/a/..", "/.", "/a/./b", "//",
           "//etc", "/a//b", "/a/", "/a/b/", nul_path, "/d/.fleetftp-part.7.x", "/.fleetftp-part.1.y"}) {
    std::string error;
    EXPECT_FALSE(storage.resolve(bad, error)) << "accepted: " << bad;
    EXPECT_FALSE(error.empty()) << bad;
  }
  std::string error;
  EXPECT_FALSE(storage.resolve("/" + std::string(5000, 'a'), error));
}

TEST(StorageResolve, VfsPathIsTheInverse) {
  Storage storage("/srv/node");
  EXPECT_EQ(storage.vfs_path("/srv/node"), "/");
  EXPECT_EQ(storage.vfs_path("/srv/node/a/b.txt"), "/a/b.txt");
}

TEST(StorageUploadTemp, HiddenFileInTheSameDirectory) {
  const auto temp = Storage::upload_temp_file("/srv/node/pub/image.iso", 8812);
  EXPECT_EQ(temp, std::filesystem::path("/srv/node/pub/.fleetftp-part.8812.image.iso"));
  EXPECT_TRUE(Storage::is_upload_temp(temp.filename().string()));
  EXPECT_FALSE(Storage::is_upload_temp("image.iso"));
  EXPECT_FALSE(Storage::is_upload_temp(".fleetftp-partial"));
}

TEST(StorageUploadTemp, LongNamesStillFit) {
  const auto temp = Storage::upload_temp_file("/srv/" + std::string(255, 'n'), 18446744073709551615ull);
  EXPECT_EQ(temp.filename().string().size(), 255u);
  EXPECT_TRUE(Storage::is_upload_temp(temp.filename().string()));
  EXPECT_EQ(temp.parent_path(), std::filesystem::path("/srv"));
}

TEST(StorageSpace, ReportsTheRootsFileSystem) {
  testing::TempDir dir;
  Storage storage(dir.path());
  const auto space = storage.space();
  ASSERT_TRUE(space);
  EXPECT_GT(space->total_bytes, 0u);
  EXPECT_LE(space->free_bytes, space->total_bytes);
  EXPECT_FALSE(Storage("/nonexistent/fleet/root").space());
}

}  // namespace
}  // namespace fleet::node
