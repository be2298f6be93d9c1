// NodeGateway: everything a control session asks of the storage nodes —
// which nodes hold, serve and take files, passive listeners, transfers and
// their completion, file operations. The data-channel planner, the transfer
// router and the namespace operations talk to nodes only through it, so unit
// tests drive them against fake nodes; RegistryGateway implements it over
// the real NodeRegistry and node links.
//
// Used on the master's event loop only. Nodes are named; a node that went
// away answers as offline (false, nullopt, an error), never by throwing.
#pragma once

#include <asio.hpp>
#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "link.pb.h"
#include "master/transfer_outcome.hpp"

namespace fleet::master {

class NodeGateway {
 public:
  using DoneHandler = std::function<void(TransferOutcome)>;

  virtual ~NodeGateway() = default;

  // --- which nodes ---
  virtual std::size_t online_count() = 0;
  // Connected nodes (serving or still syncing), and nodes lost since start.
  virtual std::vector<std::string> connected_nodes() = 0;
  virtual std::vector<std::string> lost_nodes() = 0;
  virtual bool connected(const std::string& node) = 0;
  // Connected and serving (not syncing).
  virtual bool serves(const std::string& node) = 0;
  virtual bool draining(const std::string& node) = 0;
  // The serving node among `holders` to read `path` from.
  virtual std::optional<std::string> pick_holder(const std::vector<std::string>& holders, std::string_view path) = 0;
  // The node to take a new upload of `path`.
  virtual std::optional<std::string> pick_for_upload(std::string_view path) = 0;
  // Where clients and peers reach `node` ("" if it is gone).
  virtual std::string data_address(const std::string& node) = 0;
  // The master's own address on its link to `node` (nullopt if it is gone).
  virtual std::optional<std::string> master_address_for(const std::string& node) = 0;
  // `from` can pass a client's connection to `to` (same host): the name to
  // pass it under, or nullopt.
  virtual std::optional<std::string> handoff_name(const std::string& to, const std::string& from) = 0;

  // --- listeners ---
  virtual std::uint64_t new_ticket() = 0;
  // One of the node's pooled passive listeners, if it has one free.
  virtual std::optional<std::uint16_t> take_pooled_port(const std::string& node) = 0;
  // Gives `ticket` the pooled listener on `port` (no reply: PASV costs no round trip).
  virtual void open_pooled(const std::string& node, std::uint64_t ticket, const std::string& allowed_ip,
                           std::chrono::milliseconds accept_timeout, std::uint16_t port) = 0;
  // Asks the node to open a listener for `ticket`: its port, or nullopt with `error`.
  virtual asio::awaitable<std::optional<std::uint16_t>> open_passive(const std::string& node, std::uint64_t ticket,
                                                                     const std::string& allowed_ip,
                                                                     std::chrono::milliseconds accept_timeout,
                                                                     std::string& error) = 0;
  // Prepares `ticket` on the node to take a connection handed over by a
  // same-host peer; false with `error`.
  virtual asio::awaitable<bool> expect_handoff(const std::string& node, std::uint64_t ticket,
                                               const std::string& allowed_ip,
                                               std::chrono::milliseconds accept_timeout, std::string& error) = 0;

  // --- transfers ---
  // Sends the start without waiting (a refusal arrives as the ticket's
  // completion). Returns why it could not be sent (the node is offline, or
  // the message exceeds the link's frame limit), nullopt once sent. Watch
  // the ticket first.
  virtual std::optional<std::string> start_transfer(const std::string& node, link::StartTransfer start) = 0;
  virtual void abort_transfer(const std::string& node, std::uint64_t ticket) = 0;
  // `handler` is called once, when the ticket completes or its node goes away.
  virtual void watch(std::uint64_t ticket, const std::string& node, DoneHandler handler) = 0;
  // Stops watching a ticket whose completion nobody waits for any more
  // (without calling its handler), releasing what the watch holds.
  virtual void unwatch(std::uint64_t ticket) = 0;

  // --- files on a node's disk ---
  virtual asio::awaitable<link::OpResult> file_op(const std::string& node, link::FileOp op) = 0;
};

}  // namespace fleet::master
