// The anonymous root is made at master start, with its parents, and a file in
// its way stops the start with a message naming the setting.
#include "master/anonymous_root.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <random>
#include <stdexcept>

namespace fleet::master {
namespace {

namespace fs = std::filesystem;

class AnonymousRootTest : public ::testing::Test {
 protected:
  AnonymousRootTest()
      : dir_(fs::temp_directory_path() /
             ("fleet-anon-root-" + std::to_string(::getpid()) + "-" + std::to_string(std::random_device{}()))) {
    fs::create_directories(dir_);
    store_ = meta::open_sqlite_store(dir_ / "meta.sqlite");
  }
  ~AnonymousRootTest() override {
    store_.reset();
    std::error_code ec;
    fs::remove_all(dir_, ec);
  }
  bool is_dir(const char* path) {
    auto e = store_->lookup(path);
    return e && e->is_dir;
  }

  fs::path dir_;
  std::unique_ptr<meta::MetaStore> store_;
};

TEST_F(AnonymousRootTest, MakesTheRootAndItsParents) {
  EXPECT_TRUE(ensure_anonymous_root(*store_, "/srv/ftp/pub", 1700000000));
  EXPECT_TRUE(is_dir("/srv"));
  EXPECT_TRUE(is_dir("/srv/ftp"));
  EXPECT_TRUE(is_dir("/srv/ftp/pub"));
  EXPECT_EQ(store_->lookup("/srv/ftp/pub")->mtime, 1700000000);
}

TEST_F(AnonymousRootTest, AnExistingRootIsLeftAsItIs) {
  ASSERT_EQ(store_->make_dir("/pub", "alice", 5), meta::Status::Ok);
  EXPECT_FALSE(ensure_anonymous_root(*store_, "/pub", 1700000000));
  EXPECT_EQ(store_->lookup("/pub")->owner, "alice");
  EXPECT_FALSE(ensure_anonymous_root(*store_, "/", 1700000000));
}

TEST_F(AnonymousRootTest, AFileInTheWayIsAnError) {
  ASSERT_EQ(store_->put_file("/pub", 3, 5, "alice", 0, "n1"), meta::Status::Ok);
  try {
    ensure_anonymous_root(*store_, "/pub/incoming", 1700000000);
    FAIL() << "no error";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("[anonymous] root /pub/incoming: /pub is a file"), std::string::npos)
        << e.what();
  }
}

}  // namespace
}  // namespace fleet::master
