// `fleetftp master` and `fleetftp node`: load the config, run one event loop
// until SIGINT/SIGTERM.
#include <asio.hpp>
#include <csignal>
#include <spdlog/spdlog.h>

#include "cli/subcommands.hpp"
#include "common/logging.hpp"
#include "config/master_config.hpp"
#include "config/node_config.hpp"
#include "master/master_server.hpp"
#include "net/spawn.hpp"
#include "node/node_server.hpp"

namespace fleet::cli {

namespace {
// Runs the event loop until SIGINT/SIGTERM, then lets `server` stop.
template <typename Server>
int run_until_signal(asio::io_context& io, Server& server, const char* what) {
  asio::signal_set signals(io, SIGINT, SIGTERM);
  signals.async_wait([&](std::error_code, int sig) {
    spdlog::info("signal {} received; stopping", sig);
    server.stop();
    io.stop();
  });
  io.run();
  spdlog::info("{} stopped", what);
  return 0;
}
}  // namespace

int run_master(const std::string& config_file) {
  auto config = config::load_master_config(config_file);
  setup_logging(config.log_level, "master");
  // Peers that vanish mid-write must give an error, not kill the process.
  std::signal(SIGPIPE, SIG_IGN);
  asio::io_context io(1);
  master::MasterServer server(io, config);
  server.start();
  return run_until_signal(io, server, "master");
}

int run_node(const std::string& config_file) {
  auto config = config::load_node_config(config_file);
  setup_logging(config.log_level, "node " + config.name);
  std::signal(SIGPIPE, SIG_IGN);
  asio::io_context io(1);
  node::NodeServer server(io, config);
  // A node whose main loop died serves nothing: exit with an error, so that
  // whatever supervises the process starts it again.
  bool failed = false;
  net::spawn(io, server.run(), "node " + config.name, [&] {
    failed = true;
    server.stop();
    io.stop();
  });
  const int status = run_until_signal(io, server, "node");
  return failed ? 1 : status;
}

}  // namespace fleet::cli
