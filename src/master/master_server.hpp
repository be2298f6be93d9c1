// MasterServer: the master process. Owns the metadata store, the node
// registry, the node-link server, the FTP control listener and the optional
// HTTP status endpoint, all on one event loop.
#pragma once

#include <asio.hpp>
#include <memory>

#include "config/master_config.hpp"

namespace fleet::master {

class MasterServer {
 public:
  MasterServer(asio::io_context& io, config::MasterConfig config);
  ~MasterServer();

  // Opens the store and binds every listener; throws std::runtime_error with
  // an operator-readable message when something is wrong (port taken, bad DB).
  void start();
  void stop();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace fleet::master
