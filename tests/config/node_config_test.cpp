// node.toml: the required keys, upload syncing, the [data] handoff switch and passive pool.
#include <gtest/gtest.h>

#include <stdexcept>
#include <string>

#include "config/node_config.hpp"
#include "support/temp_dir.hpp"

namespace fleet::config {
namespace {

constexpr const char* kNode = "[node]\nname = \"n1\"\nroot = \"/srv/n1\"\nlink_key = \"0123456789abcdef0123\"\n";

class NodeConfigTest : public ::testing::Test {
 protected:
  NodeConfig parse(const std::string& text) { return load_node_config(dir_.write("node.toml", text)); }

  // The error message of loading `text`, or "" if it loaded.
  std::string error(const std::string& text) {
    try {
      parse(text);
    } catch (const std::runtime_error& e) {
      return e.what();
    }
    return "";
  }

  fleet::testing::TempDir dir_;
};

TEST_F(NodeConfigTest, HandoffIsOnByDefault) {
  const auto c = parse(kNode);
  EXPECT_TRUE(c.handoff);
  EXPECT_EQ(c.name, "n1");
  EXPECT_EQ(c.root, "/srv/n1");
}

TEST_F(NodeConfigTest, HandoffCanBeTurnedOff) {
  EXPECT_FALSE(parse(std::string(kNode) + "[data]\nhandoff = false\n").handoff);
}

TEST_F(NodeConfigTest, HandoffMustBeABoolean) {
  EXPECT_NE(error(std::string(kNode) + "[data]\nhandoff = \"no\"\n").find("handoff"), std::string::npos);
}

TEST_F(NodeConfigTest, PassivePoolHasADefaultAndBounds) {
  EXPECT_EQ(parse(kNode).passive_pool, 16u);
  EXPECT_EQ(parse(std::string(kNode) + "[data]\npassive_pool = 0\n").passive_pool, 0u);
  EXPECT_EQ(parse(std::string(kNode) + "[data]\npassive_pool = 1024\n").passive_pool, 1024u);
  EXPECT_NE(error(std::string(kNode) + "[data]\npassive_pool = 1025\n").find("passive_pool"), std::string::npos);
  EXPECT_NE(error(std::string(kNode) + "[data]\npassive_pool = -1\n").find("passive_pool"), std::string::npos);
}

TEST_F(NodeConfigTest, UploadsAreNotSyncedUnlessAsked) {
  EXPECT_FALSE(parse(kNode).sync_uploads);
  EXPECT_TRUE(parse(std::string(kNode) + "sync_uploads = true\n").sync_uploads);
  EXPECT_NE(error(std::string(kNode) + "sync_uploads = 1\n").find("sync_uploads"), std::string::npos);
}

TEST_F(NodeConfigTest, NameRootAndKeyAreRequired) {
  EXPECT_NE(error("[node]\nroot = \"/srv\"\nlink_key = \"0123456789abcdef0123\"\n").find("name"), std::string::npos);
  EXPECT_NE(error("[node]\nname = \"n1\"\nlink_key = \"0123456789abcdef0123\"\n").find("root"), std::string::npos);
  EXPECT_NE(error("[node]\nname = \"n1\"\nroot = \"/srv\"\n").find("link_key"), std::string::npos);
}

}  // namespace
}  // namespace fleet::config
