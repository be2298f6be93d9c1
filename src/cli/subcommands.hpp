// The subcommands behind src/cli/commands.cpp, one file each.
#pragma once

#include <cstdint>
#include <functional>
#include <string>

namespace CLI {
class App;
}

namespace fleet::cli {

struct UpOptions {
  std::string state_dir = "var";
  std::uint16_t port = 2121;
  int nodes = 2;
  std::string epsv = "refuse";
  std::string log_level = "info";
  std::string extra_config;
};

// Where the admin commands find the master: its config file, directly or as
// the master.toml of an `up` state dir.
struct AdminOptions {
  std::string state_dir;
  std::string config;
  std::string node;
  std::string direction;
  std::string path;
  bool wait = false;
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
int nodes_list_cmd(const AdminOptions& options);
int nodes_drain_cmd(const AdminOptions& options);
int nodes_select_cmd(const AdminOptions& options);
int rebalance_cmd(const AdminOptions& options);
int scrub_cmd(const AdminOptions& options);

// `fleetftp bench` (bench_command.cpp) registers its own options; `run` is
// called when it was the chosen subcommand.
struct BenchCommand {
  CLI::App* app;
  std::function<int()> run;
};
BenchCommand add_bench_command(CLI::App& app);

// `fleetftp meta-fill` (meta_fill_command.cpp), registered the same way.
struct MetaFillCommand {
  CLI::App* app;
  std::function<int()> run;
};
MetaFillCommand add_meta_fill_command(CLI::App& app);

}  // namespace fleet::cli
