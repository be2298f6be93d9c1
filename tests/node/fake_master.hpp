// Test helper: the master's end of the node link, written from the protocol
// description (docs/PROTOCOL.md) so that tests drive a real NodeServer over a
// real loopback connection: handshake, registration, requests, events.
#pragma once

#include <gtest/gtest.h>

#include <asio.hpp>
#include <chrono>
#include <deque>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "../net/run_coro.hpp"
#include "cluster/link_auth.hpp"
#include "cluster/link_connection.hpp"
#include "net/use_tuple.hpp"

namespace fleet::testing {

class FakeMaster {
 public:
  using Ms = std::chrono::milliseconds;

  FakeMaster(asio::io_context& io, std::string key)
      : io_(io), key_(std::move(key)), acceptor_(io, {asio::ip::make_address("127.0.0.1"), 0}), wake_(io) {}

  std::uint16_t port() const { return acceptor_.local_endpoint().port(); }

  std::shared_ptr<cluster::LinkConnection> link;
  link::Hello hello;
  std::uint32_t data_timeout_ms = 0;  // sent in Welcome; 0 = not sent

  // Accepts the node's connection and runs the master side of the handshake.
  // With `wrong_key` the master proves a different key; returns whether the
  // node then sent an AuthProof (it must not).
  asio::awaitable<bool> accept_node(bool wrong_key = false, Ms timeout = Ms(5000)) {
    asio::steady_timer timer(io_);
    timer.expires_after(timeout);
    timer.async_wait([this](std::error_code ec) {
      if (!ec) acceptor_.cancel();
    });
    auto [ec, socket] = co_await acceptor_.async_accept(net::use_tuple);
    timer.cancel();
    if (ec) co_return false;
    link = std::make_shared<cluster::LinkConnection>(std::move(socket));
    auto h = co_await link->read_one();
    if (!h || !h->has_hello()) co_return false;
    hello = h->hello();
    const auto master_nonce = cluster::random_nonce();
    link::Envelope challenge;
    challenge.mutable_challenge()->set_master_nonce(master_nonce);
    challenge.mutable_challenge()->set_master_proof(
        cluster::link_proof(wrong_key ? key_ + "-wrong" : key_, "master", hello.node_nonce(), master_nonce));
    link->send(challenge);
    auto proof = co_await link->read_one();
    if (!proof || !proof->has_auth_proof()) co_return false;
    if (!cluster::proofs_equal(proof->auth_proof().node_proof(),
                               cluster::link_proof(key_, "node", master_nonce, hello.node_nonce())))
      co_return false;
    link::Envelope welcome;
    welcome.mutable_welcome()->set_master_name("test-master");
    welcome.mutable_welcome()->set_data_timeout_ms(data_timeout_ms);
    link->send(welcome);
    co_return true;
  }

  // Reads the registration that follows Welcome; returns the inventory.
  // Reads the DiskStatus, asks for the inventory and acknowledges each chunk,
  // as the master does.
  asio::awaitable<std::vector<link::InventoryEntry>> read_registration() {
    std::vector<link::InventoryEntry> entries;
    link::Envelope request;
    request.set_id(kInventoryRequestId);
    request.mutable_inventory_request();
    link->send(request);
    for (;;) {
      auto env = co_await link->read_one();
      if (!env) break;
      if (env->has_disk_status()) {
        disk_status = env->disk_status();
        continue;
      }
      if (env->has_passive_pool()) {
        for (const auto port : env->passive_pool().ports()) pooled_ports.push_back(port);
        continue;
      }
      if (!env->has_inventory()) continue;
      ++inventory_chunks;
      for (const auto& e : env->inventory().entries()) entries.push_back(e);
      link::Envelope ack;
      ack.mutable_op_result()->set_ok(true);
      link->reply(env->id(), ack);
      if (env->inventory().last()) break;
    }
    co_return entries;
  }

  static constexpr std::uint64_t kInventoryRequestId = 1u << 30;
  std::optional<link::DiskStatus> disk_status;
  std::vector<std::uint32_t> pooled_ports;  // PassivePool at registration
  int inventory_chunks = 0;

  // From here on, requests can be sent and events are queued.
  void start() {
    asio::co_spawn(
        io_,
        [this, l = link]() -> asio::awaitable<void> {
          std::function<void(link::Envelope)> queue = [this](link::Envelope env) {
            events_.push_back(std::move(env));
            wake_.cancel();
          };
          co_await l->run(std::move(queue));
          closed_ = true;
          wake_.cancel();
        },
        asio::detached);
  }

  asio::awaitable<std::optional<link::Envelope>> call(link::Envelope request, Ms timeout = Ms(5000)) {
    co_return co_await link->call(std::move(request), timeout);
  }

  // The next event of `kind` (others stay queued); nullopt on timeout.
  asio::awaitable<std::optional<link::Envelope>> next(link::Envelope::BodyCase kind, Ms timeout = Ms(5000)) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    for (;;) {
      for (auto it = events_.begin(); it != events_.end(); ++it) {
        if (it->body_case() == kind) {
          auto env = std::move(*it);
          events_.erase(it);
          co_return env;
        }
      }
      if (std::chrono::steady_clock::now() >= deadline) co_return std::nullopt;
      wake_.expires_at(deadline);
      co_await wake_.async_wait(net::use_tuple);
    }
  }

  bool closed() const { return closed_; }

  // Request builders.
  static link::Envelope open_passive(std::uint64_t ticket, std::string allowed_ip, std::uint32_t timeout_ms = 5000) {
    link::Envelope env;
    auto* o = env.mutable_open_passive();
    o->set_ticket(ticket);
    o->set_allowed_ip(std::move(allowed_ip));
    o->set_accept_timeout_ms(timeout_ms);
    return env;
  }
  // OpenPassive on a pooled listener: an event, no reply.
  static link::Envelope open_pooled(std::uint64_t ticket, std::string allowed_ip, std::uint32_t port) {
    auto env = open_passive(ticket, std::move(allowed_ip));
    env.mutable_open_passive()->set_pooled_port(port);
    return env;
  }
  static link::Envelope start(const link::StartTransfer& st) {
    link::Envelope env;
    *env.mutable_start_transfer() = st;
    return env;
  }
  static link::Envelope abort(std::uint64_t ticket) {
    link::Envelope env;
    env.mutable_abort_transfer()->set_ticket(ticket);
    return env;
  }
  static link::Envelope file_op(link::FileOpKind kind, std::string path, std::string path2 = {}) {
    link::Envelope env;
    env.mutable_file_op()->set_kind(kind);
    env.mutable_file_op()->set_path(std::move(path));
    env.mutable_file_op()->set_path2(std::move(path2));
    return env;
  }

 private:
  asio::io_context& io_;
  std::string key_;
  asio::ip::tcp::acceptor acceptor_;
  asio::steady_timer wake_;
  std::deque<link::Envelope> events_;
  bool closed_ = false;
};

}  // namespace fleet::testing
