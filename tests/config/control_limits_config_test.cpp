// The [ftp] bounds on one client in master.toml: defaults, every key, and the
// ranges each accepts.
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

using namespace std::chrono_literals;
constexpr const char* kLink = "[link]\nkey = \"0123456789abcdef0123\"\n";

class ControlLimitsConfigTest : public ::testing::Test {
 protected:
  ControlLimitsConfigTest() {
    std::random_device rd;
    dir_ = std::filesystem::temp_directory_path() /
           ("fleetftp-limits-config-" + std::to_string(::getpid()) + "-" + std::to_string(rd()) + std::to_string(rd()));
    std::filesystem::create_directories(dir_);
  }
  ~ControlLimitsConfigTest() override {
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
  }

  ControlLimitsConfig parse(const std::string& ftp_keys) {
    const auto file = dir_ / "master.toml";
    std::ofstream(file) << kLink << "[ftp]\n" << ftp_keys;
    return load_master_config(file).control;
  }

  std::string error(const std::string& ftp_keys) {
    try {
      parse(ftp_keys);
    } catch (const std::runtime_error& e) {
      return e.what();
    }
    return "";
  }

  std::filesystem::path dir_;
};

TEST_F(ControlLimitsConfigTest, DefaultsBoundEveryClient) {
  const auto c = parse("");
  const ControlLimitsConfig defaults;
  EXPECT_EQ(c.max_queued_lines, defaults.max_queued_lines);
  EXPECT_EQ(c.max_unsent_output, defaults.max_unsent_output);
  EXPECT_EQ(c.output_timeout, defaults.output_timeout);
  EXPECT_EQ(c.login_timeout, defaults.login_timeout);
  EXPECT_EQ(c.line_timeout, defaults.line_timeout);
  EXPECT_EQ(c.max_sessions_per_address, defaults.max_sessions_per_address);
  EXPECT_EQ(c.connections_per_second_per_address, defaults.connections_per_second_per_address);
  // None of them is off by default.
  EXPECT_GT(defaults.login_timeout.count(), 0);
  EXPECT_GT(defaults.line_timeout.count(), 0);
  EXPECT_GT(defaults.max_sessions_per_address, 0u);
  EXPECT_GT(defaults.connections_per_second_per_address, 0u);
}

TEST_F(ControlLimitsConfigTest, ReadsEveryKey) {
  const auto c = parse(
      "max_queued_lines = 7\nmax_unsent_output = 8192\noutput_timeout = 9\nlogin_timeout = 10\n"
      "line_timeout = 11\nmax_sessions_per_address = 12\nconnections_per_second_per_address = 13\n");
  EXPECT_EQ(c.max_queued_lines, 7u);
  EXPECT_EQ(c.max_unsent_output, 8192u);
  EXPECT_EQ(c.output_timeout, 9s);
  EXPECT_EQ(c.login_timeout, 10s);
  EXPECT_EQ(c.line_timeout, 11s);
  EXPECT_EQ(c.max_sessions_per_address, 12u);
  EXPECT_EQ(c.connections_per_second_per_address, 13u);
}

TEST_F(ControlLimitsConfigTest, ZeroTurnsOffWhatMayBeOff) {
  const auto c = parse(
      "login_timeout = 0\nline_timeout = 0\nmax_sessions_per_address = 0\nconnections_per_second_per_address = 0\n");
  EXPECT_EQ(c.login_timeout, 0s);
  EXPECT_EQ(c.line_timeout, 0s);
  EXPECT_EQ(c.max_sessions_per_address, 0u);
  EXPECT_EQ(c.connections_per_second_per_address, 0u);
}

TEST_F(ControlLimitsConfigTest, RefusesValuesThatWouldRemoveABound) {
  EXPECT_NE(error("max_queued_lines = 0\n").find("[ftp] max_queued_lines must be an integer from 1"),
            std::string::npos);
  EXPECT_NE(error("max_unsent_output = 100\n").find("[ftp] max_unsent_output must be an integer from 4096"),
            std::string::npos);
  EXPECT_NE(error("output_timeout = 0\n").find("[ftp] output_timeout must be at least 1 second"), std::string::npos);
  EXPECT_NE(error("line_timeout = -1\n").find("[ftp] line_timeout"), std::string::npos);
}

}  // namespace
}  // namespace fleet::config
