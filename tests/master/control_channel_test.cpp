// ControlChannel against a real loopback connection: back-pressure from a full
// receiver, the line deadline and the output deadline.
#include "master/control_channel.hpp"

#include <gtest/gtest.h>

#include <deque>
#include <functional>

namespace fleet::master {
namespace {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

// A Session stand-in that holds at most `capacity` lines until the test takes them.
struct Receiver : LineReceiver {
  std::size_t capacity = 1000000;
  std::deque<std::string> queued;
  std::size_t total = 0;
  bool closed = false;
  std::function<void(const std::string&)> on_line;

  void push_line(std::string line, bool) override {
    ++total;
    if (on_line) on_line(line);
    queued.push_back(std::move(line));
  }
  void push_closed() override { closed = true; }
  bool accepts_lines() const override { return queued.size() < capacity; }
};

class ControlChannelTest : public ::testing::Test {
 protected:
  void connect(int client_receive_buffer = 0) {
    asio::ip::tcp::acceptor acceptor(io_, {asio::ip::make_address("127.0.0.1"), 0});
    client_.open(asio::ip::tcp::v4());
    if (client_receive_buffer) client_.set_option(asio::socket_base::receive_buffer_size(client_receive_buffer));
    client_.connect(acceptor.local_endpoint());
    auto server = acceptor.accept();
    channel_ = std::make_shared<ControlChannel>(std::move(server), limits_, bytes_out_);
    receiver_ = std::make_shared<Receiver>();
  }
  void start() { asio::co_spawn(io_, channel_->read_loop(receiver_), asio::detached); }

  // Runs the event loop until `done` holds or `timeout` passes; returns `done()`.
  bool run_until(const std::function<bool()>& done, std::chrono::milliseconds timeout = 5s) {
    const auto deadline = Clock::now() + timeout;
    while (!done() && Clock::now() < deadline) {
      io_.restart();
      io_.run_for(5ms);
    }
    return done();
  }

  std::string read_client(std::size_t at_most) {
    std::string buf(at_most, '\0');
    std::error_code ec;
    buf.resize(client_.read_some(asio::buffer(buf), ec));
    return buf;
  }

