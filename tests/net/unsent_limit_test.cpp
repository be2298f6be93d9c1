#include "net/unsent_limit.hpp"

#include <gtest/gtest.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>

#include "run_coro.hpp"

namespace fleet::net {
namespace {

int unsent_lowat(asio::ip::tcp::socket& socket) {
  int value = -1;
  socklen_t size = sizeof value;
  EXPECT_EQ(::getsockopt(socket.native_handle(), IPPROTO_TCP, TCP_NOTSENT_LOWAT, &value, &size), 0);
  return value;
}

TEST(UnsentLimit, SetsTheKernelsLowWaterMarkOnTheSocket) {
  asio::io_context io;
  auto [a, b] = testing::make_socket_pair(io);
  const int before = unsent_lowat(a);
  ASSERT_NE(before, kUnsentLimitBytes);  // the kernel's default is "no limit"
  limit_unsent(a);
  EXPECT_EQ(unsent_lowat(a), kUnsentLimitBytes);
  EXPECT_EQ(unsent_lowat(b), before);  // per socket, not per connection
  limit_unsent(b, 16 * 1024);
  EXPECT_EQ(unsent_lowat(b), 16 * 1024);
}

}  // namespace
}  // namespace fleet::net
