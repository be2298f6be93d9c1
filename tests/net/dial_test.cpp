#include "net/dial.hpp"

#include <gtest/gtest.h>

#include "run_coro.hpp"
#include "support/own_loopback.hpp"

namespace fleet::net {
namespace {

using asio::ip::tcp;
using namespace std::chrono_literals;
using testing::run_coro;

TEST(ConnectFrom, UsesTheLocalAddressAskedFor) {
  asio::io_context io;
  tcp::acceptor acceptor(io, tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0));
  const auto port = acceptor.local_endpoint().port();
  run_coro(io, [&]() -> asio::awaitable<void> {
    tcp::socket socket(io);
    auto ec = co_await connect_from(socket, "127.0.0.2", "127.0.0.1", port, 5s);
    EXPECT_FALSE(ec) << ec.message();
    auto peer = co_await acceptor.async_accept(asio::use_awaitable);
    EXPECT_EQ(peer.remote_endpoint().address().to_string(), "127.0.0.2");
    EXPECT_EQ(socket.local_endpoint().address().to_string(), "127.0.0.2");
  });
}

TEST(ConnectFrom, EmptyLocalAddressLetsTheKernelChoose) {
  asio::io_context io;
  tcp::acceptor acceptor(io, tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0));
  run_coro(io, [&]() -> asio::awaitable<void> {
    tcp::socket socket(io);
    auto ec = co_await connect_from(socket, "", "127.0.0.1", acceptor.local_endpoint().port(), 5s);
    EXPECT_FALSE(ec) << ec.message();
    EXPECT_TRUE(socket.is_open());
  });
}

TEST(ConnectFrom, RefusedConnectionIsAnError) {
  asio::io_context io;
  // A port just closed on this process's own address: no parallel test can
  // have taken it there, and a dial from another address cannot connect to
  // itself.
  const std::string target = fleet::testing::own_loopback(1);
  std::uint16_t port;
  {
    tcp::acceptor probe(io, tcp::endpoint(asio::ip::make_address(target), 0));
    port = probe.local_endpoint().port();
  }
  run_coro(io, [&]() -> asio::awaitable<void> {
    tcp::socket socket(io);
    auto ec = co_await connect_from(socket, "127.0.0.1", target, port, 5s);
    EXPECT_EQ(ec, asio::error::connection_refused) << ec.message();
    EXPECT_FALSE(socket.is_open());
  });
}

TEST(ConnectFrom, RejectsNamesAndBadLocalAddresses) {
  asio::io_context io;
  run_coro(io, [&]() -> asio::awaitable<void> {
    tcp::socket socket(io);
    EXPECT_TRUE(co_await connect_from(socket, "", "not-an-address", 21, 1s));
    // 192.0.2.1 (TEST-NET-1) is not a local address, so binding to it fails.
    EXPECT_TRUE(co_await connect_from(socket, "192.0.2.1", "127.0.0.1", 21, 1s));
    EXPECT_FALSE(socket.is_open());
  });
}

TEST(ConnectFrom, GivesUpAfterTheTimeout) {
  asio::io_context io;
  // A listener whose backlog is full leaves further SYNs unanswered, so the
  // connect hangs until our timeout.
  tcp::acceptor full(io);
  full.open(tcp::v4());
  full.bind(tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0));
  full.listen(0);
  const auto port = full.local_endpoint().port();
  std::vector<tcp::socket> fillers;
  run_coro(io, [&]() -> asio::awaitable<void> {
    std::error_code ec;
    for (int i = 0; i < 8 && !ec; ++i) {
      fillers.emplace_back(io);
      ec = co_await connect_from(fillers.back(), "127.0.0.1", "127.0.0.1", port, 300ms);
    }
    EXPECT_EQ(ec, asio::error::timed_out) << ec.message();
  });
}

}  // namespace
}  // namespace fleet::net
