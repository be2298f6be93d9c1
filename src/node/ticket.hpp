// Ticket: everything the node holds for one of the master's tickets — the
// passive listener, the client's data connection, a connection to a peer node
// and the progress of the transfer — kept together so that AbortTransfer or a
// lost link can close all of it at once.
#pragma once

#include <asio.hpp>
#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "net/passive_listener.hpp"
#include "node/stall_watch.hpp"

namespace fleet::node {

class Ticket {
 public:
  using Clock = std::chrono::steady_clock;

  // wake_ never expires: it is a condition that notify() signals by
  // cancelling every wait on it.
  Ticket(asio::any_io_executor ex, std::uint64_t id) : id_(id), wake_(ex) {
    wake_.expires_at(asio::steady_timer::time_point::max());
  }

  std::uint64_t id() const { return id_; }
  asio::any_io_executor executor() { return wake_.get_executor(); }

  // Passive mode: the listener, and until when a connection (and then a
  // StartTransfer) may arrive.
  std::unique_ptr<net::PassiveListener> listener;
  bool pooled = false;  // the listener came from the node's pool, which may need a refill when it ends
  Clock::time_point deadline = Clock::time_point::max();
  bool accepting = false;
  // Handoff instead of a listener: a node of this host passes the client's
  // connection, which must come from `allowed_ip` ("" = anyone).
  bool awaits_handoff = false;
  std::string allowed_ip;

  std::optional<asio::ip::tcp::socket> data;  // the client's data connection
  std::optional<asio::ip::tcp::socket> peer;  // RELAY_*: the other node
  bool started = false;                       // a StartTransfer was accepted
  bool aborted = false;                       // AbortTransfer or link loss
  bool sending = true;                        // direction of `bytes` for the heartbeat totals
  std::uint64_t bytes = 0;                    // moved on the data connection so far
  std::string client;                         // the data connection's remote IP, for the log
  // Started once the data connection is up (run_transfer); the session looks
  // at it every second. `stalled`: it fired and closed the connections.
  StallWatch watch;
  bool stalled = false;

  // The passive accept has ended, with or without a connection.
  void accept_finished(std::optional<asio::ip::tcp::socket> socket);

  // Waits for the accept to end (or the ticket to be aborted); true when a
  // data connection is there to use.
  asio::awaitable<bool> wait_for_data();

  // Waits until `until`, or until something about the ticket changes. Any
  // number of coroutines may wait at once.
  asio::awaitable<void> wait_for_change(Clock::time_point until);

  // Closes the listener and every socket; everything waiting on the ticket
  // wakes up and sees `aborted`.
  void abort();

  // No byte moved for the data timeout: closes the data connections, so the
  // transfer ends with an error and reports `stalled`.
  void stall();

  // Wakes everything that waits in wait_for_change().
  void notify() { wake_.cancel(); }

 private:
  std::uint64_t id_;
  asio::steady_timer wake_;
};

}  // namespace fleet::node
