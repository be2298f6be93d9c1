// NodeServer: the storage node process. Dials the master's node link,
// authenticates, reports disk space and its inventory, sends heartbeats, and
// serves the master's requests: passive listeners, transfers (file <-> data
// connection with zero-copy where possible), and file operations under its
// root. Reconnects by itself whenever the link drops. One failed operation
// fails only that operation.
#pragma once

#include <asio.hpp>
#include <memory>

#include "config/node_config.hpp"
#include "node/disk_io.hpp"

namespace fleet::node {

class NodeServer {
 public:
  // `disk` is the file system its transfers use; tests pass a faulty one.
  NodeServer(asio::io_context& io, config::NodeConfig config, std::shared_ptr<DiskIo> disk = system_disk_io());
  ~NodeServer();

  // Runs until stop(): connect, serve, reconnect after the delay on loss.
  asio::awaitable<void> run();
  void stop();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace fleet::node
