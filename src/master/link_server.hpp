// LinkServer: the master's end of the node link. Accepts node connections,
// runs the mutual-authentication handshake, registers nodes, brings a
// (re)connecting node in sync — changes it missed are replayed first, then its
// inventory is reconciled with the VFS, and only then does it serve — routes
// node events, and declares a node dead when its heartbeats stop.
#pragma once

#include <asio.hpp>
#include <string>

#include "config/master_config.hpp"
#include "master/node_registry.hpp"
#include "master/replicator.hpp"
#include "meta/store.hpp"

namespace fleet::master {

class LinkServer {
 public:
  LinkServer(asio::any_io_executor ex, const config::MasterConfig& config, NodeRegistry& registry,
             meta::MetaStore& store, Replicator& replicator);

  // Binds the link port; throws std::runtime_error if it cannot.
  void listen();
  asio::awaitable<void> run();
  void stop();

 private:
  asio::awaitable<void> serve(asio::ip::tcp::socket socket);
  asio::awaitable<bool> handshake(cluster::LinkConnection& link, link::Hello& hello);
  asio::awaitable<void> watchdog();
  asio::awaitable<void> bring_in_sync(std::string node, std::shared_ptr<cluster::LinkConnection> link);
  // A message from `node` on link `from`; ignored once the node has reconnected
  // on another link (it would describe listeners and tickets that are gone).
  void on_message(const std::string& node, const cluster::LinkConnection* from, link::Envelope env);
  void apply_inventory(const std::string& node, std::uint64_t request_id, const link::Inventory& inv);

  asio::any_io_executor ex_;
  const config::MasterConfig& config_;
  NodeRegistry& registry_;
  meta::MetaStore& store_;
  Replicator& replicator_;
  asio::ip::tcp::acceptor acceptor_;
  std::map<std::string, std::int64_t> inventory_generation_;
  bool stopping_ = false;
};

}  // namespace fleet::master
