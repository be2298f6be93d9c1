#include "net/passive_listener.hpp"

#include <gtest/gtest.h>

#include "net/dial.hpp"
#include "run_coro.hpp"
#include "support/own_loopback.hpp"

namespace fleet::net {
namespace {

using asio::ip::tcp;
using namespace std::chrono_literals;
using testing::run_coro;

// Below the kernel's ephemeral range (32768-60999), so outgoing connections of
// other tests never hold these ports.
constexpr config::PortRange kRange{32100, 32139};
// Listeners are opened on this process's own loopback addresses; clients
// connect from the fixed ones below (127.0.0.1 is the allowed one).
const std::string kA = testing::own_loopback(1);
const std::string kB = testing::own_loopback(2);
const std::string kC = testing::own_loopback(3);

tcp::socket connect_from(asio::io_context& io, const std::string& from, const std::string& to, std::uint16_t port) {
  tcp::socket s(io);
  s.open(tcp::v4());
  s.bind(tcp::endpoint(asio::ip::make_address(from), 0));
  s.connect(tcp::endpoint(asio::ip::make_address(to), port));
  return s;
}

// Runs the loop until `ready` holds (or a second passes).
template <class Ready>
void run_until(asio::io_context& io, Ready ready) {
  const auto deadline = std::chrono::steady_clock::now() + 1s;
  while (!ready() && std::chrono::steady_clock::now() < deadline) {
    io.restart();
    io.run_for(5ms);
  }
}

// The listener hands over `client`'s connection, as from 127.0.0.1.
asio::awaitable<void> expect_accepted(PassiveListener& listener, const tcp::socket& client) {
  auto accepted = co_await listener.accept("127.0.0.1", 5s);
  EXPECT_TRUE(accepted.has_value());
  if (accepted) {
    EXPECT_EQ(accepted->remote_endpoint().port(), client.local_endpoint().port());
  }
}

// The listener closed `thief`'s connection: it reads EOF.
asio::awaitable<void> expect_closed(tcp::socket& thief) {
  char byte;
  auto [ec, n] = co_await thief.async_read_some(asio::buffer(&byte, 1), net::use_tuple);
  EXPECT_TRUE(ec == asio::error::eof || ec == asio::error::connection_reset) << ec.message();
  EXPECT_EQ(n, 0u);
}

TEST(PortCursor, RotatesThroughTheRangeAndWraps) {
  PortCursor cursor(config::PortRange{5000, 5002});
  EXPECT_EQ(cursor.next(), 5000);
  EXPECT_EQ(cursor.next(), 5001);
  EXPECT_EQ(cursor.next(), 5002);
  EXPECT_EQ(cursor.next(), 5000);
}

TEST(PortCursor, SinglePortRange) {
  PortCursor cursor(config::PortRange{6000, 6000});
  EXPECT_EQ(cursor.next(), 6000);
  EXPECT_EQ(cursor.next(), 6000);
}

TEST(PassiveListener, AcceptsTheAllowedAddress) {
  asio::io_context io;
  PortCursor cursor(kRange);
  auto listener = PassiveListener::open(io.get_executor(), cursor, {kA});
  ASSERT_TRUE(listener);
  EXPECT_GE(listener->port(), kRange.first);
  EXPECT_LE(listener->port(), kRange.last);

  run_coro(io, [&]() -> asio::awaitable<void> {
    tcp::socket client(io);
    client.connect(tcp::endpoint(asio::ip::make_address(kA), listener->port()));
    auto accepted = co_await listener->accept("127.0.0.1", 5s);
    EXPECT_TRUE(accepted.has_value());
    if (accepted) {
      EXPECT_EQ(accepted->remote_endpoint().port(), client.local_endpoint().port());
    }
  });
}

TEST(PassiveListener, EmptyAllowedAddressAcceptsAnyone) {
  asio::io_context io;
  PortCursor cursor(kRange);
  auto listener = PassiveListener::open(io.get_executor(), cursor, {kA});
  ASSERT_TRUE(listener);
  run_coro(io, [&]() -> asio::awaitable<void> {
    tcp::socket client(io);
    client.open(tcp::v4());
    client.bind(tcp::endpoint(asio::ip::make_address("127.0.0.2"), 0));
    client.connect(tcp::endpoint(asio::ip::make_address(kA), listener->port()));
    auto accepted = co_await listener->accept("", 5s);
    EXPECT_TRUE(accepted.has_value());
  });
}

// With or without an early accept, an accept() that gets no connection ends
// at its deadline, or at close() before that.
TEST(PassiveListener, AnAcceptWithoutAConnectionEndsAtItsDeadlineOrAtClose) {
  asio::io_context io;
  PortCursor cursor(kRange);
  for (const bool early : {false, true}) {
    for (const bool closed : {false, true}) {
      auto listener = PassiveListener::open(io.get_executor(), cursor, {kA});
      ASSERT_TRUE(listener);
      if (early) listener->accept_early();
      asio::steady_timer closer(io);
      if (closed) {
        closer.expires_after(50ms);
        closer.async_wait([&](std::error_code) { listener->close(); });
      }
      run_coro(io, [&]() -> asio::awaitable<void> {
        const auto start = std::chrono::steady_clock::now();
        auto accepted = co_await listener->accept("127.0.0.1", std::chrono::milliseconds(closed ? 10000 : 200));
        EXPECT_FALSE(accepted.has_value());
        const auto took = std::chrono::steady_clock::now() - start;
        if (closed) {
          EXPECT_LT(took, 5s) << "early " << early;
        } else {
          EXPECT_GE(took, 190ms) << "early " << early;
        }
      });
    }
  }
}

TEST(PassiveListener, AConnectionAcceptedEarlyWaitsForAccept) {
  asio::io_context io;
  PortCursor cursor(kRange);
  auto listener = PassiveListener::open(io.get_executor(), cursor, {kA});
  ASSERT_TRUE(listener);
  listener->accept_early();
  EXPECT_FALSE(listener->connection_waiting());
  auto client = connect_from(io, "127.0.0.1", kA, listener->port());
  // The connection is accepted before anyone asks for it.
  run_until(io, [&] { return listener->connection_waiting(); });
  EXPECT_TRUE(listener->connection_waiting());
  run_coro(io, [&]() -> asio::awaitable<void> { co_await expect_accepted(*listener, client); });
  EXPECT_FALSE(listener->connection_waiting());
}

// A connection from another address is closed and waiting goes on, also
// when it was accepted early: then the early accept of the other address must
// not take the client's connection after the thief's.
TEST(PassiveListener, RefusesOtherAddressesAndKeepsWaiting) {
  asio::io_context io;
  PortCursor cursor(kRange);
  for (const bool early : {false, true}) {
    auto listener = PassiveListener::open(io.get_executor(), cursor, {kA, kB});
    ASSERT_TRUE(listener);
    if (early) listener->accept_early();
    auto thief = connect_from(io, "127.0.0.3", kB, listener->port());
    if (early) {
      run_until(io, [&] { return listener->connection_waiting(); });
      EXPECT_TRUE(listener->connection_waiting());
    }
    run_coro(io, [&]() -> asio::awaitable<void> {
      auto client = connect_from(io, "127.0.0.1", kA, listener->port());
      co_await expect_accepted(*listener, client);
      co_await expect_closed(thief);
    });
  }
}

TEST(PassiveListener, AnEarlyAcceptEndsWithItsListener) {
  asio::io_context io;
  PortCursor cursor(kRange);
  for (const bool connected : {false, true}) {
    auto listener = PassiveListener::open(io.get_executor(), cursor, {kA, kB});
    ASSERT_TRUE(listener);
    listener->accept_early();
    std::optional<tcp::socket> client;
    if (connected) client = connect_from(io, "127.0.0.1", kA, listener->port());
    io.restart();
    io.poll();
    const auto port = listener->port();
    listener.reset();  // completions still pending must not touch it
    io.restart();
    io.run_for(50ms);
    tcp::socket late(io);
    std::error_code ec;
    late.connect(tcp::endpoint(asio::ip::make_address(kA), port), ec);
    EXPECT_EQ(ec, asio::error::connection_refused);
  }
}

TEST(PassiveListener, SkipsABusyPort) {
  asio::io_context io;
  const config::PortRange range{32140, 32141};
  tcp::acceptor squatter(io, tcp::endpoint(asio::ip::make_address(kA), range.first));
  PortCursor cursor(range);
  auto listener = PassiveListener::open(io.get_executor(), cursor, {kA});
  ASSERT_TRUE(listener);
  EXPECT_EQ(listener->port(), range.last);
}

TEST(PassiveListener, ExhaustedRangeGivesNothing) {
  asio::io_context io;
  const config::PortRange range{32142, 32142};
  tcp::acceptor squatter(io, tcp::endpoint(asio::ip::make_address(kA), range.first));
  PortCursor cursor(range);
  EXPECT_FALSE(PassiveListener::open(io.get_executor(), cursor, {kA}));
}

TEST(PassiveListener, SamePortOnTwoAddresses) {
  asio::io_context io;
  // A port busy on the second address only must be skipped too.
  const config::PortRange range{32143, 32144};
  tcp::acceptor squatter(io, tcp::endpoint(asio::ip::make_address(kC), range.first));
  PortCursor two(range);
  auto listener = PassiveListener::open(io.get_executor(), two, {kA, "", kC});
  ASSERT_TRUE(listener);
  EXPECT_EQ(listener->port(), range.last);

  run_coro(io, [&]() -> asio::awaitable<void> {
    for (const std::string& address : {kC, kA}) {
      tcp::socket client(io);
      client.connect(tcp::endpoint(asio::ip::make_address(address), listener->port()));
      auto accepted = co_await listener->accept("127.0.0.1", 5s);
      EXPECT_TRUE(accepted.has_value()) << address;
      if (accepted) {
        EXPECT_EQ(accepted->local_endpoint().address().to_string(), address);
      }
    }
  });
}

}  // namespace
}  // namespace fleet::net
