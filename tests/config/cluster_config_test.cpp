#include "config/cluster_config.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <random>
#include <stdexcept>
#include <string>

#include "config/master_config.hpp"
#include "config/toml_reader.hpp"

namespace fleet::config {
namespace {

using cluster::Rule;

// Writes master.toml into a fresh directory, removed after the test.
class ClusterConfigTest : public ::testing::Test {
 protected:
  ClusterConfigTest() {
    std::random_device rd;
    dir_ = std::filesystem::temp_directory_path() /
           ("fleetftp-config-" + std::to_string(::getpid()) + "-" + std::to_string(rd()) + std::to_string(rd()));
    std::filesystem::create_directories(dir_);
  }
  ~ClusterConfigTest() override {
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
  }

  std::filesystem::path write(const std::string& text) {
    const auto file = dir_ / "master.toml";
    std::ofstream(file) << text;
    return file;
  }

  ClusterConfig parse(const std::string& text) {
    TomlReader reader(write(text));
    ClusterConfig c;
    read_cluster_config(reader, c);
    return c;
  }

  // The error message of parsing `text`, or "" if it parsed.
  std::string error(const std::string& text) {
    try {
      parse(text);
    } catch (const std::runtime_error& e) {
      return e.what();
    }
    return "";
  }

  std::filesystem::path dir_;
};

::testing::AssertionResult HasSubstr(const std::string& text, const std::string& part) {
  if (text.find(part) != std::string::npos) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure() << '"' << text << "\" does not contain \"" << part << '"';
}

TEST_F(ClusterConfigTest, EmptyFileKeepsTheDefaults) {
  const ClusterConfig c = parse("");
  const ClusterConfig d;
  EXPECT_EQ(c.placement.upload, d.placement.upload);
  EXPECT_EQ(c.placement.download, d.placement.download);
  EXPECT_EQ(c.placement.min_free_bytes, 1ull << 30);
  EXPECT_TRUE(c.placement.path_rules.empty());
  EXPECT_EQ(c.replication.default_copies, 1);
  EXPECT_TRUE(c.replication.rules.empty());
  EXPECT_EQ(c.rereplicate_after, std::chrono::seconds(300));
  EXPECT_EQ(c.replication_workers, 2);
  EXPECT_EQ(c.unknown_files, meta::UnknownFilePolicy::Adopt);
  EXPECT_EQ(c.scrub_interval, std::chrono::seconds(0));
}

TEST_F(ClusterConfigTest, ReadsEverySetting) {
  const ClusterConfig c = parse(R"(
[placement]
upload = ["free_space", "path", "spread"]
download = ["bandwidth", "lru"]
min_free_mb = 2048

[[placement.path]]
glob = "/archive/**"
prefer = ["n3"]
avoid = ["n1", "n2"]

[[placement.path]]
glob = "/tmp/**"
forbid = ["n3"]

[replication]
default = 2
grace_seconds = 60
workers = 8

[[replication.rule]]
glob = "/archive/**"
copies = 3

[[replication.rule]]
glob = "/tmp/**"
copies = 1

[cluster]
unknown_files = "quarantine"

[scrub]
interval_seconds = 86400
)");
  EXPECT_EQ(c.placement.upload, (std::vector<Rule>{Rule::FreeSpace, Rule::PathRules, Rule::Spread}));
  EXPECT_EQ(c.placement.download, (std::vector<Rule>{Rule::Bandwidth, Rule::Lru}));
  EXPECT_EQ(c.placement.min_free_bytes, 2048ull << 20);
  ASSERT_EQ(c.placement.path_rules.size(), 2u);
  EXPECT_EQ(c.placement.path_rules[0].glob, "/archive/**");
  EXPECT_EQ(c.placement.path_rules[0].prefer, (std::vector<std::string>{"n3"}));
  EXPECT_EQ(c.placement.path_rules[0].avoid, (std::vector<std::string>{"n1", "n2"}));
  EXPECT_TRUE(c.placement.path_rules[0].forbid.empty());
  EXPECT_EQ(c.placement.path_rules[1].glob, "/tmp/**");
  EXPECT_EQ(c.placement.path_rules[1].forbid, (std::vector<std::string>{"n3"}));
  EXPECT_EQ(c.replication.default_copies, 2);
  ASSERT_EQ(c.replication.rules.size(), 2u);
  EXPECT_EQ(c.replication.rules[0].glob, "/archive/**");
  EXPECT_EQ(c.replication.rules[0].copies, 3);
  EXPECT_EQ(c.replication.rules[1].copies, 1);
  EXPECT_EQ(c.rereplicate_after, std::chrono::seconds(60));
  EXPECT_EQ(c.replication_workers, 8);
  EXPECT_EQ(c.unknown_files, meta::UnknownFilePolicy::Quarantine);
  EXPECT_EQ(c.scrub_interval, std::chrono::seconds(86400));
}

TEST_F(ClusterConfigTest, EveryRuleNameIsAccepted) {
  const ClusterConfig c =
      parse("[placement]\nupload = [\"path\", \"free_space\", \"transfers\", \"bandwidth\", \"spread\", \"lru\"]\n");
  EXPECT_EQ(c.placement.upload, (std::vector<Rule>{Rule::PathRules, Rule::FreeSpace, Rule::Transfers,
                                                   Rule::Bandwidth, Rule::Spread, Rule::Lru}));
}

TEST_F(ClusterConfigTest, ZeroFreeSpaceFloorAndAdopt) {
  const ClusterConfig c = parse("[placement]\nmin_free_mb = 0\n[cluster]\nunknown_files = \"adopt\"\n");
  EXPECT_EQ(c.placement.min_free_bytes, 0u);
  EXPECT_EQ(c.unknown_files, meta::UnknownFilePolicy::Adopt);
}

TEST_F(ClusterConfigTest, UnknownRuleNamesTheFileKeyAndChoices) {
  EXPECT_TRUE(HasSubstr(error("[placement]\nupload = [\"path\", \"foo\"]\n"),
                        "master.toml: [placement] upload: unknown rule \"foo\" "
                        "(use path, free_space, transfers, bandwidth, spread, lru)"));
  EXPECT_TRUE(HasSubstr(error("[placement]\ndownload = [\"Free_Space\"]\n"),
                        "[placement] download: unknown rule \"Free_Space\""));
}

TEST_F(ClusterConfigTest, BadRuleLists) {
  EXPECT_TRUE(HasSubstr(error("[placement]\nupload = []\n"), "master.toml: [placement] upload must list at least one rule"));
  EXPECT_TRUE(HasSubstr(error("[placement]\ndownload = \"lru\"\n"), "[placement] download must be an array of strings"));
  EXPECT_TRUE(HasSubstr(error("[placement]\nupload = [\"lru\", 3]\n"), "[placement] upload must be an array of strings"));
  EXPECT_TRUE(HasSubstr(error("[placement]\nupload = [\"lru\", \"path\", \"lru\"]\n"),
                        "[placement] upload: rule \"lru\" is listed twice"));
}

TEST_F(ClusterConfigTest, NumbersOutOfRange) {
  EXPECT_TRUE(HasSubstr(error("[placement]\nmin_free_mb = -1\n"), "[placement] min_free_mb must be an integer from 0"));
  EXPECT_TRUE(HasSubstr(error("[replication]\ndefault = 0\n"),
                        "master.toml: [replication] default must be an integer from 1 to 16"));
  EXPECT_TRUE(HasSubstr(error("[replication]\ndefault = 17\n"), "[replication] default must be an integer from 1 to 16"));
  EXPECT_TRUE(HasSubstr(error("[replication]\nworkers = 0\n"), "[replication] workers must be an integer from 1 to 64"));
  EXPECT_TRUE(HasSubstr(error("[replication]\nworkers = 65\n"), "[replication] workers must be an integer from 1 to 64"));
  EXPECT_TRUE(HasSubstr(error("[replication]\ngrace_seconds = -5\n"), "[replication] grace_seconds must be an integer"));
  EXPECT_TRUE(HasSubstr(error("[scrub]\ninterval_seconds = \"daily\"\n"), "[scrub] interval_seconds must be an integer"));
  EXPECT_TRUE(HasSubstr(error("[[replication.rule]]\nglob = \"/a/**\"\ncopies = 0\n"),
                        "master.toml: [[replication.rule]] #1 copies must be an integer from 1 to 16"));
  EXPECT_TRUE(HasSubstr(error("[[replication.rule]]\nglob = \"/a/**\"\ncopies = 2\n"
                              "[[replication.rule]]\nglob = \"/b/**\"\ncopies = 17\n"),
                        "[[replication.rule]] #2 copies must be an integer from 1 to 16"));
  EXPECT_EQ(error("[replication]\ndefault = 16\nworkers = 64\n[[replication.rule]]\nglob = \"/a\"\ncopies = 16\n"), "");
}

TEST_F(ClusterConfigTest, RulesNeedAnAbsoluteGlob) {
  EXPECT_TRUE(HasSubstr(error("[[placement.path]]\nglob = \"archive/**\"\nprefer = [\"n1\"]\n"),
                        "master.toml: [[placement.path]] #1 glob must be an absolute path pattern starting with '/'"));
  EXPECT_TRUE(HasSubstr(error("[[placement.path]]\nglob = \"\"\nprefer = [\"n1\"]\n"),
                        "[[placement.path]] #1 glob must be an absolute path pattern"));
  EXPECT_TRUE(HasSubstr(error("[[placement.path]]\nprefer = [\"n1\"]\n"), "[[placement.path]] #1 glob is required"));
  EXPECT_TRUE(HasSubstr(error("[[replication.rule]]\nglob = \"*.iso\"\ncopies = 2\n"),
                        "[[replication.rule]] #1 glob must be an absolute path pattern"));
  EXPECT_TRUE(HasSubstr(error("[[replication.rule]]\nglob = \"/a\"\n"), "[[replication.rule]] #1 copies is required"));
}

TEST_F(ClusterConfigTest, PathRuleShapes) {
  EXPECT_TRUE(HasSubstr(error("[[placement.path]]\nglob = \"/a/**\"\nprefers = [\"n1\"]\n"),
                        "master.toml: [[placement.path]] #1 names no node in prefer, avoid or forbid"));
  EXPECT_TRUE(HasSubstr(error("[[placement.path]]\nglob = \"/a/**\"\nforbid = \"n1\"\n"),
                        "[[placement.path]] #1 forbid must be an array of strings"));
  EXPECT_TRUE(HasSubstr(error("[placement.path]\nglob = \"/a/**\"\nprefer = [\"n1\"]\n"),
                        "master.toml: placement.path must be written as [[placement.path]] tables"));
}

TEST_F(ClusterConfigTest, UnknownFilesPolicy) {
  EXPECT_TRUE(HasSubstr(error("[cluster]\nunknown_files = \"delete\"\n"),
                        "master.toml: [cluster] unknown_files must be \"adopt\" or \"quarantine\""));
}

TEST_F(ClusterConfigTest, MasterConfigReadsTheClusterSections) {
  const auto file = write(R"(
[link]
key = "0123456789abcdef0123"

[placement]
upload = ["spread", "lru"]
min_free_mb = 10

[[placement.path]]
glob = "/iso/**"
prefer = ["n2"]

[replication]
default = 2
workers = 4

[[replication.rule]]
glob = "/iso/**"
copies = 3

[cluster]
unknown_files = "quarantine"

[scrub]
interval_seconds = 3600
)");
  const MasterConfig m = load_master_config(file);
  EXPECT_EQ(m.cluster.placement.upload, (std::vector<Rule>{Rule::Spread, Rule::Lru}));
  EXPECT_EQ(m.cluster.placement.min_free_bytes, 10ull << 20);
  ASSERT_EQ(m.cluster.placement.path_rules.size(), 1u);
  EXPECT_EQ(m.cluster.placement.path_rules[0].prefer, (std::vector<std::string>{"n2"}));
  EXPECT_EQ(m.cluster.replication.default_copies, 2);
  EXPECT_EQ(m.cluster.replication.rules.size(), 1u);
  EXPECT_EQ(m.cluster.replication_workers, 4);
  EXPECT_EQ(m.cluster.unknown_files, meta::UnknownFilePolicy::Quarantine);
  EXPECT_EQ(m.cluster.scrub_interval, std::chrono::seconds(3600));
  EXPECT_EQ(m.link_key, "0123456789abcdef0123");
}

TEST_F(ClusterConfigTest, MasterConfigRejectsABadClusterSection) {
  const auto file = write("[link]\nkey = \"0123456789abcdef0123\"\n[replication]\nworkers = 100\n");
  try {
    load_master_config(file);
    FAIL() << "expected an error";
  } catch (const std::runtime_error& e) {
    EXPECT_TRUE(HasSubstr(e.what(), "[replication] workers must be an integer from 1 to 64"));
  }
}

}  // namespace
}  // namespace fleet::config
