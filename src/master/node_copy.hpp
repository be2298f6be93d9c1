// Copies one file from one node to another, node to node (the master only
// directs: the source listens, the target dials it and stores the file, as in
// PORT mode). The target's CRC-32 of what it stored comes back for checking.
#pragma once

#include <asio.hpp>
#include <chrono>
#include <cstdint>
#include <string>

#include "master/node_registry.hpp"

namespace fleet::master {

struct CopyResult {
  bool ok = false;
  std::string error;
  std::uint64_t size = 0;
  std::uint32_t crc32 = 0;
};

asio::awaitable<CopyResult> copy_between_nodes(asio::any_io_executor ex, NodeRegistry& nodes, const std::string& path,
                                               const std::string& from, const std::string& to,
                                               std::chrono::milliseconds timeout);

}  // namespace fleet::master
