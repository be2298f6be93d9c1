#include "master/transfer_router.hpp"

#include <algorithm>

#include "ftp/path.hpp"
#include "ftp/reply_codes.hpp"

namespace fleet::master {

namespace {

// Nodes dial from an IPv4 data address; an IPv6 client's EPRT goes through the master.
bool node_can_dial(const ftp::HostPort& target) {
  std::error_code ec;
  return asio::ip::make_address(target.host, ec).is_v4() && !ec;
}

bool holds(const meta::Entry& e, const std::string& node) {
  return std::find(e.nodes.begin(), e.nodes.end(), node) != e.nodes.end();
}
}  // namespace

std::shared_ptr<Transfer> TransferRouter::begin(TransferOp op, std::string path, std::uint64_t offset) {
  transfer_ = std::make_shared<Transfer>(ctx_.nodes);
  transfer_->op = op;
  transfer_->path = std::move(path);
  transfer_->offset = offset;
  transfer_->outcome.ok = true;
  transfer_->started = std::chrono::steady_clock::now();
  ++ctx_.env.stats.transfers_started;
  return transfer_;
}

NodeGateway::DoneHandler TransferRouter::done_handler(std::uint64_t ticket) {
  // The transfer holds the router's lifetime: while it is the router's, the
  // router exists.
  return [this, weak = std::weak_ptr<Transfer>(transfer_), ticket](TransferOutcome o) {
    if (auto t = weak.lock(); t && t == transfer_) on_done(ticket, std::move(o));
  };
}

std::optional<std::string> TransferRouter::start_on_node(const std::string& node, link::StartTransfer start,
                                                         bool client_facing, bool stores) {
  auto& nodes = *ctx_.nodes;
  if (!nodes.connected(node)) return "node " + node + " is offline";
  const auto ticket = start.ticket();
  if (client_facing) transfer_->client_ticket = ticket;
  if (stores) {
    transfer_->store_ticket = ticket;
    transfer_->node = node;
  }
  // Watched before it starts, so that a fast completion is not missed.
  transfer_->tickets.push_back({node, ticket, false});
  ++transfer_->pending;
  nodes.watch(ticket, node, done_handler(ticket));
  return nodes.start_transfer(node, std::move(start));
}

std::shared_ptr<LocalTransfer> TransferRouter::start_local(LocalTransfer::Mode mode, ClientEnd end) {
  const auto ticket = ctx_.nodes->new_ticket();
  transfer_->tickets.push_back({"", ticket, false});
  ++transfer_->pending;
  transfer_->client_ticket = ticket;
  transfer_->local = std::make_shared<LocalTransfer>(ctx_.ex, mode, std::move(end), ctx_.env.stats.data_bytes_out,
                                                     done_handler(ticket));
  return transfer_->local;
}

void TransferRouter::on_done(std::uint64_t ticket, TransferOutcome o) {
  if (!transfer_ || transfer_->pending == 0) return;
  auto& t = *transfer_;
  auto part = std::find_if(t.tickets.begin(), t.tickets.end(), [&](const auto& p) { return p.ticket == ticket; });
  if (part == t.tickets.end() || part->completed) return;
  part->completed = true;
  if (ticket == t.store_ticket && o.ok) {
    t.outcome.file_size = o.file_size;
    t.outcome.crc32 = o.crc32;
    t.outcome.mtime = o.mtime;
    t.have_store_outcome = true;
  }
  if (ticket == t.client_ticket) t.outcome.bytes = o.bytes;
  if (!o.ok) {
    const bool first_failure = t.outcome.error.empty();
    t.outcome.ok = false;
    t.outcome.aborted |= o.aborted;
    t.outcome.connect_failed |= o.connect_failed;
    t.outcome.refused |= o.refused;
    t.outcome.no_space |= o.no_space;
    t.outcome.stalled |= o.stalled;
    if (first_failure) t.outcome.error = o.error.empty() ? "transfer failed" : o.error;
    // One side of a node-to-node transfer failed: stop the other side too.
    if (first_failure && t.pending > 1 && !t.abort_requested) abort();
  }
  --t.pending;
  wake_();
}

void TransferRouter::abort() {
  if (!transfer_) return;
  transfer_->abort_requested = true;
  for (const auto& p : transfer_->tickets)
    if (!p.node.empty() && !p.completed) ctx_.nodes->abort_transfer(p.node, p.ticket);
  if (transfer_->local) transfer_->local->abort();
}

void TransferRouter::give_up_waiting() {
  if (!transfer_ || transfer_->pending == 0) return;
  transfer_->pending = 0;
  transfer_->outcome.ok = false;
  transfer_->outcome.aborted = true;
}

void TransferRouter::fail_start(DataSetup setup, int code, const std::string& text, const std::string& error) {
  if (transfer_ && transfer_->pending > 0) {
    // A part already started: stop it; the reply comes when it confirms.
    abort();
    transfer_->outcome.ok = false;
    transfer_->outcome.error = error;
    return;
  }
  transfer_.reset();
  data_.release(std::move(setup));
  ctx_.reply(code, text);
}

// ---------------------------------------------------------------- listings

asio::awaitable<void> TransferRouter::listing(TransferOp op, std::string payload) {
  if (!data_.prepared()) {
    ctx_.reply(ftp::kCantOpenData, "Use PORT, EPRT, PASV or EPSV first.");
    co_return;
  }
  DataSetup setup = data_.take();
  begin(op, "", 0);
  if (auto* np = std::get_if<NodePassive>(&setup)) {
    // The client connected to a node: hand the listing to it.
    link::StartTransfer st;
    st.set_ticket(np->ticket);
    st.set_kind(link::SEND_BYTES);
    st.set_payload(std::move(payload));
    if (auto err = start_on_node(np->node, std::move(st), true, false)) {
      fail_start({}, ftp::kCantOpenData, "Can't open data connection: " + *err, *err);
      co_return;
    }
  } else {
    auto local = start_local(LocalTransfer::Mode::SendBytes, data_.client_end(setup));
    local->set_payload(std::move(payload));
    local->start();
  }
  ctx_.reply(ftp::kFileStatusOk, "Opening ASCII mode data connection for file list.");
}

// ---------------------------------------------------------------- forwarding

// The client's data connection ends elsewhere than on `storage_node` (the
// node reading or writing the file): `storage_node` listens for the forwarder
// — the node the client is connected to, or the master for the EPSV relay and
// IPv6 clients — which copies between it and the client.
asio::awaitable<std::optional<std::string>> TransferRouter::start_forwarded(const DataSetup& setup,
                                                                           link::StartTransfer storage_side,
                                                                           const std::string& storage_node,
                                                                           bool upload) {
  auto& nodes = *ctx_.nodes;
  auto* np = std::get_if<NodePassive>(&setup);
  if (np && !nodes.connected(np->node)) co_return "node " + np->node + " went offline";
  if (!nodes.connected(storage_node)) co_return "node " + storage_node + " went offline";
  if (np)
    if (auto name = nodes.handoff_name(storage_node, np->node))
      co_return co_await start_handed_off(*np, *name, std::move(storage_side), storage_node, upload);
  const std::string storage_address = nodes.data_address(storage_node);
  const std::string forwarder_ip =
      np ? nodes.data_address(np->node) : nodes.master_address_for(storage_node).value_or(ctx_.client.local_ip);
  const auto ticket = nodes.new_ticket();
  auto listener = co_await data_.open_node_listener(storage_node, ticket, forwarder_ip, false);
  if (!listener) co_return "node " + storage_node + " could not open a listener";
  storage_side.set_ticket(ticket);
  if (auto err = start_on_node(storage_node, std::move(storage_side), false, upload)) co_return err;
  if (np) {
    link::StartTransfer relay;
    relay.set_ticket(np->ticket);
    relay.set_kind(upload ? link::RELAY_TO_PEER : link::RELAY_FROM_PEER);
    relay.set_peer_host(storage_address);
    relay.set_peer_port(listener->port);
    co_return start_on_node(np->node, std::move(relay), true, false);
  }
  auto local = start_local(upload ? LocalTransfer::Mode::RelayToNode : LocalTransfer::Mode::RelayFromNode,
                           data_.client_end(setup));
  local->set_node_end(storage_address, listener->port, forwarder_ip);
  local->start();
  co_return std::nullopt;
}

// The client is connected to `client_side`'s node and the file is on
// `storage_node` of the same host: the connection itself moves there
// (HANDOFF_TO_PEER), so the bytes are not copied through a relay.
asio::awaitable<std::optional<std::string>> TransferRouter::start_handed_off(const NodePassive& client_side,
                                                                            const std::string& handoff_name,
                                                                            link::StartTransfer storage_side,
                                                                            const std::string& storage_node,
                                                                            bool upload) {
  auto& nodes = *ctx_.nodes;
  const auto ticket = nodes.new_ticket();
  std::string error;
  if (!co_await nodes.expect_handoff(storage_node, ticket, ctx_.client.ip, ctx_.data_timeout(), error))
    co_return "node " + storage_node + " cannot take the data connection: " + error;
  storage_side.set_ticket(ticket);
  // The storage node now faces the client: its completion carries the bytes.
  if (auto err = start_on_node(storage_node, std::move(storage_side), true, upload)) co_return err;
  link::StartTransfer handoff;
  handoff.set_ticket(client_side.ticket);
  handoff.set_kind(link::HANDOFF_TO_PEER);
  handoff.set_handoff_name(handoff_name);
  handoff.set_peer_ticket(ticket);
  co_return start_on_node(client_side.node, std::move(handoff), false, false);
}

// ---------------------------------------------------------------- files

asio::awaitable<void> TransferRouter::retr(const std::string& path) {
  auto& nodes = *ctx_.nodes;
  auto entry = ctx_.env.store.lookup(path);
  if (!entry || entry->is_dir) {
    ctx_.reply(ftp::kFileUnavailable, ctx_.shown(path) + ": No such file.");
    co_return;
  }
  if (!data_.prepared()) {
    ctx_.reply(ftp::kCantOpenData, "Use PORT, EPRT, PASV or EPSV first.");
    co_return;
  }
  const std::uint64_t offset = ctx_.state.take_rest();
  if (offset > entry->size) {
    ctx_.reply(ftp::kInvalidRestart, "Restart offset " + std::to_string(offset) + " is beyond the end of the file.");
    co_return;
  }
  ctx_.state.file_retrieved(path);
  DataSetup setup = data_.take();
  auto source = nodes.pick_holder(entry->nodes, path);
  if (!source) {
    data_.release(std::move(setup));
    ctx_.reply(ftp::kFileUnavailable,
               ctx_.shown(path) + ": no storage node holding this file is online; try again later.");
    co_return;
  }
  begin(TransferOp::Retr, path, offset)->node = *source;

  link::StartTransfer send;
  send.set_kind(link::SEND_FILE);
  send.set_path(path);
  send.set_offset(offset);
  send.set_ascii(ctx_.state.ascii());
  std::optional<std::string> err;
  if (auto* at = std::get_if<ActiveTarget>(&setup); at && node_can_dial(at->target)) {
    send.set_ticket(nodes.new_ticket());
    send.set_active_host(at->target.host);
    send.set_active_port(at->target.port);
    err = start_on_node(*source, std::move(send), true, false);
  } else if (auto* np = std::get_if<NodePassive>(&setup); np && holds(*entry, np->node) && nodes.serves(np->node)) {
    transfer_->node = np->node;
    send.set_ticket(np->ticket);
    err = start_on_node(np->node, std::move(send), true, false);
  } else {
    err = co_await start_forwarded(setup, std::move(send), *source, false);
  }
  if (err) {
    fail_start(std::move(setup), ftp::kFileUnavailable, ctx_.shown(path) + ": " + *err, *err);
    co_return;
  }
  ctx_.reply(ftp::kFileStatusOk, std::string("Opening ") + (ctx_.state.ascii() ? "ASCII" : "BINARY") +
                                     " mode data connection for " + ctx_.shown(path) + " (" +
                                     std::to_string(entry->size) + " bytes).");
}

asio::awaitable<void> TransferRouter::store(TransferOp op, const std::string& path) {
  auto& nodes = *ctx_.nodes;
  auto& store = ctx_.env.store;
  if (path.find("/.fleetftp-") != std::string::npos) {
    ctx_.reply(ftp::kFileNameNotAllowed, ctx_.shown(path) + ": names starting with .fleetftp- are reserved.");
    co_return;
  }
  auto parent = path == "/" ? std::nullopt : store.lookup(ftp::parent_path(path));
  if (!parent || !parent->is_dir) {
    ctx_.reply(ftp::kFileNameNotAllowed, ctx_.shown(path) + ": the directory does not exist.");
    co_return;
  }
  auto existing = store.lookup(path);
  if (existing && existing->is_dir) {
    ctx_.reply(ftp::kFileNameNotAllowed, ctx_.shown(path) + ": is a directory.");
    co_return;
  }
  if (!data_.prepared()) {
    ctx_.reply(ftp::kCantOpenData, "Use PORT, EPRT, PASV or EPSV first.");
    co_return;
  }
  // APPE always writes at the end; ProtocolState has already dropped a REST
  // sent before it.
  const std::uint64_t offset = op == TransferOp::Appe ? 0 : ctx_.state.take_rest();
  if (offset > 0 && (!existing || offset > existing->size)) {
    ctx_.reply(ftp::kInvalidRestart, "Restart offset " + std::to_string(offset) + " is beyond the end of the file.");
    co_return;
  }
  const bool append = op == TransferOp::Appe && existing;
  // Appending or resuming writes into the existing file, so it goes to a holder.
  const bool needs_holder = existing && (append || offset > 0);
  DataSetup setup = data_.take();
  std::optional<std::string> target;
  if (auto* np = std::get_if<NodePassive>(&setup); np && (!needs_holder || holds(*existing, np->node)) &&
                                                   nodes.serves(np->node) &&
                                                   (needs_holder || !nodes.draining(np->node)))
    target = np->node;
  if (!target) target = needs_holder ? nodes.pick_holder(existing->nodes, path) : nodes.pick_for_upload(path);
  if (!target) {
    data_.release(std::move(setup));
    if (needs_holder)
      ctx_.reply(ftp::kFileUnavailable, ctx_.shown(path) + ": no storage node holding this file is online.");
    else
      ctx_.reply(ftp::kLocalError, "No storage node is online; try again later.");
    co_return;
  }
  begin(op, path, offset);

  link::StartTransfer recv;
  recv.set_kind(link::RECV_FILE);
  recv.set_path(path);
  recv.set_offset(offset);
  recv.set_append(append);
  recv.set_ascii(ctx_.state.ascii());
  std::optional<std::string> err;
  auto* np = std::get_if<NodePassive>(&setup);
  if (auto* at = std::get_if<ActiveTarget>(&setup); at && node_can_dial(at->target)) {
    recv.set_ticket(nodes.new_ticket());
    recv.set_active_host(at->target.host);
    recv.set_active_port(at->target.port);
    err = start_on_node(*target, std::move(recv), true, true);
  } else if (np && np->node == *target) {
    recv.set_ticket(np->ticket);
    err = start_on_node(*target, std::move(recv), true, true);
  } else {
    err = co_await start_forwarded(setup, std::move(recv), *target, true);
  }
  if (err) {
    fail_start(std::move(setup), ftp::kLocalError, ctx_.shown(path) + ": " + *err, *err);
    co_return;
  }
  if (op == TransferOp::Stou) ctx_.reply(ftp::kFileStatusOk, "FILE: " + ftp::base_name(path));
  else ctx_.reply(ftp::kFileStatusOk, "Ok to send data.");
}

}  // namespace fleet::master
