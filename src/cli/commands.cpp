#include "cli/commands.hpp"

#include <CLI/CLI.hpp>

#include <iostream>

#include "cli/subcommands.hpp"

namespace fleet::cli {

int run(int argc, char** argv) {
  CLI::App app{"fleetftp — a distributed FTP server: one master, many storage nodes"};
  app.require_subcommand(1);

  std::string config;
  auto* master = app.add_subcommand("master", "Run the master (FTP control, namespace, users)");
  master->add_option("--config", config, "master TOML file")->required()->check(CLI::ExistingFile);

  auto* node = app.add_subcommand("node", "Run a storage node");
  node->add_option("--config", config, "node TOML file")->required()->check(CLI::ExistingFile);

  UpOptions up_opts;
  auto* up = app.add_subcommand("up", "Start the embedded default: a master and N nodes on loopback");
  up->add_option("--state-dir", up_opts.state_dir, "metadata, node data and logs")->capture_default_str();
  up->add_option("--port", up_opts.port, "FTP port of the master")->capture_default_str()->check(CLI::Range(1, 60000));
  up->add_option("--nodes", up_opts.nodes, "number of storage nodes")->capture_default_str()->check(CLI::Range(1, 50));
  up->add_option("--epsv", up_opts.epsv, "EPSV policy: refuse, relay or node-ports")
      ->capture_default_str()
      ->check(CLI::IsMember({"refuse", "relay", "node-ports"}));
  up->add_option("--log-level", up_opts.log_level, "debug, info, warn or error")->capture_default_str();
  up->add_option("--extra-config", up_opts.extra_config,
                 "TOML merged into the generated master.toml (its keys win, also in [ftp])")
      ->check(CLI::ExistingFile);

  UserOptions user_opts;
  auto* user = app.add_subcommand("user", "Manage FTP users");
  user->require_subcommand(1);
  auto add_store_options = [&user_opts](CLI::App* cmd) {
    auto* sd = cmd->add_option("--state-dir", user_opts.state_dir, "state dir of `fleetftp up` (default var)");
    auto* cf = cmd->add_option("--config", user_opts.config, "master TOML file")->check(CLI::ExistingFile);
    sd->excludes(cf);
  };
  auto* user_add = user->add_subcommand("add", "Add a user (password read from standard input)");
  user_add->add_option("name", user_opts.name, "user name")->required();
  user_add->add_flag("--password-stdin", user_opts.password_stdin, "read the password from standard input");
  user_add->add_option("--home", user_opts.home, "home directory in the namespace")->capture_default_str();
  add_store_options(user_add);
  auto* user_list = user->add_subcommand("list", "List users");
  add_store_options(user_list);
  auto* user_del = user->add_subcommand("del", "Delete a user");
  user_del->add_option("name", user_opts.name, "user name")->required();
  add_store_options(user_del);

  const BenchCommand bench = add_bench_command(app);
  const MetaFillCommand meta_fill = add_meta_fill_command(app);

  AdminOptions admin;
  auto admin_target = [&admin](CLI::App* cmd) {
    auto* sd = cmd->add_option("--state-dir", admin.state_dir, "state dir of `fleetftp up` (default var)");
    auto* cf = cmd->add_option("--config", admin.config, "the master's TOML file")->check(CLI::ExistingFile);
    sd->excludes(cf);
  };
  auto* nodes = app.add_subcommand("nodes", "Storage nodes of a running master");
  nodes->require_subcommand(1);
  auto* nodes_list = nodes->add_subcommand("list", "State, space, load and files of every node");
  admin_target(nodes_list);
  auto* nodes_drain = nodes->add_subcommand("drain", "Move every file off a node (before decommissioning it)");
  nodes_drain->add_option("node", admin.node, "node name")->required();
  nodes_drain->add_flag("--wait", admin.wait, "follow the progress until the drain ends");
  admin_target(nodes_drain);
  auto* nodes_select = nodes->add_subcommand("select", "Show how placement scores the nodes for a path");
  nodes_select->add_option("direction", admin.direction, "up (upload) or down (download)")
      ->required()
      ->check(CLI::IsMember({"up", "down"}));
  nodes_select->add_option("path", admin.path, "path in the namespace")->required();
  admin_target(nodes_select);
  auto* rebalance = app.add_subcommand("rebalance", "Even out the data held by the nodes");
  rebalance->add_flag("--wait", admin.wait, "follow the progress until it ends");
  admin_target(rebalance);
  auto* scrub = app.add_subcommand("scrub", "Check every copy's CRC-32 and repair bad copies");
  scrub->add_flag("--wait", admin.wait, "follow the progress until it ends");
  admin_target(scrub);

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e);
  }

  try {
    if (*master) return run_master(config);
    if (*node) return run_node(config);
    if (*up) return run_up(up_opts);
    if (*user_add) return user_add_cmd(user_opts);
    if (*user_list) return user_list_cmd(user_opts);
    if (*user_del) return user_del_cmd(user_opts);
    if (*nodes_list) return nodes_list_cmd(admin);
    if (*nodes_drain) return nodes_drain_cmd(admin);
    if (*nodes_select) return nodes_select_cmd(admin);
    if (*rebalance) return rebalance_cmd(admin);
    if (*scrub) return scrub_cmd(admin);
    if (*bench.app) return bench.run();
    if (*meta_fill.app) return meta_fill.run();
  } catch (const std::exception& e) {
    std::cerr << "fleetftp: " << e.what() << "\n";
    return 1;
  }
  return 0;
}

}  // namespace fleet::cli
