#include "cluster/link_connection.hpp"

#include <gtest/gtest.h>

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "../net/run_coro.hpp"

namespace fleet::cluster {
namespace {

using asio::ip::tcp;

link::Envelope file_op(const std::string& path) {
  link::Envelope env;
  env.mutable_file_op()->set_kind(link::DELETE);
  env.mutable_file_op()->set_path(path);
  return env;
}

std::string frame_of(const link::Envelope& env) {
  const auto body = env.SerializeAsString();
  const auto n = static_cast<std::uint32_t>(body.size());
  std::string frame{static_cast<char>(n >> 24), static_cast<char>(n >> 16), static_cast<char>(n >> 8),
                    static_cast<char>(n)};
  return frame + body;
}

std::size_t bytes_waiting(tcp::socket& s) {
  asio::socket_base::bytes_readable readable;
  s.io_control(readable);
  return readable.get();
}

// The paths of the next `count` FileOps read from `link` (fewer if it ends).
asio::awaitable<std::vector<std::string>> read_paths(LinkConnection& link, int count) {
  std::vector<std::string> paths;
  for (int i = 0; i < count; ++i) {
    auto env = co_await link.read_one();
    if (!env) break;
    paths.push_back(env->file_op().path());
  }
  co_return paths;
}

TEST(LinkConnection, MessagesSentInOneHandlerLeaveInOneWriteAfterIt) {
  asio::io_context io;
  auto [raw, mine] = testing::make_socket_pair(io);
  auto link = std::make_shared<LinkConnection>(std::move(mine));
  link->send(file_op("/a"));
  link->send(file_op("/b"));
  link->send(file_op("/c"));
  // Nothing is written while the handler that sends is still running.
  EXPECT_EQ(bytes_waiting(raw), 0u);
  io.poll();
  const std::string expected = frame_of(file_op("/a")) + frame_of(file_op("/b")) + frame_of(file_op("/c"));
  ASSERT_EQ(bytes_waiting(raw), expected.size());
  std::string got(expected.size(), '\0');
  asio::read(raw, asio::buffer(got));
  EXPECT_EQ(got, expected);
}

TEST(LinkConnection, FlushWritesAtOnce) {
  asio::io_context io;
  auto [raw, mine] = testing::make_socket_pair(io);
  auto link = std::make_shared<LinkConnection>(std::move(mine));
  link->send(file_op("/now"));
  link->flush();
  const auto expected = frame_of(file_op("/now"));
  EXPECT_EQ(bytes_waiting(raw), expected.size());
  io.poll();  // the posted flush finds nothing left to write
  EXPECT_EQ(bytes_waiting(raw), expected.size());
}

TEST(LinkConnection, ReadsFramesSplitAcrossWritesAndSeveralInOneRead) {
  asio::io_context io;
  auto [raw, mine] = testing::make_socket_pair(io);
  auto link = std::make_shared<LinkConnection>(std::move(mine));
  // Larger than one read of the link, so it arrives in many pieces.
  const std::string big(300 * 1024, 'x');
  const std::string stream = frame_of(file_op("/1")) + frame_of(file_op(big)) + frame_of(file_op("/3"));
  std::vector<std::string> paths;
  testing::run_coro(io, [&]() -> asio::awaitable<void> {
    auto writer = [&]() -> asio::awaitable<void> {
      // Header split in two, then the rest in uneven pieces, yielding between them.
      const std::size_t cuts[] = {2, 5, 9, 40000, 200000, stream.size()};
      std::size_t at = 0;
      for (const auto cut : cuts) {
        co_await asio::async_write(raw, asio::buffer(stream.data() + at, cut - at), asio::use_awaitable);
        at = cut;
        co_await asio::post(io, asio::use_awaitable);
      }
    };
    asio::co_spawn(io, writer(), asio::detached);
    paths = co_await read_paths(*link, 3);
  });
  ASSERT_EQ(paths.size(), 3u);
  EXPECT_EQ(paths[0], "/1");
  EXPECT_EQ(paths[1], big);
  EXPECT_EQ(paths[2], "/3");
}

TEST(LinkConnection, TwoLinksExchangeMessagesLargeAndSmallInOrder) {
  asio::io_context io;
  auto [a, b] = testing::make_socket_pair(io);
  auto left = std::make_shared<LinkConnection>(std::move(a));
  auto right = std::make_shared<LinkConnection>(std::move(b));
  const std::string big(1 << 20, 'y');  // more than the socket buffers take at once
  std::vector<std::string> paths;
  testing::run_coro(io, [&]() -> asio::awaitable<void> {
    left->send(file_op("/first"));
    left->send(file_op(big));
    left->send(file_op("/last"));
    paths = co_await read_paths(*right, 3);
  });
  ASSERT_EQ(paths.size(), 3u);
  EXPECT_EQ(paths[0], "/first");
  EXPECT_EQ(paths[1].size(), big.size());
  EXPECT_EQ(paths[2], "/last");
}

TEST(LinkConnection, AnOversizedOrUndecodableFrameEndsReading) {
  for (const std::string& bad : {std::string("\x7f\xff\xff\xff", 4), std::string("\0\0\0\3\xff\xff\xff", 7)}) {
    asio::io_context io;
    auto [raw, mine] = testing::make_socket_pair(io);
    auto link = std::make_shared<LinkConnection>(std::move(mine));
    asio::write(raw, asio::buffer(bad));
    bool got_one = true;
    testing::run_coro(io, [&]() -> asio::awaitable<void> { got_one = (co_await link->read_one()).has_value(); });
    EXPECT_FALSE(got_one);
  }
}

TEST(LinkConnection, ThePeerClosingEndsReading) {
  asio::io_context io;
  auto [raw, mine] = testing::make_socket_pair(io);
  auto link = std::make_shared<LinkConnection>(std::move(mine));
  // Half a frame, then the end of the stream.
  const auto frame = frame_of(file_op("/cut"));
  asio::write(raw, asio::buffer(frame.data(), frame.size() / 2));
  raw.close();
  bool got_one = true;
  testing::run_coro(io, [&]() -> asio::awaitable<void> { got_one = (co_await link->read_one()).has_value(); });
  EXPECT_FALSE(got_one);
}

// A message one byte over the frame limit once serialized.
link::Envelope oversized() {
  link::Envelope env;
  env.mutable_start_transfer()->set_kind(link::SEND_BYTES);
  env.mutable_start_transfer()->set_payload(std::string(LinkConnection::kMaxFrame, 'x'));
  EXPECT_GT(env.ByteSizeLong(), LinkConnection::kMaxFrame);
  return env;
}

TEST(LinkConnection, AnOversizedMessageIsNotSentAndTheLinkGoesOn) {
  asio::io_context io;
  auto [a, b] = testing::make_socket_pair(io);
  auto left = std::make_shared<LinkConnection>(std::move(a));
  auto right = std::make_shared<LinkConnection>(std::move(b));
  std::vector<std::string> paths;
  testing::run_coro(io, [&]() -> asio::awaitable<void> {
    EXPECT_TRUE(left->send(file_op("/before")));
    EXPECT_FALSE(left->send(oversized()));
    EXPECT_TRUE(left->send(file_op("/after")));
    paths = co_await read_paths(*right, 2);
  });
  EXPECT_EQ(paths, (std::vector<std::string>{"/before", "/after"}));
  EXPECT_TRUE(left->is_open());
  EXPECT_TRUE(right->is_open());
}

TEST(LinkConnection, AnOversizedRequestFailsAtOnceWithoutAReplyFromThePeer) {
  asio::io_context io;
  auto [raw, mine] = testing::make_socket_pair(io);
  auto link = std::make_shared<LinkConnection>(std::move(mine));
  std::optional<link::Envelope> reply;
  // Nobody answers on `raw`: an answer can only come from the link itself.
  testing::run_coro(io, [&]() -> asio::awaitable<void> {
    reply = co_await link->call(oversized(), std::chrono::seconds(20));
  }, std::chrono::seconds(5));
  ASSERT_TRUE(reply.has_value());
  ASSERT_TRUE(reply->has_op_result());
  EXPECT_FALSE(reply->op_result().ok());
  EXPECT_NE(reply->op_result().error().find("frame limit"), std::string::npos) << reply->op_result().error();
  io.poll();
  EXPECT_EQ(bytes_waiting(raw), 0u);
  EXPECT_TRUE(link->is_open());
}

TEST(LinkConnection, AnOversizedReplyBecomesAnErrorForThatRequest) {
  asio::io_context io;
  auto [a, b] = testing::make_socket_pair(io);
  auto asker = std::make_shared<LinkConnection>(std::move(a));
  auto answerer = std::make_shared<LinkConnection>(std::move(b));
  std::optional<link::Envelope> reply;
  std::function<void(link::Envelope)> answer = [&](link::Envelope request) {
    answerer->reply(request.id(), oversized());
  };
  asio::co_spawn(io, answerer->run(answer), asio::detached);
  asio::co_spawn(io, asker->run([](link::Envelope) {}), asio::detached);
  testing::run_coro(io, [&]() -> asio::awaitable<void> {
    reply = co_await asker->call(file_op("/big-answer"), std::chrono::seconds(20));
  }, std::chrono::seconds(10));
  ASSERT_TRUE(reply.has_value()) << "no reply: the link dropped or the reply was lost";
  ASSERT_TRUE(reply->has_op_result());
  EXPECT_FALSE(reply->op_result().ok());
  EXPECT_NE(reply->op_result().error().find("frame limit"), std::string::npos);
  EXPECT_TRUE(asker->is_open());
  EXPECT_TRUE(answerer->is_open());
  asker->close();
  answerer->close();
  io.run_for(std::chrono::milliseconds(50));
}

}  // namespace
}  // namespace fleet::cluster
