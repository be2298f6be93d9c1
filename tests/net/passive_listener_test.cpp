#include "net/passive_listener.hpp"

#include <gtest/gtest.h>
#include <sys/socket.h>

#include <filesystem>
#include <fstream>

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
constexpr net::PortRange kRange{32100, 32139};
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

// True when an epoll set of this process watches a listening socket on
// `port` (read from /proc/self/fdinfo of each epoll descriptor).
bool watched_by_an_event_loop(std::uint16_t port) {
  for (const auto& entry : std::filesystem::directory_iterator("/proc/self/fd")) {
    std::error_code ec;
    if (std::filesystem::read_symlink(entry.path(), ec).string() != "anon_inode:[eventpoll]") continue;
    std::ifstream info("/proc/self/fdinfo/" + entry.path().filename().string());
    std::string word;
    while (info >> word) {
      if (word != "tfd:") continue;
      int fd = -1;
      info >> fd;
      tcp::endpoint local;
      auto length = static_cast<socklen_t>(local.capacity());
      int listening = 0;
      socklen_t size = sizeof listening;
      if (::getsockname(fd, local.data(), &length) != 0) continue;
      local.resize(length);
      if (::getsockopt(fd, SOL_SOCKET, SO_ACCEPTCONN, &listening, &size) == 0 && listening && local.port() == port)
        return true;
    }
  }
  return false;
}

TEST(PortCursor, RotatesThroughTheRangeAndWraps) {
  PortCursor cursor(net::PortRange{5000, 5002});
  EXPECT_EQ(cursor.next(), 5000);
  EXPECT_EQ(cursor.next(), 5001);
  EXPECT_EQ(cursor.next(), 5002);
  EXPECT_EQ(cursor.next(), 5000);
}

TEST(PortCursor, SinglePortRange) {
  PortCursor cursor(net::PortRange{6000, 6000});
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

// An accept() that gets no connection ends at its deadline, or at close()
// before that.
TEST(PassiveListener, AnAcceptWithoutAConnectionEndsAtItsDeadlineOrAtClose) {
  asio::io_context io;
  PortCursor cursor(kRange);
  for (const bool closed : {false, true}) {
    auto listener = PassiveListener::open(io.get_executor(), cursor, {kA});
    ASSERT_TRUE(listener);
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
        EXPECT_LT(took, 5s);
      } else {
        EXPECT_GE(took, 190ms);
      }
    });
  }
}

// A client that connects before accept() wakes no one: the listening socket
// is in no epoll set of the process until accept() has to wait, and accept()
// then finds the connection queued.
TEST(PassiveListener, AConnectionBeforeAcceptWaitsUnwatched) {
  asio::io_context io;
  PortCursor cursor(kRange);
  auto listener = PassiveListener::open(io.get_executor(), cursor, {kA, kB});
  ASSERT_TRUE(listener);
  auto client = connect_from(io, "127.0.0.1", kB, listener->port());
  io.poll();
  EXPECT_FALSE(watched_by_an_event_loop(listener->port()));
  run_coro(io, [&]() -> asio::awaitable<void> { co_await expect_accepted(*listener, client); });
  EXPECT_FALSE(watched_by_an_event_loop(listener->port()));
}

// The other half: once accept() waits, the event loop watches the listener
// (which also shows that watched_by_an_event_loop() can see it).
TEST(PassiveListener, AWaitingAcceptWatchesTheListener) {
  asio::io_context io;
  PortCursor cursor(kRange);
  auto listener = PassiveListener::open(io.get_executor(), cursor, {kA});
  ASSERT_TRUE(listener);
  bool watched_while_waiting = false;
  std::optional<tcp::socket> client;
  asio::steady_timer later(io);
  later.expires_after(50ms);
  later.async_wait([&](std::error_code) {
    watched_while_waiting = watched_by_an_event_loop(listener->port());
    client = connect_from(io, "127.0.0.1", kA, listener->port());
  });
  run_coro(io, [&]() -> asio::awaitable<void> {
    auto accepted = co_await listener->accept("127.0.0.1", 5s);
    EXPECT_TRUE(accepted.has_value());
  });
  EXPECT_TRUE(watched_while_waiting);
}

// A connection from another address that reaches the port first never takes
// the client's place, whether it was queued before accept() or arrived while
// accept() waited: it is closed, and the client's connection behind it is
// the one accepted. (Both use one address, so the kernel queues them in
// that order.)
TEST(PassiveListener, RefusesOtherAddressesAndKeepsWaiting) {
  asio::io_context io;
  PortCursor cursor(kRange);
  for (const bool queued : {true, false}) {
    auto listener = PassiveListener::open(io.get_executor(), cursor, {kA, kB});
    ASSERT_TRUE(listener);
    std::optional<tcp::socket> thief;
    std::optional<tcp::socket> client;
    asio::steady_timer later(io);
    const auto connect_both = [&] {
      thief = connect_from(io, "127.0.0.3", kA, listener->port());
      client = connect_from(io, "127.0.0.1", kA, listener->port());
    };
    if (queued) {
      connect_both();
    } else {
      later.expires_after(50ms);
      later.async_wait([&](std::error_code) { connect_both(); });
    }
    run_coro(io, [&]() -> asio::awaitable<void> {
      auto accepted = co_await listener->accept("127.0.0.1", 5s);
      EXPECT_TRUE(accepted.has_value()) << "queued " << queued;
      if (accepted && client) {
        EXPECT_EQ(accepted->remote_endpoint().port(), client->local_endpoint().port());
      }
      // Closed by the refusal itself: the listener is still open.
      if (thief) co_await expect_closed(*thief);
    });
  }
}

// A closed listener takes nothing more: a new connection is refused, and one
// still queued in it is reset.
TEST(PassiveListener, AClosedListenerRefusesLateConnections) {
  asio::io_context io;
  PortCursor cursor(kRange);
  for (const bool connected : {false, true}) {
    auto listener = PassiveListener::open(io.get_executor(), cursor, {kA, kB});
    ASSERT_TRUE(listener);
    std::optional<tcp::socket> client;
    if (connected) client = connect_from(io, "127.0.0.1", kA, listener->port());
    const auto port = listener->port();
    listener.reset();
    tcp::socket late(io);
    std::error_code ec;
    late.connect(tcp::endpoint(asio::ip::make_address(kA), port), ec);
    EXPECT_EQ(ec, asio::error::connection_refused);
    if (client) run_coro(io, [&]() -> asio::awaitable<void> { co_await expect_closed(*client); });
  }
}

TEST(PassiveListener, SkipsABusyPort) {
  asio::io_context io;
  const net::PortRange range{32140, 32141};
  tcp::acceptor squatter(io, tcp::endpoint(asio::ip::make_address(kA), range.first));
  PortCursor cursor(range);
  auto listener = PassiveListener::open(io.get_executor(), cursor, {kA});
  ASSERT_TRUE(listener);
  EXPECT_EQ(listener->port(), range.last);
}

TEST(PassiveListener, ExhaustedRangeGivesNothing) {
  asio::io_context io;
  const net::PortRange range{32142, 32142};
  tcp::acceptor squatter(io, tcp::endpoint(asio::ip::make_address(kA), range.first));
  PortCursor cursor(range);
  EXPECT_FALSE(PassiveListener::open(io.get_executor(), cursor, {kA}));
}

TEST(PassiveListener, SamePortOnTwoAddresses) {
  asio::io_context io;
  // A port busy on the second address only must be skipped too.
  const net::PortRange range{32143, 32144};
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
