// Requests from the master to one node over its link, with the node looked up
// by name at call time (it may have gone away) and every failure turned into a
// readable error. Shared by FTP sessions and the background cluster jobs.
#pragma once

#include <asio.hpp>
#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "master/node_registry.hpp"

namespace fleet::master {

inline constexpr std::chrono::seconds kNodeCallTimeout{10};

// Opens a passive listener for `ticket` on `node` accepting only `allowed_ip`.
// Returns the port, or nullopt with `error` set.
asio::awaitable<std::optional<std::uint16_t>> node_open_passive(NodeRegistry& nodes, const std::string& node,
                                                                std::uint64_t ticket, const std::string& allowed_ip,
                                                                std::chrono::milliseconds accept_timeout,
                                                                std::string& error);

// The OpenPassive event that gives `ticket` the node's pooled listener on
// `port` (taken from NodeInfo::pooled_ports): no reply, so PASV costs no
// round trip.
link::Envelope pooled_open(std::uint64_t ticket, const std::string& allowed_ip,
                           std::chrono::milliseconds accept_timeout, std::uint16_t port);

// Prepares `ticket` on `node` to take a client's connection handed over by a
// node of the same host (no TCP listener); false with `error` set on failure.
asio::awaitable<bool> node_expect_handoff(NodeRegistry& nodes, const std::string& node, std::uint64_t ticket,
                                          const std::string& allowed_ip, std::chrono::milliseconds accept_timeout,
                                          std::string& error);

// Starts a transfer; ok=false with the reason if the node refused, did not
// answer or is offline.
asio::awaitable<link::OpResult> node_start_transfer(NodeRegistry& nodes, const std::string& node,
                                                    link::StartTransfer start);

// Runs a file operation; ok=false with the reason on failure (not_found set
// when the node says the path does not exist).
asio::awaitable<link::OpResult> node_file_op(NodeRegistry& nodes, const std::string& node, link::FileOp op,
                                             std::chrono::milliseconds timeout = kNodeCallTimeout);

link::FileOp make_file_op(link::FileOpKind kind, std::string path, std::string path2 = {});

// Waits for the completion of one ticket. Create it (which starts watching)
// before starting the transfer, so a fast completion is not missed.
class TicketWait {
 public:
  TicketWait(asio::any_io_executor ex, NodeRegistry& nodes, const std::string& node, std::uint64_t ticket);
  // The outcome, or a failure after `timeout`.
  asio::awaitable<TransferOutcome> wait(std::chrono::milliseconds timeout);
  // For a transfer that could not be started.
  void cancel();

 private:
  struct State {
    explicit State(asio::any_io_executor ex) : timer(ex) {}
    asio::steady_timer timer;
    std::optional<TransferOutcome> outcome;
  };
  NodeRegistry& nodes_;
  std::uint64_t ticket_;
  std::shared_ptr<State> state_;
};

}  // namespace fleet::master
