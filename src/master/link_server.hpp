// LinkServer: the master's end of the node link. Accepts node connections,
// runs the mutual-authentication handshake, registers nodes, applies their
// inventories to the VFS, routes their events, and declares a node dead when
// its heartbeats stop.
#pragma once

#include <asio.hpp>
#include <string>

#include "config/master_config.hpp"
#include "master/node_registry.hpp"
#include "meta/store.hpp"

namespace fleet::master {

class LinkServer {
 public:
  LinkServer(asio::any_io_executor ex, const config::MasterConfig& config, NodeRegistry& registry,
             meta::MetaStore& store);

  // Binds the link port; throws std::runtime_error if it cannot.
  void listen();
  asio::awaitable<void> run();
  void stop();

 private:
  asio::awaitable<void> serve(asio::ip::tcp::socket socket);
  asio::awaitable<bool> handshake(cluster::LinkConnection& link, link::Hello& hello);
  asio::awaitable<void> watchdog();
  void on_message(const std::string& node, link::Envelope env);
  void apply_inventory(const std::string& node, const link::Inventory& inv);

  asio::any_io_executor ex_;
  const config::MasterConfig& config_;
  NodeRegistry& registry_;
  meta::MetaStore& store_;
  asio::ip::tcp::acceptor acceptor_;
  bool stopping_ = false;
};

}  // namespace fleet::master
