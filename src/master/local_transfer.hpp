// LocalTransfer: a data transfer the master carries itself — a listing sent
// from the master's own listener or dialled to the client, or the EPSV relay
// (client <-> node through the master with splice, for IPv6 clients and
// EPSV ALL). Ends by calling `done` exactly once; abort() ends it early.
// A data connection that moves no byte for ClientEnd::stall_timeout is
// closed, and the transfer ends with `stalled` set (the client's 426).
#pragma once

#include <asio.hpp>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "config/data_timeout.hpp"
#include "ftp/hostport.hpp"
#include "master/transfer_outcome.hpp"
#include "net/passive_listener.hpp"

namespace fleet::master {

// How the client's end of the data connection is made.
struct ClientEnd {
  std::shared_ptr<net::PassiveListener> listener;  // passive: accept here...
  std::string allowed_ip;                          // ...only from this address
  std::optional<ftp::HostPort> dial;               // active: dial this
  std::string local_ip;                            // the master's address to dial from
  std::chrono::milliseconds timeout{30000};        // to connect ([ftp] data_connect_timeout)
  // No byte moved for this long ends the transfer ([ftp] data_timeout).
  std::chrono::milliseconds stall_timeout{config::kDefaultDataTimeout};
};

class LocalTransfer : public std::enable_shared_from_this<LocalTransfer> {
 public:
  using Done = std::function<void(TransferOutcome)>;
  enum class Mode { SendBytes, RelayFromNode, RelayToNode };

  // `bytes_out` counts what the master writes on data connections.
  LocalTransfer(asio::any_io_executor ex, Mode mode, ClientEnd client, std::uint64_t& bytes_out, Done done);

  void set_payload(std::string payload) { payload_ = std::move(payload); }
  // The node's listener, and the master's address to dial it from (its
  // address on the node link: the node only accepts that one).
  void set_node_end(std::string host, std::uint16_t port, std::string local_ip) {
    node_host_ = std::move(host);
    node_port_ = port;
    node_local_ip_ = std::move(local_ip);
  }
  void start();
  void abort();

 private:
  asio::awaitable<void> run();
  asio::awaitable<bool> connect_client();
  // Closes the sockets once moved_ has not changed for stall_timeout.
  asio::awaitable<void> watch_progress();
  void finish(TransferOutcome outcome);

  asio::any_io_executor ex_;
  Mode mode_;
  ClientEnd client_end_;
  std::uint64_t& bytes_out_;
  Done done_;
  std::string payload_;
  std::string node_host_;
  std::uint16_t node_port_ = 0;
  std::string node_local_ip_;
  asio::ip::tcp::socket client_;
  asio::ip::tcp::socket node_;
  asio::steady_timer watch_;
  std::uint64_t moved_ = 0;  // bytes moved on the data connections so far
  bool connected_ = false;   // the client's data connection is up: the watch runs
  bool finished_ = false;
  bool stalled_ = false;
  bool aborted_ = false;
};

}  // namespace fleet::master
