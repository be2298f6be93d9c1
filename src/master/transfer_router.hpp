// TransferRouter: which node does what for one data transfer of a session —
// RETR, STOR/APPE/STOU and listings — given the data connection the client
// prepared (docs/ARCHITECTURE.md, "How a data transfer finds its node"):
// direct on the node the client reaches, the listing bytes handed to that
// node (SEND_BYTES), the client's connection handed to a same-host holder
// (HANDOFF_TO_PEER), bytes relayed node to node (RELAY_FROM_PEER /
// RELAY_TO_PEER), or carried by the master (listings on its own listener,
// the EPSV relay, IPv6 clients). Nodes are reached through the NodeGateway.
//
// It replies 150 (or the refusal) when the transfer starts, and collects the
// completions of its tickets; the session commits the finished Transfer
// (TransferCommit). One per session, on the event loop; `wake` tells the
// session that a completion arrived.
#pragma once

#include <asio.hpp>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "master/data_channel.hpp"
#include "master/local_transfer.hpp"
#include "master/session_context.hpp"
#include "master/transfer_outcome.hpp"

namespace fleet::master {

enum class TransferOp { List, Nlst, Mlsd, Retr, Stor, Appe, Stou };

inline bool is_listing(TransferOp op) {
  return op == TransferOp::List || op == TransferOp::Nlst || op == TransferOp::Mlsd;
}
inline bool stores_file(TransferOp op) {
  return op == TransferOp::Stor || op == TransferOp::Appe || op == TransferOp::Stou;
}

struct TicketPart {
  std::string node;  // "" = the master's own LocalTransfer
  std::uint64_t ticket = 0;
  bool completed = false;
};

// A running transfer: one or more tickets on nodes (node-to-node transfers
// use two), or a transfer the master carries itself (node "").
//
// It releases what it holds on every path: a ticket still watched when the
// transfer goes away (a start that threw, an ABOR whose node never
// confirmed, a session that ended) is unwatched, so the node's count of
// running transfers does not keep it.
struct Transfer {
  explicit Transfer(std::shared_ptr<NodeGateway> gateway) : gateway(std::move(gateway)) {}
  ~Transfer() {
    for (const auto& p : tickets)
      if (!p.completed && !p.node.empty()) gateway->unwatch(p.ticket);
  }
  Transfer(const Transfer&) = delete;
  Transfer& operator=(const Transfer&) = delete;

  std::shared_ptr<NodeGateway> gateway;
  TransferOp op = TransferOp::Retr;
  std::string path;
  std::string node;                 // where the file is stored / read ("" = master)
  std::uint64_t offset = 0;
  std::vector<TicketPart> tickets;
  std::size_t pending = 0;          // completions still expected
  std::shared_ptr<LocalTransfer> local;
  TransferOutcome outcome;          // merged so far
  bool have_store_outcome = false;
  std::uint64_t store_ticket = 0;   // the ticket whose outcome describes the stored file
  std::uint64_t client_ticket = 0;  // the ticket facing the client (bytes moved)
  bool abort_requested = false;
  std::chrono::steady_clock::time_point started;
};

class TransferRouter {
 public:
  TransferRouter(SessionContext& ctx, DataChannel& data, std::function<void()> wake)
      : ctx_(ctx), data_(data), wake_(std::move(wake)) {}
  TransferRouter(const TransferRouter&) = delete;
  TransferRouter& operator=(const TransferRouter&) = delete;

  asio::awaitable<void> retr(const std::string& path);
  asio::awaitable<void> store(TransferOp op, const std::string& path);
  asio::awaitable<void> listing(TransferOp op, std::string payload);

  bool running() const { return transfer_ != nullptr; }
  // Every ticket has completed: take() it and commit it.
  bool finished() const { return transfer_ && transfer_->pending == 0; }
  const Transfer* current() const { return transfer_.get(); }
  std::shared_ptr<Transfer> take() { return std::exchange(transfer_, nullptr); }
  // Asks every node taking part to stop; their completions still arrive.
  void abort();
  // A node that did not confirm an abort in time: its part counts as aborted.
  void give_up_waiting();

 private:
  std::shared_ptr<Transfer> begin(TransferOp op, std::string path, std::uint64_t offset);
  // Starts one ticket's transfer on a node without waiting for it (a refusal
  // arrives as its completion); the reason if the node is offline.
  std::optional<std::string> start_on_node(const std::string& node, link::StartTransfer start, bool client_facing,
                                           bool stores);
  // A transfer the master carries itself, facing the client.
  std::shared_ptr<LocalTransfer> start_local(LocalTransfer::Mode mode, ClientEnd end);
  NodeGateway::DoneHandler done_handler(std::uint64_t ticket);
  void on_done(std::uint64_t ticket, TransferOutcome o);
  asio::awaitable<std::optional<std::string>> start_forwarded(const DataSetup& setup, link::StartTransfer storage_side,
                                                              const std::string& storage_node, bool upload);
  asio::awaitable<std::optional<std::string>> start_handed_off(const NodePassive& client_side,
                                                               const std::string& handoff_name,
                                                               link::StartTransfer storage_side,
                                                               const std::string& storage_node, bool upload);
  // After a failed start: reports it now, or (when a started part must first
  // confirm its abort) when the transfer finishes.
  void fail_start(DataSetup setup, int code, const std::string& text, const std::string& error);

  SessionContext& ctx_;
  DataChannel& data_;
  std::function<void()> wake_;
  // Shared with the completion handlers, which hold it weakly: a completion
  // arriving after the transfer (or the session) ended finds nothing.
  std::shared_ptr<Transfer> transfer_;
};

}  // namespace fleet::master
