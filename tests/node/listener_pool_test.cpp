#include "node/listener_pool.hpp"

#include <gtest/gtest.h>

#include <algorithm>

#include "../net/run_coro.hpp"
#include "support/own_loopback.hpp"

namespace fleet::node {
namespace {

using namespace std::chrono_literals;
using asio::ip::tcp;

// Below the kernel's ephemeral range, apart from the ranges of other tests.
constexpr net::PortRange kRange{32300, 32309};
// Listeners are opened on this process's own loopback address.
const std::string kHere = testing::own_loopback(1);

bool refused(std::uint16_t port) {
  asio::io_context io;
  tcp::socket s(io);
  std::error_code ec;
  s.connect({asio::ip::make_address(kHere), port}, ec);
  return ec == asio::error::connection_refused;
}

TEST(ListenerPool, OpensListenersFromTheRangeUpToItsSize) {
  asio::io_context io;
  net::PortCursor cursor(kRange);
  ListenerPool pool(io.get_executor(), cursor, {kHere}, 3);
  const auto ports = pool.ports();
  ASSERT_EQ(ports.size(), 3u);
  for (auto p : ports) {
    EXPECT_GE(p, kRange.first);
    EXPECT_LE(p, kRange.last);
    EXPECT_FALSE(refused(p));
  }
  // A range shorter than the pool gives what it has.
  net::PortCursor rest(kRange);
  ListenerPool second(io.get_executor(), rest, {kHere}, 50);
  EXPECT_EQ(second.ports().size(), kRange.size() - 3);
  EXPECT_TRUE(second.refill().empty());
}

TEST(ListenerPool, ATakenListenerLeavesThePoolAndIsReplacedByAFreshPort) {
  asio::io_context io;
  net::PortCursor cursor(kRange);
  ListenerPool pool(io.get_executor(), cursor, {kHere}, 2);
  const auto before = pool.ports();
  ASSERT_EQ(before.size(), 2u);
  auto taken = pool.take(before[0]);
  ASSERT_TRUE(taken);
  EXPECT_EQ(taken->port(), before[0]);
  EXPECT_FALSE(pool.take(before[0]));                              // once only
  EXPECT_FALSE(pool.take(static_cast<std::uint16_t>(kRange.last + 1)));  // never in the pool
  const auto fresh = pool.refill();
  ASSERT_EQ(fresh.size(), 1u);
  EXPECT_NE(fresh[0], before[0]);
  EXPECT_NE(fresh[0], before[1]);
  EXPECT_TRUE(pool.refill().empty());  // full again

  // The used one closes with its ticket: a late connection is refused.
  taken->close();
  EXPECT_TRUE(refused(before[0]));
}

TEST(ListenerPool, IsLowOnceHalfItsListenersAreTaken) {
  asio::io_context io;
  net::PortCursor cursor(kRange);
  ListenerPool pool(io.get_executor(), cursor, {kHere}, 4);
  auto ports = pool.ports();
  ASSERT_EQ(ports.size(), 4u);
  EXPECT_FALSE(pool.low());
  auto one = pool.take(ports[0]);
  EXPECT_FALSE(pool.low());
  auto two = pool.take(ports[1]);
  EXPECT_TRUE(pool.low());
  EXPECT_EQ(pool.refill().size(), 2u);
  EXPECT_FALSE(pool.low());
}

TEST(ListenerPool, ATakenListenerAcceptsLikeAnyOther) {
  asio::io_context io;
  net::PortCursor cursor(kRange);
  ListenerPool pool(io.get_executor(), cursor, {kHere}, 1);
  ASSERT_EQ(pool.ports().size(), 1u);
  auto listener = pool.take(pool.ports()[0]);
  testing::run_coro(io, [&]() -> asio::awaitable<void> {
    tcp::socket client(io);
    client.connect({asio::ip::make_address(kHere), listener->port()});
    auto accepted = co_await listener->accept("127.0.0.1", 5s);
    EXPECT_TRUE(accepted.has_value());
  });
}

TEST(ListenerPool, CloseClosesEveryWaitingListener) {
  asio::io_context io;
  net::PortCursor cursor(kRange);
  ListenerPool pool(io.get_executor(), cursor, {kHere}, 2);
  const auto ports = pool.ports();
  pool.close();
  EXPECT_TRUE(pool.ports().empty());
  for (auto p : ports) EXPECT_TRUE(refused(p));
}

}  // namespace
}  // namespace fleet::node
