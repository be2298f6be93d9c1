// Test helper: runs one coroutine on an io_context until it finishes (or a
// time limit passes), rethrowing anything it threw. Other work left on the
// context (listeners, detached coroutines) does not keep it running.
#pragma once

#include <gtest/gtest.h>

#include <asio.hpp>
#include <chrono>
#include <exception>

#include "net/use_tuple.hpp"

namespace fleet::testing {

// `make` returns an asio::awaitable<void>; it stays alive while the coroutine runs,
// so a lambda capturing by reference is safe.
template <class Make>
void run_coro(asio::io_context& io, Make make, std::chrono::seconds limit = std::chrono::seconds(30)) {
  bool done = false;
  std::exception_ptr error;
  asio::co_spawn(io, make(), [&](std::exception_ptr e) {
    done = true;
    error = e;
  });
  const auto deadline = std::chrono::steady_clock::now() + limit;
  while (!done && std::chrono::steady_clock::now() < deadline) {
    if (io.stopped()) io.restart();
    io.run_one_for(std::chrono::milliseconds(50));
  }
  ASSERT_TRUE(done) << "coroutine did not finish within " << limit.count() << " s";
  if (error) std::rethrow_exception(error);
}

// A connected pair of loopback TCP sockets.
struct SocketPair {
  asio::ip::tcp::socket client;
  asio::ip::tcp::socket server;
};

inline SocketPair make_socket_pair(asio::io_context& io) {
  using asio::ip::tcp;
  tcp::acceptor acceptor(io, tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0));
  tcp::socket client(io);
  client.connect(acceptor.local_endpoint());
  tcp::socket server = acceptor.accept();
  return SocketPair{std::move(client), std::move(server)};
}

// Reads until EOF (or error) and returns what arrived.
inline asio::awaitable<std::string> read_all(asio::ip::tcp::socket& s) {
  std::string data;
  char buf[65536];
  for (;;) {
    auto [ec, n] = co_await s.async_read_some(asio::buffer(buf), net::use_tuple);
    data.append(buf, n);
    if (ec) break;
  }
  co_return data;
}

}  // namespace fleet::testing
