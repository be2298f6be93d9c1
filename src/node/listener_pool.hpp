// ListenerPool: passive listeners a node opens ahead of time for one master
// link and announces to it (link.proto PassivePool). The master then answers
// PASV at once, with no round trip to the node, which is most of the cost of
// a small file. A listener's client connects before the master has told the
// node what for; the connection waits in the kernel's queue, and the node
// takes it when the transfer starts (see PassiveListener).
//
// Each listener serves one ticket, as one opened on request would: the
// ticket takes it out of the pool and closes it when done. Fresh ones (the
// next ports of the rotating range) replace the used ones in batches, once
// half the pool is gone, so that most transfers open no listener and send no
// announcement. A client that connects late to a port it was given earlier
// finds it closed, never another transfer's listener.
#pragma once

#include <asio.hpp>
#include <cstddef>
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "net/passive_listener.hpp"

namespace fleet::node {

class ListenerPool {
 public:
  // Opens up to `size` listeners on `addresses` with ports from `cursor`,
  // which must outlive the pool.
  ListenerPool(asio::any_io_executor ex, net::PortCursor& cursor, std::vector<std::string> addresses,
               std::size_t size);

  ListenerPool(const ListenerPool&) = delete;
  ListenerPool& operator=(const ListenerPool&) = delete;

  // Ports of the listeners waiting in the pool.
  std::vector<std::uint16_t> ports() const;

  // The listener on `port`, now the caller's; nullptr when the pool has none
  // there (never announced, or taken already).
  std::unique_ptr<net::PassiveListener> take(std::uint16_t port);

  // Opens listeners until `size` wait again; returns their ports (fewer, or
  // none, when the port range has no free port now).
  std::vector<std::uint16_t> refill();

  // Half the pool or more has been taken: time for refill().
  bool low() const { return idle_.size() <= size_ / 2; }

  void close() { idle_.clear(); }

 private:
  asio::any_io_executor ex_;
  net::PortCursor& cursor_;
  std::vector<std::string> addresses_;
  std::size_t size_;
  std::map<std::uint16_t, std::unique_ptr<net::PassiveListener>> idle_;
};

}  // namespace fleet::node
