// PooledPorts: the master's half of a node's listener pool (link.proto
// PassivePool, node/listener_pool.hpp): the ports of listeners the node has
// open and waiting. PASV takes one without asking the node; each is used
// once, and the node announces a fresh one in its place.
//
// What the node says is checked: a port is a real port, is held once, and
// the pool has a size limit.
#pragma once

#include <cstddef>
#include <cstdint>
#include <deque>
#include <optional>

namespace fleet::master {

class PooledPorts {
 public:
  static constexpr std::size_t kMaxPorts = 1024;

  // The node has a listener waiting on `port`.
  void add(std::uint32_t port);
  // A waiting port, now taken; nullopt when there is none.
  std::optional<std::uint16_t> take();

  std::size_t size() const { return waiting_.size(); }

 private:
  // Oldest first, so the ports are used in the order the node opened them.
  std::deque<std::uint16_t> waiting_;
};

}  // namespace fleet::master
