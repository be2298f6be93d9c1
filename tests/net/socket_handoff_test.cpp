#include "net/socket_handoff.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include "run_coro.hpp"

namespace fleet::net {
namespace {

using asio::ip::tcp;
using namespace std::chrono_literals;
using testing::make_socket_pair;
using testing::read_all;
using testing::run_coro;

TEST(HandoffScope, NamesBootNamespaceAndUser) {
  const auto scope = handoff_scope();
  ASSERT_FALSE(scope.empty());
  EXPECT_EQ(scope, handoff_scope());
  EXPECT_NE(scope.find(":" + std::to_string(::geteuid())), std::string::npos) << scope;
}

TEST(HandoffName, IsFreshEachTime) {
  const auto a = new_handoff_name(), b = new_handoff_name();
  EXPECT_NE(a, b);
  EXPECT_EQ(a.rfind("fleetftp-handoff-", 0), 0u) << a;
}

// A listener whose receiver keeps what it is given.
struct Receiving {
  std::unique_ptr<HandoffListener> listener;
  std::optional<tcp::socket> taken;
  std::uint64_t tag = 0;
  bool accept = true;

  explicit Receiving(asio::io_context& io) {
    std::error_code ec;
    listener = HandoffListener::open(io.get_executor(), new_handoff_name(), ec);
    EXPECT_TRUE(listener) << ec.message();
    asio::co_spawn(io, listener->serve([this](std::uint64_t t, tcp::socket s) {
      tag = t;
      if (!accept) return false;
      taken.emplace(std::move(s));
      return true;
    }),
                   asio::detached);
  }
  ~Receiving() { listener->close(); }
};

TEST(SocketHandoff, TheReceiverTalksToTheSameClient) {
  asio::io_context io;
  Receiving receiving(io);
  auto pair = make_socket_pair(io);
  run_coro(io, [&]() -> asio::awaitable<void> {
    auto ec = co_await hand_off_socket(io.get_executor(), receiving.listener->name(), 0x0102030405060708ull,
                                       pair.server, 5s);
    EXPECT_FALSE(ec) << ec.message();
    EXPECT_EQ(receiving.tag, 0x0102030405060708ull);
    EXPECT_TRUE(receiving.taken.has_value());
    if (!receiving.taken) co_return;
    // The sender lets go of its descriptor; the connection lives on.
    pair.server.close();
    const std::string message = "bytes from the receiving process";
    co_await asio::async_write(*receiving.taken, asio::buffer(message), asio::use_awaitable);
    receiving.taken->shutdown(tcp::socket::shutdown_send);
    EXPECT_EQ(co_await read_all(pair.client), message);
  });
}

TEST(SocketHandoff, ARefusalIsAnErrorForTheSender) {
  asio::io_context io;
  Receiving receiving(io);
  receiving.accept = false;
  auto pair = make_socket_pair(io);
  run_coro(io, [&]() -> asio::awaitable<void> {
    auto ec = co_await hand_off_socket(io.get_executor(), receiving.listener->name(), 7, pair.server, 5s);
    EXPECT_EQ(ec, std::errc::connection_refused) << ec.message();
    EXPECT_EQ(receiving.tag, 7u);
    // The sender still has a working connection.
    EXPECT_TRUE(pair.server.is_open());
  });
}

TEST(SocketHandoff, NoListenerAtTheNameIsAnError) {
  asio::io_context io;
  auto pair = make_socket_pair(io);
  run_coro(io, [&]() -> asio::awaitable<void> {
    auto ec = co_await hand_off_socket(io.get_executor(), new_handoff_name(), 1, pair.server, 5s);
    EXPECT_TRUE(ec);
  });
}

TEST(SocketHandoff, GarbageWithoutADescriptorIsRefused) {
  asio::io_context io;
  Receiving receiving(io);
  run_coro(io, [&]() -> asio::awaitable<void> {
    asio::local::stream_protocol::socket s(io);
    std::string path(1, '\0');
    path += receiving.listener->name();
    co_await s.async_connect(asio::local::stream_protocol::endpoint(path), asio::use_awaitable);
    co_await asio::async_write(s, asio::buffer(std::string("12345678")), asio::use_awaitable);
    char verdict = 0;
    co_await asio::async_read(s, asio::buffer(&verdict, 1), asio::use_awaitable);
    EXPECT_EQ(verdict, '0');
    EXPECT_FALSE(receiving.taken.has_value());
  });
}

TEST(SocketHandoff, ADescriptorThatIsNotATcpConnectionIsRefused) {
  asio::io_context io;
  Receiving receiving(io);
  int pipe_fds[2];
  ASSERT_EQ(::pipe(pipe_fds), 0);
  // A pipe dressed up as a TCP socket: the sender cannot tell, the receiver must.
  tcp::socket not_tcp(io);
  not_tcp.assign(tcp::v4(), pipe_fds[0]);
  run_coro(io, [&]() -> asio::awaitable<void> {
    auto ec = co_await hand_off_socket(io.get_executor(), receiving.listener->name(), 1, not_tcp, 5s);
    EXPECT_EQ(ec, std::errc::connection_refused) << ec.message();
    EXPECT_FALSE(receiving.taken.has_value());
  });
  ::close(pipe_fds[1]);
}

}  // namespace
}  // namespace fleet::net
