// Session: one authenticated link to the master. Reports disk space and (when
// asked) the inventory, sends heartbeats, keeps a pool of passive listeners
// announced to the master, and serves the master's requests and events
// (passive listeners, transfers, file operations) until the link closes;
// then aborts every listener and transfer it started, since they belong to
// that link. Every second (with the heartbeat) it ends transfers whose data
// connection moved nothing for the link's data timeout (Welcome
// data_timeout_ms), which also bounds a passive listener opened without its
// own accept timeout.
#pragma once

#include <asio.hpp>
#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "cluster/link_connection.hpp"
#include "link.pb.h"
#include "node/listener_pool.hpp"
#include "node/node_context.hpp"
#include "node/ticket.hpp"
#include "node/transfer.hpp"

namespace fleet::node {

class Session : public std::enable_shared_from_this<Session> {
 public:
  Session(std::shared_ptr<NodeContext> context, std::shared_ptr<cluster::LinkConnection> link,
          std::chrono::milliseconds data_timeout);

  // Runs until the link closes; returns how many tickets (listeners and
  // transfers) that aborted.
  asio::awaitable<std::size_t> serve();

  // Closes the link; serve() then winds everything down.
  void close() { link_->close(); }

  // A node of this host handed over the client's connection for `ticket_id`
  // (net/socket_handoff.hpp). Taken only when that ticket was opened for a
  // handoff, is still waiting, and the connection comes from its client.
  bool take_handoff(std::uint64_t ticket_id, asio::ip::tcp::socket socket);

 private:
  void dispatch(link::Envelope env);
  void open_passive(std::uint64_t request_id, const link::OpenPassive& request);
  // Opens the ticket of `request` on `listener` (`pooled`: taken from pool_)
  // and starts accepting; request_id 0 sends no reply.
  void listen_for(std::uint64_t request_id, const link::OpenPassive& request,
                  std::unique_ptr<net::PassiveListener> listener, bool pooled);
  std::vector<std::string> listen_addresses() const;
  void expect_handoff(std::uint64_t request_id, const link::OpenPassive& request);
  // Aborts handoff tickets whose deadline passed without a connection.
  void drop_stale_handoffs();
  // Ends the transfers whose data connection moved nothing for data_timeout_.
  void end_stalled_transfers(std::chrono::steady_clock::time_point now);
  void start_transfer(std::uint64_t request_id, const link::StartTransfer& request);
  void abort_transfer(std::uint64_t request_id, const link::AbortTransfer& request);
  void file_op(std::uint64_t request_id, const link::FileOp& request);
  void report_inventory(std::uint64_t request_id, const link::InventoryRequest& request);

  asio::awaitable<void> accept_for(std::shared_ptr<Ticket> ticket, std::string allowed_ip,
                                   std::chrono::milliseconds timeout);
  asio::awaitable<void> transfer(std::shared_ptr<Ticket> ticket, PreparedTransfer prepared);
  asio::awaitable<void> heartbeats();

  void reply(std::uint64_t request_id, link::OpResult result);
  // A StartTransfer that cannot run: the OpResult of a request, or, for one
  // sent as an event, a TransferDone{refused}.
  void refuse_start(std::uint64_t request_id, std::uint64_t ticket_id, link::OpResult why);
  // The free space, read now (the initial report, and after a write found the
  // disk full: it answered, so it is not stuck).
  void send_disk_status();
  // The periodic report: read on the disk thread, so that a stuck disk delays
  // this report but not the heartbeats.
  void refresh_disk_status();
  // Drops the ticket; if it had a pooled listener and the pool is low, the
  // pool opens fresh ones and announces them in a PassivePool.
  void forget(const std::shared_ptr<Ticket>& ticket);
  void open_pool();
  void announce_pool(const std::vector<std::uint16_t>& ports);

  std::shared_ptr<NodeContext> context_;
  std::shared_ptr<cluster::LinkConnection> link_;
  std::map<std::uint64_t, std::shared_ptr<Ticket>> tickets_;
  std::optional<ListenerPool> pool_;  // empty when [data] passive_pool = 0
  asio::steady_timer heartbeat_timer_;
  std::chrono::milliseconds data_timeout_;
  bool disk_status_pending_ = false;  // a refresh_disk_status() waits for the disk
};

}  // namespace fleet::node
