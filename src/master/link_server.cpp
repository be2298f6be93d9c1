#include "net/use_tuple.hpp"
#include "master/link_server.hpp"

#include <spdlog/spdlog.h>

#include "cluster/link_auth.hpp"
#include "ftp/path.hpp"

namespace fleet::master {

namespace {
constexpr auto kHandshakeTimeout = std::chrono::seconds(10);

// Makes every missing directory above `path` in the VFS.
bool ensure_parent_dirs(meta::MetaStore& store, const std::string& path, std::int64_t mtime) {
  std::vector<std::string> dirs;
  for (auto p = ftp::parent_path(path); p != "/"; p = ftp::parent_path(p)) dirs.push_back(p);
  for (auto it = dirs.rbegin(); it != dirs.rend(); ++it) {
    const auto st = store.make_dir(*it, "ftp", mtime);
    if (st != meta::Status::Ok && st != meta::Status::Exists) return false;
  }
  return true;
}
}  // namespace

LinkServer::LinkServer(asio::any_io_executor ex, const config::MasterConfig& config, NodeRegistry& registry,
                       meta::MetaStore& store)
    : ex_(ex), config_(config), registry_(registry), store_(store), acceptor_(ex) {}

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
  asio::co_spawn(ex_, watchdog(), asio::detached);
  while (!stopping_) {
    auto [ec, socket] = co_await acceptor_.async_accept(net::use_tuple);
    if (ec) {
      if (stopping_) break;
      spdlog::warn("node link accept failed: {}", ec.message());
      continue;
    }
    asio::co_spawn(ex_, serve(std::move(socket)), asio::detached);
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
  info.link = link;
  info.last_seen = std::chrono::steady_clock::now();
  registry_.attach(std::move(info));
  spdlog::info("node {} connected from {} (data address {})", name, link->remote_ip(), hello.data_address());
  // Named, not a temporary inside the co_await: GCC 12 destroys such temporaries twice.
  std::function<void(link::Envelope)> handler = [this, name](link::Envelope env) { on_message(name, std::move(env)); };
  co_await link->run(std::move(handler));
  registry_.detach(name, link.get(), "node " + name + " went offline");
  if (!stopping_) spdlog::warn("node {} disconnected", name);
}

void LinkServer::on_message(const std::string& node, link::Envelope env) {
  auto* info = registry_.find(node);
  if (!info) return;
  info->last_seen = std::chrono::steady_clock::now();
  switch (env.body_case()) {
    case link::Envelope::kHeartbeat:
      break;
    case link::Envelope::kDiskStatus:
      info->free_bytes = env.disk_status().free_bytes();
      info->total_bytes = env.disk_status().total_bytes();
      break;
    case link::Envelope::kTransferDone:
      registry_.transfer_done(node, env.transfer_done());
      break;
    case link::Envelope::kInventory:
      apply_inventory(node, env.inventory());
      break;
    default:
      spdlog::debug("node {}: unexpected message {} ignored", node, static_cast<int>(env.body_case()));
  }
}

// A node's inventory tells the VFS which copies exist. Files the VFS already
// knows gain this node as a holder when the sizes agree; files it does not know
// are adopted (so metadata can be rebuilt from the nodes' disks).
void LinkServer::apply_inventory(const std::string& node, const link::Inventory& inv) {
  std::size_t known = 0, adopted = 0, conflicts = 0;
  for (const auto& e : inv.entries()) {
    auto path = ftp::resolve_path("/", e.path());
    if (!path || *path == "/") continue;
    auto entry = store_.lookup(*path);
    if (entry) {
      if (entry->is_dir || entry->size != e.size()) {
        ++conflicts;
        spdlog::warn("node {}: copy of {} has {} bytes but the VFS says {}; copy not used", node, *path, e.size(),
                     entry->size);
        continue;
      }
      store_.add_copy(*path, node);
      ++known;
      continue;
    }
    const bool parents_ok = ensure_parent_dirs(store_, *path, e.mtime());
    if (parents_ok && store_.put_file(*path, e.size(), e.mtime(), "ftp", 0, node) == meta::Status::Ok) ++adopted;
    else ++conflicts;
  }
  if (known || adopted || conflicts)
    spdlog::info("node {}: inventory chunk: {} known files, {} adopted, {} conflicts", node, known, adopted,
                 conflicts);
  if (inv.last()) spdlog::info("node {}: inventory complete", node);
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
