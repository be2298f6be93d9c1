#include "node/file_ops.hpp"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include "support/temp_dir.hpp"

namespace fleet::node {
namespace {

namespace fs = std::filesystem;

link::FileOp op(link::FileOpKind kind, std::string path, std::string path2 = {}, std::int64_t mtime = 0) {
  link::FileOp o;
  o.set_kind(kind);
  o.set_path(std::move(path));
  o.set_path2(std::move(path2));
  o.set_mtime(mtime);
  return o;
}

class FileOpsTest : public ::testing::Test {
 protected:
  testing::TempDir dir;
  Storage storage{dir.path()};
  link::OpResult run(const link::FileOp& o) { return apply_file_op(storage, o); }
};

TEST_F(FileOpsTest, DeleteRemovesTheFile) {
  dir.write("a/b.txt", "x");
  EXPECT_TRUE(run(op(link::DELETE, "/a/b.txt")).ok());
  EXPECT_FALSE(fs::exists(dir.path() / "a/b.txt"));
}

TEST_F(FileOpsTest, DeleteOfAMissingFileIsNotFound) {
  const auto r = run(op(link::DELETE, "/nope"));
  EXPECT_FALSE(r.ok());
  EXPECT_TRUE(r.not_found());
  EXPECT_NE(r.error().find("No such file"), std::string::npos) << r.error();
}

TEST_F(FileOpsTest, DeleteRefusesADirectoryAndTheRoot) {
  fs::create_directories(dir.path() / "d");
  EXPECT_FALSE(run(op(link::DELETE, "/d")).ok());
  EXPECT_TRUE(fs::exists(dir.path() / "d"));
  EXPECT_FALSE(run(op(link::DELETE, "/")).ok());
}

TEST_F(FileOpsTest, RenameCreatesTheTargetsParents) {
  dir.write("a.txt", "content");
  EXPECT_TRUE(run(op(link::RENAME, "/a.txt", "/x/y/z.txt")).ok());
  EXPECT_FALSE(fs::exists(dir.path() / "a.txt"));
  EXPECT_EQ(dir.read("x/y/z.txt"), "content");
}

TEST_F(FileOpsTest, RenameOfAMissingFileIsNotFound) {
  const auto r = run(op(link::RENAME, "/missing", "/other"));
  EXPECT_FALSE(r.ok());
  EXPECT_TRUE(r.not_found());
}

TEST_F(FileOpsTest, RenameChecksBothPaths) {
  dir.write("a.txt", "x");
  EXPECT_FALSE(run(op(link::RENAME, "/a.txt", "/../escape.txt")).ok());
  EXPECT_FALSE(run(op(link::RENAME, "/a.txt", "")).ok());
  EXPECT_TRUE(fs::exists(dir.path() / "a.txt"));
  EXPECT_FALSE(fs::exists(dir.path().parent_path() / "escape.txt"));
}

TEST_F(FileOpsTest, MkdirCreatesParentsAndIsIdempotent) {
  EXPECT_TRUE(run(op(link::MKDIR, "/p/q/r")).ok());
  EXPECT_TRUE(fs::is_directory(dir.path() / "p/q/r"));
  EXPECT_TRUE(run(op(link::MKDIR, "/p/q/r")).ok());
}

TEST_F(FileOpsTest, MkdirOverAFileFails) {
  dir.write("f", "x");
  EXPECT_FALSE(run(op(link::MKDIR, "/f")).ok());
}

TEST_F(FileOpsTest, RmdirRemovesDirectoriesWithoutFiles) {
  fs::create_directories(dir.path() / "d/empty/deeper");
  EXPECT_TRUE(run(op(link::RMDIR, "/d")).ok());
  EXPECT_FALSE(fs::exists(dir.path() / "d"));
}

TEST_F(FileOpsTest, RmdirRefusesADirectoryHoldingFiles) {
  dir.write("d/sub/file", "x");
  const auto r = run(op(link::RMDIR, "/d"));
  EXPECT_FALSE(r.ok());
  EXPECT_FALSE(r.not_found());
  EXPECT_TRUE(fs::exists(dir.path() / "d/sub/file"));
}

TEST_F(FileOpsTest, RmdirOfAMissingDirectoryIsOk) { EXPECT_TRUE(run(op(link::RMDIR, "/never/made")).ok()); }

TEST_F(FileOpsTest, RmdirRefusesAFileAndTheRoot) {
  dir.write("f", "x");
  EXPECT_FALSE(run(op(link::RMDIR, "/f")).ok());
  EXPECT_TRUE(fs::exists(dir.path() / "f"));
  EXPECT_FALSE(run(op(link::RMDIR, "/")).ok());
  EXPECT_TRUE(fs::exists(dir.path()));
}

TEST_F(FileOpsTest, SetMtime) {
  dir.write("f", "x");
  EXPECT_TRUE(run(op(link::SET_MTIME, "/f", "", 1000000000)).ok());
  struct stat st {};
  ASSERT_EQ(::stat((dir.path() / "f").c_str(), &st), 0);
  EXPECT_EQ(st.st_mtim.tv_sec, 1000000000);
  EXPECT_TRUE(run(op(link::SET_MTIME, "/missing", "", 1)).not_found());
}

TEST_F(FileOpsTest, StatReportsSizeMtimeAndCrc) {
  dir.write("check.txt", "123456789");
  ASSERT_TRUE(run(op(link::SET_MTIME, "/check.txt", "", 1234567890)).ok());
  const auto r = run(op(link::STAT, "/check.txt"));
  EXPECT_TRUE(r.ok()) << r.error();
  EXPECT_EQ(r.size(), 9u);
  EXPECT_EQ(r.mtime(), 1234567890);
  EXPECT_EQ(r.crc32(), 0xCBF43926u);  // the standard CRC-32 check value
}

TEST_F(FileOpsTest, StatOfAMissingFileIsNotFound) {
  const auto r = run(op(link::STAT, "/missing"));
  EXPECT_FALSE(r.ok());
  EXPECT_TRUE(r.not_found());
}

TEST_F(FileOpsTest, InvalidPathsAreRefusedWithAReason) {
  for (auto kind : {link::DELETE, link::RENAME, link::MKDIR, link::RMDIR, link::SET_MTIME, link::STAT}) {
    const auto r = run(op(kind, "/../../etc/passwd", "/x"));
    EXPECT_FALSE(r.ok());
    EXPECT_FALSE(r.not_found());
    EXPECT_NE(r.error().find("invalid path"), std::string::npos) << r.error();
  }
}

TEST_F(FileOpsTest, UnknownKindIsRefused) { EXPECT_FALSE(run(op(static_cast<link::FileOpKind>(99), "/x")).ok()); }

}  // namespace
}  // namespace fleet::node
