#include "net/use_tuple.hpp"
#include "master/link_server.hpp"

#include <spdlog/spdlog.h>

#include "cluster/link_auth.hpp"
#include "ftp/path.hpp"
#include "master/node_calls.hpp"
#include "net/spawn.hpp"

namespace fleet::master {

namespace {
constexpr auto kHandshakeTimeout = std::chrono::seconds(10);

}  // namespace

LinkServer::LinkServer(asio::any_io_executor ex, const config::MasterConfig& config, NodeRegistry& registry,
                       meta::MetaStore& store, Replicator& replicator)
    : ex_(ex), config_(config), registry_(registry), store_(store), replicator_(replicator), acceptor_(ex) {}

void LinkServer::listen() {
  asio::ip::tcp::endpoint ep(asio::ip::make_address(config_.link_address), config_.link_port);
  acceptor_.open(ep.protocol());
  acceptor_.set_option(asio::socket_base::reuse_address(true));
  std::error_code ec;
  acceptor_.bind(ep, ec);
  if (ec)
    throw std::runtime_error("cannot listen for nodes on " + config_.link_address + ":" +
                             std::to_string(config_.link_port) + ": " + ec.message());
  acceptor_.listen();
}

asio::awaitable<void> LinkServer::run() {
  net::spawn_restarting(ex_, [this] { return watchdog(); }, "node link watchdog");
  while (!stopping_) {
    auto [ec, socket] = co_await acceptor_.async_accept(net::use_tuple);
    if (ec) {
      if (stopping_) break;
      spdlog::warn("node link accept failed: {}", ec.message());
      continue;
    }
    // A serve that throws leaves its node registered with a closed link (or
    // an unread one, which the watchdog drops for lack of heartbeats): detach
    // the closed ones now, so nothing is routed to them.
    net::spawn(ex_, serve(std::move(socket)), "node link", [this] {
      std::vector<std::pair<std::string, const cluster::LinkConnection*>> closed;
      for (auto* n : registry_.online())
        if (!n->link->is_open()) closed.emplace_back(n->name, n->link.get());
      for (const auto& [name, link] : closed) registry_.detach(name, link, "node " + name + " link failed");
    });
  }
}

void LinkServer::stop() {
  stopping_ = true;
  std::error_code ec;
  acceptor_.close(ec);
  for (auto* n : registry_.online()) n->link->close();
}

asio::awaitable<bool> LinkServer::handshake(cluster::LinkConnection& link, link::Hello& hello) {
  auto first = co_await link.read_one();
  if (!first || !first->has_hello()) co_return false;
  hello = first->hello();
  if (hello.version() != link::VERSION_CURRENT) {
    spdlog::warn("node link from {}: node speaks link version {}, this master speaks {}; refused",
                 link.remote_ip(), hello.version(), static_cast<int>(link::VERSION_CURRENT));
    co_return false;
  }
  if (hello.node_name().empty() || hello.node_name().size() > 64 || hello.node_nonce().size() != 32) co_return false;
  const auto master_nonce = cluster::random_nonce();
  link::Envelope challenge;
  challenge.mutable_challenge()->set_master_nonce(master_nonce);
  challenge.mutable_challenge()->set_master_proof(
      cluster::link_proof(config_.link_key, "master", hello.node_nonce(), master_nonce));
  link.send(challenge);
  auto proof = co_await link.read_one();
  if (!proof || !proof->has_auth_proof()) co_return false;
  const auto expected = cluster::link_proof(config_.link_key, "node", master_nonce, hello.node_nonce());
  if (!cluster::proofs_equal(proof->auth_proof().node_proof(), expected)) {
    spdlog::warn("node link from {}: node \"{}\" failed authentication (wrong link key); disconnected",
                 link.remote_ip(), hello.node_name());
    co_return false;
  }
  link::Envelope welcome;
  welcome.mutable_welcome()->set_master_name(config_.name);
  // Once per link rather than per ticket: every node transfer is bounded by it.
  welcome.mutable_welcome()->set_data_timeout_ms(static_cast<std::uint32_t>(
      std::chrono::duration_cast<std::chrono::milliseconds>(config_.data_stall_timeout).count()));
  link.send(welcome);
  co_return true;
}

asio::awaitable<void> LinkServer::serve(asio::ip::tcp::socket socket) {
  auto link = std::make_shared<cluster::LinkConnection>(std::move(socket));
  asio::steady_timer deadline(ex_, kHandshakeTimeout);
  deadline.async_wait([weak = std::weak_ptr(link)](std::error_code ec) {
    if (auto l = weak.lock(); !ec && l) l->close();
  });
  link::Hello hello;
  const bool ok = co_await handshake(*link, hello);
  deadline.cancel();
  if (!ok || !link->is_open()) {
    link->close();
    co_return;
  }
  const std::string name = hello.node_name();
  NodeInfo info;
  info.name = name;
  info.data_address = hello.data_address().empty() ? link->remote_ip() : hello.data_address();
  info.public_address = hello.public_address();
  info.handoff_scope = hello.handoff_scope();
  info.handoff_name = hello.handoff_name();
  info.link = link;
  info.draining = store_.node_flag(name, "draining");
  registry_.attach(std::move(info));
  spdlog::info("node {} connected from {} (data address {}); bringing it in sync", name, link->remote_ip(),
               hello.data_address());
  // A sync that throws is started again from the beginning: closing the
  // link makes the node reconnect, and a new connection syncs anew.
  net::spawn(ex_, bring_in_sync(name, link), "bringing node " + name + " in sync", [link] { link->close(); });
  // Named, not a temporary inside the co_await: GCC 12 destroys such temporaries twice.
  std::function<void(link::Envelope)> handler = [this, name, raw = link.get()](link::Envelope env) {
    on_message(name, raw, std::move(env));
  };
  co_await link->run(std::move(handler));
  registry_.detach(name, link.get(), "node " + name + " went offline");
  if (!stopping_) spdlog::warn("node {} disconnected", name);
}

void LinkServer::on_message(const std::string& node, const cluster::LinkConnection* from, link::Envelope env) {
  auto* info = registry_.find(node);
  if (!info || info->link.get() != from) return;
  info->last_seen = std::chrono::steady_clock::now();
  switch (env.body_case()) {
    case link::Envelope::kHeartbeat:
      registry_.record_heartbeat(*info, env.heartbeat().bytes_sent() + env.heartbeat().bytes_received());
      break;
    case link::Envelope::kDiskStatus:
      info->free_bytes = env.disk_status().free_bytes();
      info->total_bytes = env.disk_status().total_bytes();
      break;
    case link::Envelope::kTransferDone:
      registry_.transfer_done(node, env.transfer_done());
      break;
    case link::Envelope::kInventory:
      apply_inventory(node, env.id(), env.inventory());
      break;
    case link::Envelope::kPassivePool:
      for (const auto port : env.passive_pool().ports()) info->pooled_ports.add(port);
      break;
    default:
      spdlog::debug("node {}: unexpected message {} ignored", node, static_cast<int>(env.body_case()));
  }
}

namespace {
link::FileOp to_file_op(const meta::NodeOp& op) {
  switch (op.kind) {
    case meta::NodeOp::Kind::Delete: return make_file_op(link::DELETE, op.path);
    case meta::NodeOp::Kind::Rename: return make_file_op(link::RENAME, op.path, op.path2);
    case meta::NodeOp::Kind::RemoveDir: return make_file_op(link::RMDIR, op.path);
  }
  return make_file_op(link::STAT, op.path);
}

constexpr std::string_view kQuarantine = "/.fleetftp-quarantine";
}  // namespace

// The order matters: replaying first means a file deleted while the node was
// away is gone from its disk before its inventory is read, so it can never be
// adopted back.
asio::awaitable<void> LinkServer::bring_in_sync(std::string node, std::shared_ptr<cluster::LinkConnection> link) {
  const auto started = std::chrono::steady_clock::now();
  std::size_t replayed = 0;
  for (auto ops = store_.node_ops(node, 100); !ops.empty(); ops = store_.node_ops(node, 100)) {
    for (const auto& op : ops) {
      auto r = co_await node_file_op(registry_, node, to_file_op(op));
      if (!link->is_open()) co_return;
      if (!r.ok() && !r.not_found())
        spdlog::warn("node {}: replaying a missed change on {} failed: {}; dropped", node, op.path, r.error());
      store_.ack_node_op(op.seq);
      ++replayed;
    }
  }
  if (replayed) spdlog::info("node {}: replayed {} changes it missed while away", node, replayed);

  inventory_generation_[node] = store_.begin_inventory(node);
  link::Envelope request;
  request.mutable_inventory_request();
  auto done = co_await link->call(std::move(request), std::chrono::hours(6));
  if (!link->is_open() || registry_.find(node) == nullptr || registry_.find(node)->link != link) co_return;
  if (!done || !done->has_op_result() || !done->op_result().ok()) {
    spdlog::error("node {}: inventory failed ({}); the node stays out of service until it reconnects", node,
                  done && done->has_op_result() ? done->op_result().error() : "no answer");
    co_return;
  }
  const auto forgotten = store_.end_inventory(node, inventory_generation_[node]);
  // A wiped disk would otherwise log a line per file.
  constexpr std::size_t kNamedForgotten = 100;
  for (std::size_t i = 0; i < forgotten.size() && i < kNamedForgotten; ++i)
    spdlog::warn("node {}: no longer has {}; its copy is forgotten", node, forgotten[i]);
  if (forgotten.size() > kNamedForgotten)
    spdlog::warn("node {}: no longer has {} more files; their copies are forgotten", node,
                 forgotten.size() - kNamedForgotten);
  registry_.find(node)->state = NodeState::Online;
  spdlog::info("node {} is in sync and serving ({:.1f} s)", node,
               std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count());
  replicator_.node_in_service(forgotten);
}

// One chunk of a node's inventory: reconciled in one store transaction, then
// acknowledged so the node sends the next (back-pressure).
void LinkServer::apply_inventory(const std::string& node, std::uint64_t request_id, const link::Inventory& inv) {
  auto* info = registry_.find(node);
  link::Envelope ack;
  auto gen = inventory_generation_.find(node);
  if (gen == inventory_generation_.end()) {
    ack.mutable_op_result()->set_error("no inventory was requested");
    if (request_id) info->link->reply(request_id, ack);
    return;
  }
  std::vector<meta::InventoryItem> items;
  items.reserve(static_cast<std::size_t>(inv.entries_size()));
  for (const auto& e : inv.entries()) items.push_back({e.path(), e.size(), e.mtime()});
  const auto result = store_.reconcile_batch(node, gen->second, items, config_.cluster.unknown_files);
  for (const auto& path : result.quarantine) {
    // Not ours to serve, not ours to delete: set aside where an operator finds it.
    // Failing leaves the file where it is: the next inventory finds it again.
    net::spawn(
        ex_,
        [this, node, path]() -> asio::awaitable<void> {
          auto r = co_await node_file_op(registry_, node,
                                         make_file_op(link::RENAME, path, std::string(kQuarantine) + path));
          if (r.ok()) spdlog::warn("node {}: {} moved to {}{} (conflicts with the VFS or unknown)", node, path,
                                   kQuarantine, path);
        },
        "moving " + path + " on node " + node + " to " + std::string(kQuarantine));
  }
  if (result.adopted || result.conflicts || result.skipped || !result.quarantine.empty())
    spdlog::info("node {}: inventory chunk: {} known, {} adopted, {} conflicts, {} quarantined, {} left to replay",
                 node, result.known, result.adopted, result.conflicts, result.quarantine.size(), result.skipped);
  ack.mutable_op_result()->set_ok(true);
  if (request_id) info->link->reply(request_id, ack);
}

asio::awaitable<void> LinkServer::watchdog() {
  asio::steady_timer timer(ex_);
  while (!stopping_) {
    timer.expires_after(std::chrono::milliseconds(500));
    co_await timer.async_wait(net::use_tuple);
    const auto now = std::chrono::steady_clock::now();
    for (auto* n : registry_.online()) {
      if (now - n->last_seen > config_.node_timeout) {
        spdlog::error("node {}: no heartbeat for {} ms; declaring it offline", n->name, config_.node_timeout.count());
        auto link = n->link;
        registry_.detach(n->name, link.get(), "node " + n->name + " stopped answering");
        link->close();
        break;  // the vector is stale after detach
      }
    }
  }
}

}  // namespace fleet::master
