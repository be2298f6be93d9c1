// PassiveListener: a listener for one passive-mode data connection, on a free
// port from a configured range, bound on one or two local addresses with the
// same port (the node's own address and, optionally, the public/virtual one).
// Accepts only a connection from the allowed IP (anti-theft, DESIGN §4);
// connections from elsewhere are closed and waiting continues.
#pragma once

#include <asio.hpp>
#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "config/port_range.hpp"

namespace fleet::net {

// Rotates through a port range so consecutive listeners use different ports.
class PortCursor {
 public:
  explicit PortCursor(config::PortRange range) : range_(range), next_(range.first) {}
  std::uint16_t next();
  const config::PortRange& range() const { return range_; }

 private:
  config::PortRange range_;
  std::uint16_t next_;
};

class PassiveListener {
 public:
  // Opens listeners on `addresses` (1 or 2 entries; empty strings skipped) on the
  // first port from `cursor` free on all of them. nullopt if the range is exhausted.
  static std::unique_ptr<PassiveListener> open(asio::any_io_executor ex, PortCursor& cursor,
                                               const std::vector<std::string>& addresses);

  ~PassiveListener();
  PassiveListener(const PassiveListener&) = delete;
  PassiveListener& operator=(const PassiveListener&) = delete;

  std::uint16_t port() const { return port_; }

  // Starts accepting now, before anyone asks, and keeps the first connection
  // (from any address) for accept(). For a pooled listener: its client
  // connects while its transfer command is still on the way to the master,
  // and the node, woken by that connection anyway, accepts it then instead of
  // when the transfer starts.
  void accept_early();
  // A connection accepted early waits for accept().
  bool connection_waiting() const;

  // Waits for a connection from `allowed_ip` ("" accepts anyone) until
  // `timeout`; nullopt on timeout, close() or error. A connection accepted
  // early from another address is closed, and waiting continues.
  asio::awaitable<std::optional<asio::ip::tcp::socket>> accept(std::string allowed_ip,
                                                               std::chrono::milliseconds timeout);
  void close();

 private:
  struct Early;

  PassiveListener(std::vector<asio::ip::tcp::acceptor> acceptors, std::uint16_t port);

  std::vector<asio::ip::tcp::acceptor> acceptors_;
  std::uint16_t port_;
  std::shared_ptr<Early> early_;  // set by accept_early()
};

// True when `socket`'s peer is `allowed_ip` ("" allows anyone); an IPv4 peer
// seen as v4-mapped IPv6 counts as its IPv4 address.
bool comes_from(const asio::ip::tcp::socket& socket, const std::string& allowed_ip);

}  // namespace fleet::net
