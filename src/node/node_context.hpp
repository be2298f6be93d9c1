// NodeContext: what outlives any one link to the master — the settings, the
// storage, the rotating passive port cursor, the disk thread (whole-file
// reads and file operations, kept off the event loop) and the byte totals
// the heartbeats report, and where this node takes handed-off connections.
#pragma once

#include <asio.hpp>
#include <cstdint>

#include "config/node_config.hpp"
#include "net/passive_listener.hpp"
#include "node/storage.hpp"

namespace fleet::node {

struct NodeContext {
  explicit NodeContext(config::NodeConfig settings, std::shared_ptr<DiskIo> io = system_disk_io())
      : config(std::move(settings)), storage(config.root, std::move(io)), ports(config.passive_ports) {}

  config::NodeConfig config;
  Storage storage;
  net::PortCursor ports;
  // One thread: file operations run in the order the master sent them.
  asio::thread_pool disk{1};
  std::uint64_t bytes_sent = 0;  // by finished transfers since the process started
  std::uint64_t bytes_received = 0;
  // Same-host socket handoff (net/socket_handoff.hpp); both empty when off.
  std::string handoff_scope;
  std::string handoff_name;
};

}  // namespace fleet::node
