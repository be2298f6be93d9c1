// Settings of a storage node process (`fleetftp node --config FILE`).
// Every field is documented, with its default, in docs/CONFIG.md.
#pragma once

#include <chrono>
#include <filesystem>
#include <string>

#include "config/port_range.hpp"

namespace fleet::config {

struct NodeConfig {
  std::string name;                        // [node] name — unique in the cluster (required)
  std::filesystem::path root;              // [node] root — files live here at their VFS paths (required)
  std::string master_host = "127.0.0.1";   // [node] master = "host:port" of the master's node link
  std::uint16_t master_port = 2122;
  std::string link_key;                    // [node] link_key or link_key_file (required)
  std::string data_address = "127.0.0.1"; // [data] address: listen on / dial from for data connections
  std::string public_address;              // [data] public_address: also listen here (virtual address)
  PortRange passive_ports{30000, 30999};   // [data] passive_ports
  bool handoff = true;                     // [data] handoff: take/give client connections from/to nodes on this host
  std::uint32_t passive_pool = 16;         // [data] passive_pool: listeners kept open per master link (0 = none)
  std::chrono::milliseconds reconnect_delay{1000};  // [node] reconnect_delay_ms
  bool sync_uploads = false;               // [node] sync_uploads: the 226 waits until the upload is on disk
  std::string log_level = "info";          // [log] level
};

// Reads and validates a node config file; throws std::runtime_error with a
// message naming the file and the bad setting.
NodeConfig load_node_config(const std::filesystem::path& file);

}  // namespace fleet::config
