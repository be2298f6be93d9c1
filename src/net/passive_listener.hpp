// PassiveListener: a listener for one passive-mode data connection, on a free
// port from a configured range, bound on one or two local addresses with the
// same port (the node's own address and, optionally, the public/virtual one).
// Accepts only a connection from the allowed IP (anti-theft, DESIGN §4);
// connections from elsewhere are closed and waiting continues.
//
// Until accept() has to wait, the listening sockets stay outside the event
// loop ("parked"): the kernel completes a client's connection and queues it
// without waking the process. A pooled listener's client connects while its
// transfer command is still on the way to the master; the node then takes
// the queued connection when the transfer starts, woken once per transfer
// instead of twice.
#pragma once

#include <asio.hpp>
#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "net/port_range.hpp"
#include "net/unique_fd.hpp"

namespace fleet::net {

// Rotates through a port range so consecutive listeners use different ports.
class PortCursor {
 public:
  explicit PortCursor(PortRange range) : range_(range), next_(range.first) {}
  std::uint16_t next();
  const PortRange& range() const { return range_; }

 private:
  PortRange range_;
  std::uint16_t next_;
};

class PassiveListener {
 public:
  // Opens listeners on `addresses` (1 or 2 entries; empty strings skipped) on the
  // first port from `cursor` free on all of them. nullptr if the range is exhausted.
  static std::unique_ptr<PassiveListener> open(asio::any_io_executor ex, PortCursor& cursor,
                                               const std::vector<std::string>& addresses);

  ~PassiveListener();
  PassiveListener(const PassiveListener&) = delete;
  PassiveListener& operator=(const PassiveListener&) = delete;

  std::uint16_t port() const { return port_; }

  // A connection from `allowed_ip` ("" accepts anyone): one already queued,
  // or else the next to arrive before `timeout`. nullopt on timeout, close()
  // or error. Connections from other addresses are closed, and waiting
  // continues.
  asio::awaitable<std::optional<asio::ip::tcp::socket>> accept(std::string allowed_ip,
                                                               std::chrono::milliseconds timeout);
  void close();

 private:
  struct Parked {
    UniqueFd fd;
    asio::ip::tcp protocol;
  };

  PassiveListener(asio::any_io_executor ex, std::vector<Parked> parked, std::uint16_t port);

  // The first queued connection from `allowed`, without waiting.
  std::optional<asio::ip::tcp::socket> take_queued(const std::optional<asio::ip::address>& allowed,
                                                   const std::string& allowed_ip);
  // Hands the parked sockets to the event loop, to wait on them.
  bool watch();

  asio::any_io_executor ex_;
  std::vector<Parked> parked_;
  std::vector<asio::ip::tcp::acceptor> acceptors_;  // the same sockets once watched
  std::uint16_t port_;
};

// True when `socket`'s peer is `allowed_ip` ("" allows anyone); an IPv4 peer
// seen as v4-mapped IPv6 counts as its IPv4 address.
bool comes_from(const asio::ip::tcp::socket& socket, const std::string& allowed_ip);

}  // namespace fleet::net