  asio::io_context io_;
  asio::ip::tcp::socket client_{io_};
  ControlChannelLimits limits_;
  std::uint64_t bytes_out_ = 0;
  std::shared_ptr<ControlChannel> channel_;
  std::shared_ptr<Receiver> receiver_;
};

TEST_F(ControlChannelTest, StopsReadingWhileTheReceiverIsFullAndKeepsEveryLineInOrder) {
  connect();
  receiver_->capacity = 4;
  start();
  std::string text;
  constexpr int kLines = 1000;
  for (int i = 0; i < kLines; ++i) text += "L" + std::to_string(i) + "\r\n";
  asio::write(client_, asio::buffer(text));

  ASSERT_TRUE(run_until([&] { return receiver_->queued.size() == 4; }));
  // The receiver is full: more event-loop time hands it nothing more.
  run_until([] { return false; }, 50ms);
  EXPECT_EQ(receiver_->total, 4u);

  std::vector<std::string> got;
  while (got.size() < kLines) {
    ASSERT_TRUE(run_until([&] { return !receiver_->queued.empty(); })) << got.size();
    EXPECT_LE(receiver_->queued.size(), 4u);
    for (auto& line : receiver_->queued) got.push_back(std::move(line));
    receiver_->queued.clear();
    channel_->resume_input();
  }
  for (int i = 0; i < kLines; ++i) ASSERT_EQ(got[i], "L" + std::to_string(i));
  EXPECT_FALSE(receiver_->closed);
}

TEST_F(ControlChannelTest, CutsOffALineThatDoesNotEndInTime) {
  limits_.line_timeout = 200ms;
  connect();
  start();
  asio::write(client_, asio::buffer(std::string("NOOP\r\nNOO")));
  const auto sent = Clock::now();
  ASSERT_TRUE(run_until([&] { return receiver_->closed; }));
  EXPECT_GE(Clock::now() - sent, 200ms);
  EXPECT_EQ(receiver_->total, 1u);  // the complete line was delivered
  const auto reply = read_client(200);
  EXPECT_EQ(reply.rfind("421 Command line not completed", 0), 0u) << reply;
}

TEST_F(ControlChannelTest, CompleteLinesNeverTripTheLineDeadline) {
  limits_.line_timeout = 100ms;
  connect();
  start();
  for (int i = 0; i < 4; ++i) {
    asio::write(client_, asio::buffer(std::string("NOOP\r\n")));
    ASSERT_TRUE(run_until([&] { return receiver_->total == static_cast<std::size_t>(i + 1); }));
    run_until([] { return false; }, 60ms);
  }
  EXPECT_FALSE(receiver_->closed);
}

TEST_F(ControlChannelTest, ALineBegunWhileOutputWaitsKeepsItsOwnDeadline) {
  limits_.line_timeout = 200ms;
  limits_.output_timeout = 30s;
  limits_.max_unsent_output = 1024 * 1024;
  connect(4096);
  channel_->socket().set_option(asio::socket_base::send_buffer_size(4096));
  receiver_->on_line = [this](const std::string&) { channel_->send(std::string(256 * 1024, 'x')); };
  start();
  // A reply the kernel cannot take at once arms the output deadline first...
  asio::write(client_, asio::buffer(std::string("NOOP\r\n")));
  ASSERT_TRUE(run_until([&] { return receiver_->total == 1; }));
  // ...then a half line must still be cut off after line_timeout, not output_timeout.
  asio::write(client_, asio::buffer(std::string("NOO")));
  const auto sent = Clock::now();
  client_.non_blocking(true);
  std::string received;
  bool eof = false;
  ASSERT_TRUE(run_until([&] {
    std::string buf(64 * 1024, '\0');
    std::error_code ec;
    buf.resize(client_.read_some(asio::buffer(buf), ec));
    received += buf;
    eof = ec == asio::error::eof;
    return eof;
  }));
  EXPECT_LT(Clock::now() - sent, 5s);
  EXPECT_GE(received.size(), 256u * 1024);  // the pending reply came first
  EXPECT_NE(received.find("421 Command line not completed"), std::string::npos);
}

TEST_F(ControlChannelTest, ClosesWhenNothingDrainsItsReplies) {
  limits_.output_timeout = 300ms;
  limits_.max_unsent_output = 4096;
  connect(4096);
  channel_->socket().set_option(asio::socket_base::send_buffer_size(4096));
  // Every line is answered with far more than the socket buffers hold, and
  // the client reads none of it.
  receiver_->on_line = [this](const std::string&) { channel_->send(std::string(256 * 1024, 'x')); };
  start();
  asio::write(client_, asio::buffer(std::string("NOOP\r\n")));
  ASSERT_TRUE(run_until([&] { return receiver_->total == 1; }));
  const auto stuck = Clock::now();
  ASSERT_TRUE(run_until([&] { return receiver_->closed; }));
  EXPECT_GE(Clock::now() - stuck, 250ms);
}

TEST_F(ControlChannelTest, StopsReadingWhileTheClientLeavesRepliesUnread) {
  limits_.max_unsent_output = 4096;
  connect(4096);
  channel_->socket().set_option(asio::socket_base::send_buffer_size(4096));
  receiver_->on_line = [this](const std::string&) { channel_->send(std::string(64 * 1024, 'x')); };
  start();
  asio::write(client_, asio::buffer(std::string("NOOP\r\n")));
  ASSERT_TRUE(run_until([&] { return receiver_->total == 1; }));
  // Later lines wait in the socket while the reply is unread...
  asio::write(client_, asio::buffer(std::string("NOOP\r\nNOOP\r\n")));
  run_until([] { return false; }, 50ms);
  EXPECT_EQ(receiver_->total, 1u);
  // ...and are read once the client takes its reply.
  std::size_t read = 0;
  ASSERT_TRUE(run_until([&] {
    client_.non_blocking(true);
    read += read_client(64 * 1024).size();
    return receiver_->total == 3;
  }));
  EXPECT_GE(read, 64u * 1024);
}

}  // namespace
}  // namespace fleet::master
