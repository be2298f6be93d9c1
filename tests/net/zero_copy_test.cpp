#include "net/zero_copy.hpp"

#include <fcntl.h>
#include <gtest/gtest.h>

#include <asio/experimental/awaitable_operators.hpp>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <random>

#include "net/unique_fd.hpp"
#include "run_coro.hpp"

namespace fleet::net {
namespace {

using namespace asio::experimental::awaitable_operators;
using testing::make_socket_pair;
using testing::read_all;
using testing::run_coro;

std::string random_bytes(std::size_t n, unsigned seed) {
  std::mt19937 gen(seed);
  std::string s(n, '\0');
  for (auto& c : s) c = static_cast<char>(gen());
  return s;
}

class TempFile {
 public:
  explicit TempFile(const std::string& content) {
    path_ = std::filesystem::temp_directory_path() /
            ("fleet_zero_copy_" + std::to_string(::getpid()) + "_" + std::to_string(counter_++));
    std::ofstream(path_, std::ios::binary) << content;
  }
  ~TempFile() { std::filesystem::remove(path_); }
  const std::filesystem::path& path() const { return path_; }

 private:
  static inline int counter_ = 0;
  std::filesystem::path path_;
};

TEST(AsyncSendfile, SendsFromAnOffsetByteForByte) {
  const auto content = random_bytes(5 * 1024 * 1024 + 17, 1);
  TempFile file(content);
  UniqueFd fd(::open(file.path().c_str(), O_RDONLY | O_CLOEXEC));
  ASSERT_TRUE(fd);
  asio::io_context io;
  auto pair = make_socket_pair(io);
  const std::uint64_t offset = 1234567;

  run_coro(io, [&]() -> asio::awaitable<void> {
    std::uint64_t sent = 0;
    auto send = [&]() -> asio::awaitable<std::error_code> {
      auto ec = co_await async_sendfile(pair.server, fd.get(), offset, content.size() - offset, sent);
      pair.server.shutdown(asio::ip::tcp::socket::shutdown_send);
      co_return ec;
    };
    auto [ec, received] = co_await (send() && read_all(pair.client));
    EXPECT_FALSE(ec) << ec.message();
    EXPECT_EQ(sent, content.size() - offset);
    EXPECT_EQ(received.size(), content.size() - offset);
    EXPECT_TRUE(received == content.substr(offset));
  });
}

TEST(AsyncSendfile, ReportsAFileShorterThanAsked) {
  TempFile file("short");
  UniqueFd fd(::open(file.path().c_str(), O_RDONLY | O_CLOEXEC));
  ASSERT_TRUE(fd);
  asio::io_context io;
  auto pair = make_socket_pair(io);
  run_coro(io, [&]() -> asio::awaitable<void> {
    std::uint64_t sent = 0;
    auto ec = co_await async_sendfile(pair.server, fd.get(), 0, 100, sent);
    EXPECT_EQ(ec, asio::error::eof);
    EXPECT_EQ(sent, 5u);
  });
}

TEST(AsyncSendfile, ClosedSocketIsAnError) {
  TempFile file("data");
  UniqueFd fd(::open(file.path().c_str(), O_RDONLY | O_CLOEXEC));
  asio::io_context io;
  asio::ip::tcp::socket closed(io);
  run_coro(io, [&]() -> asio::awaitable<void> {
    std::uint64_t sent = 0;
    auto ec = co_await async_sendfile(closed, fd.get(), 0, 4, sent);
    EXPECT_TRUE(ec);
    EXPECT_EQ(sent, 0u);
  });
}

TEST(AsyncSplice, MovesEverythingUntilEof) {
  const auto content = random_bytes(3 * 1024 * 1024 + 5, 2);
  asio::io_context io;
  auto source = make_socket_pair(io);  // writer: source.client, splice reads source.server
  auto sink = make_socket_pair(io);    // splice writes sink.server, reader: sink.client

  run_coro(io, [&]() -> asio::awaitable<void> {
    std::uint64_t moved = 0;
    auto write = [&]() -> asio::awaitable<void> {
      co_await asio::async_write(source.client, asio::buffer(content), asio::use_awaitable);
      source.client.shutdown(asio::ip::tcp::socket::shutdown_send);
    };
    auto relay = [&]() -> asio::awaitable<std::error_code> {
      auto ec = co_await async_splice(source.server, sink.server, moved);
      sink.server.shutdown(asio::ip::tcp::socket::shutdown_send);
      co_return ec;
    };
    auto [ec, received] = co_await (write() && relay() && read_all(sink.client));
    EXPECT_FALSE(ec) << ec.message();
    EXPECT_EQ(moved, content.size());
    EXPECT_EQ(received.size(), content.size());
    EXPECT_TRUE(received == content);
  });
}

TEST(AsyncSplice, SlowReaderStillGetsEverything) {
  const auto content = random_bytes(4 * 1024 * 1024, 3);
  asio::io_context io;
  auto source = make_socket_pair(io);
  auto sink = make_socket_pair(io);
  run_coro(io, [&]() -> asio::awaitable<void> {
    std::uint64_t moved = 0;
    auto write = [&]() -> asio::awaitable<void> {
      co_await asio::async_write(source.client, asio::buffer(content), asio::use_awaitable);
      source.client.shutdown(asio::ip::tcp::socket::shutdown_send);
    };
    auto relay = [&]() -> asio::awaitable<std::error_code> {
      auto ec = co_await async_splice(source.server, sink.server, moved);
      sink.server.shutdown(asio::ip::tcp::socket::shutdown_send);
      co_return ec;
    };
    // Reads in small pieces with pauses, so the relay keeps finding its sink full.
    auto slow_read = [&]() -> asio::awaitable<std::string> {
      std::string data;
      char buf[256 * 1024];
      asio::steady_timer pause(io);
      for (;;) {
        auto [ec, n] = co_await sink.client.async_read_some(asio::buffer(buf), net::use_tuple);
        data.append(buf, n);
        if (ec) break;
        pause.expires_after(std::chrono::milliseconds(1));
        co_await pause.async_wait(asio::use_awaitable);
      }
      co_return data;
    };
    auto [ec, received] = co_await (write() && relay() && slow_read());
    EXPECT_FALSE(ec) << ec.message();
    EXPECT_TRUE(received == content);
  });
}

}  // namespace
}  // namespace fleet::net
