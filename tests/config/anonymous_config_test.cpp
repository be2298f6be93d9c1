// The [anonymous] section of master.toml: defaults, every key, and one clear
// error for each kind of mistake.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <random>
#include <stdexcept>
#include <string>

#include "config/master_config.hpp"

namespace fleet::config {
namespace {

constexpr const char* kLink = "[link]\nkey = \"0123456789abcdef0123\"\n";

class AnonymousConfigTest : public ::testing::Test {
 protected:
  AnonymousConfigTest() {
    std::random_device rd;
    dir_ = std::filesystem::temp_directory_path() /
           ("fleetftp-anon-config-" + std::to_string(::getpid()) + "-" + std::to_string(rd()) + std::to_string(rd()));
    std::filesystem::create_directories(dir_);
  }
  ~AnonymousConfigTest() override {
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
  }

  AnonymousConfig parse(const std::string& section) {
    const auto file = dir_ / "master.toml";
    std::ofstream(file) << kLink << section;
    return load_master_config(file).anonymous;
  }

  // The error message of loading `section`, or "" if it loaded.
  std::string error(const std::string& section) {
    try {
      parse(section);
    } catch (const std::runtime_error& e) {
      return e.what();
    }
    return "";
  }

  std::filesystem::path dir_;
};

TEST_F(AnonymousConfigTest, OffByDefault) {
  const AnonymousConfig a = parse("");
  EXPECT_FALSE(a.enabled);
  EXPECT_EQ(a.root, "/pub");
  EXPECT_FALSE(a.upload);
  EXPECT_FALSE(a.other_write);
  EXPECT_EQ(a.max_sessions, 0u);
  // A section that names nothing changes nothing either.
  EXPECT_FALSE(parse("[anonymous]\n").enabled);
}

TEST_F(AnonymousConfigTest, ReadsEveryKey) {
  const AnonymousConfig a =
      parse("[anonymous]\nenabled = true\nroot = \"/srv/ftp\"\nupload = true\nother_write = true\nmax_sessions = 50\n");
  EXPECT_TRUE(a.enabled);
  EXPECT_EQ(a.root, "/srv/ftp");
  EXPECT_TRUE(a.upload);
  EXPECT_TRUE(a.other_write);
  EXPECT_EQ(a.max_sessions, 50u);
}

TEST_F(AnonymousConfigTest, TheRootIsNormalized) {
  EXPECT_EQ(parse("[anonymous]\nroot = \"/pub/\"\n").root, "/pub");
  EXPECT_EQ(parse("[anonymous]\nroot = \"//pub/./x/../y\"\n").root, "/pub/y");
  EXPECT_EQ(parse("[anonymous]\nroot = \"/\"\n").root, "/");
}

TEST_F(AnonymousConfigTest, RejectsARootThatIsNotAnAbsolutePath) {
  for (const char* root : {"pub", "", "./pub"})
    EXPECT_NE(error(std::string("[anonymous]\nroot = \"") + root + "\"\n")
                  .find("master.toml: [anonymous] root must be an absolute path in the namespace"),
              std::string::npos)
        << root;
  EXPECT_NE(error("[anonymous]\nroot = 5\n").find("[anonymous] root must be a string"), std::string::npos);
}

TEST_F(AnonymousConfigTest, SwitchesMustBeBooleans) {
  EXPECT_NE(error("[anonymous]\nenabled = 1\n").find("master.toml: [anonymous] enabled must be true or false"),
            std::string::npos);
  EXPECT_NE(error("[anonymous]\nupload = \"yes\"\n").find("[anonymous] upload must be true or false"),
            std::string::npos);
}

TEST_F(AnonymousConfigTest, MaxSessionsRange) {
  EXPECT_EQ(parse("[anonymous]\nmax_sessions = 0\n").max_sessions, 0u);
  EXPECT_NE(error("[anonymous]\nmax_sessions = -1\n").find("[anonymous] max_sessions must be an integer from 0 to 1000000"),
            std::string::npos);
}

}  // namespace
}  // namespace fleet::config
