// The subcommands behind src/cli/commands.cpp, one file each.
#pragma once

#include <cstdint>
#include <string>

namespace fleet::cli {

struct UpOptions {
  std::string state_dir = "var";
  std::uint16_t port = 2121;
  int nodes = 2;
  std::string epsv = "refuse";
  std::string log_level = "info";
};

struct UserOptions {
  std::string name;
  std::string state_dir;
  std::string config;
  std::string home = "/";
  bool password_stdin = false;
};

int run_master(const std::string& config_file);
int run_node(const std::string& config_file);
int run_up(const UpOptions& options);
int user_add_cmd(const UserOptions& options);
int user_list_cmd(const UserOptions& options);
int user_del_cmd(const UserOptions& options);

}  // namespace fleet::cli
