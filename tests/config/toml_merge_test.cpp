#include "config/toml_merge.hpp"

#include <gtest/gtest.h>
#include <toml++/toml.h>

#include <stdexcept>
#include <string>

namespace fleet::config {
namespace {

toml::table merged(const std::string& generated, const std::string& overlay) {
  return toml::parse(merge_toml(generated, overlay, "extra.toml"));
}

TEST(TomlMerge, OperatorKeyInAGeneratedTableWins) {
  auto t = merged("[ftp]\nport = 2121\nepsv = \"refuse\"\n", "[ftp]\nport = 21\ndata_timeout = 5\n");
  EXPECT_EQ(t["ftp"]["port"].value<int>(), 21);
  EXPECT_EQ(t["ftp"]["data_timeout"].value<int>(), 5);
  EXPECT_EQ(t["ftp"]["epsv"].value<std::string>(), "refuse");  // untouched keys stay
}

TEST(TomlMerge, NewTablesAndNestedTablesAreAdded) {
  auto t = merged("[ftp]\nport = 2121\n[replication]\ncopies = 1\n",
                  "[anonymous]\nenabled = true\n[replication.rule]\npath = \"/rep/**\"\n");
  EXPECT_EQ(t["anonymous"]["enabled"].value<bool>(), true);
  EXPECT_EQ(t["replication"]["copies"].value<int>(), 1);
  EXPECT_EQ(t["replication"]["rule"]["path"].value<std::string>(), "/rep/**");
  EXPECT_EQ(t["ftp"]["port"].value<int>(), 2121);
}

TEST(TomlMerge, ArraysOfTablesReplaceRatherThanMerge) {
  auto t = merged("[[replication.rules]]\npath = \"/a\"\n", "[[replication.rules]]\npath = \"/b\"\n");
  auto* rules = t["replication"]["rules"].as_array();
  ASSERT_NE(rules, nullptr);
  ASSERT_EQ(rules->size(), 1u);
  EXPECT_EQ((*rules)[0].as_table()->get("path")->value<std::string>(), "/b");
}

TEST(TomlMerge, SyntaxErrorNamesTheFileAndLine) {
  try {
    merge_toml("[ftp]\n", "[ftp]\nport = \n", "extra.toml");
    FAIL() << "no error";
  } catch (const std::runtime_error& e) {
    EXPECT_EQ(std::string(e.what()).rfind("extra.toml:2:", 0), 0u) << e.what();
  }
}

TEST(TomlMerge, ValueAgainstTableIsAnError) {
  EXPECT_THROW(merge_toml("[ftp]\nport = 1\n", "ftp = 3\n", "extra.toml"), std::runtime_error);
  EXPECT_THROW(merge_toml("[ftp]\nport = 1\n", "[ftp.port]\nx = 1\n", "extra.toml"), std::runtime_error);
}

}  // namespace
}  // namespace fleet::config
