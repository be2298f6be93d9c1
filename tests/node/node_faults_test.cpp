// The node against faults that must end one transfer and nothing else: a data
// connection that stops moving (the link's data timeout), a disk that fills
// up or fails a call (injected through tests/node/faulty_disk.hpp), and a
// slow flush that must not hold up the heartbeats. Real node, real loopback
// sockets, the master played by FakeMaster.
#include <gtest/gtest.h>

#include <asio/experimental/awaitable_operators.hpp>
#include <string>

#include "fake_master.hpp"
#include "faulty_disk.hpp"
#include "node/node_server.hpp"
#include "node/stall_watch.hpp"
#include "support/own_loopback.hpp"
#include "support/temp_dir.hpp"

namespace fleet::node {
namespace {

using asio::ip::tcp;
using namespace std::chrono_literals;
using testing::FakeMaster;
using Body = link::Envelope::BodyCase;
using Clock = std::chrono::steady_clock;

constexpr const char* kKey = "test-link-key-0123456789";
const std::string kNodeIp = testing::own_loopback(2);
constexpr const char* kClientIp = "127.0.0.1";

TEST(StallWatch, FiresOnlyAfterTheLimitWithoutProgressAndOnlyOnceStarted) {
  StallWatch watch;
  const Clock::time_point t0{};
  EXPECT_FALSE(watch.stalled(0, t0 + 1h, 1s)) << "not started: a connection still being made";
  watch.start(t0, 100);
  EXPECT_FALSE(watch.stalled(100, t0 + 999ms, 1s));
  EXPECT_TRUE(watch.stalled(100, t0 + 1s, 1s));
  // Progress starts the count again from when it was seen.
  EXPECT_FALSE(watch.stalled(101, t0 + 1500ms, 1s));
  EXPECT_FALSE(watch.stalled(101, t0 + 2400ms, 1s));
  EXPECT_TRUE(watch.stalled(101, t0 + 2500ms, 1s));
}

TEST(StallWatch, SteadyProgressNeverStalls) {
  StallWatch watch;
  const Clock::time_point t0{};
  watch.start(t0, 0);
  for (int second = 1; second <= 600; ++second)
    ASSERT_FALSE(watch.stalled(static_cast<std::uint64_t>(second), t0 + std::chrono::seconds(second), 2s));
}

link::StartTransfer transfer(std::uint64_t ticket, link::TransferKind kind, std::string path) {
  link::StartTransfer st;
  st.set_ticket(ticket);
  st.set_kind(kind);
  st.set_path(std::move(path));
  return st;
}

asio::awaitable<tcp::socket> connect_to_node(std::uint16_t port) {
  tcp::socket s(co_await asio::this_coro::executor);
  s.open(tcp::v4());
  s.bind({asio::ip::make_address(kClientIp), 0});
  co_await s.async_connect({asio::ip::make_address(kNodeIp), port}, asio::use_awaitable);
  co_return s;
}

class NodeFaultsTest : public ::testing::Test {
 protected:
  asio::io_context io;
  testing::TempDir root;
  FakeMaster master{io, kKey};
  std::shared_ptr<testing::FaultyDisk> disk = std::make_shared<testing::FaultyDisk>();
  std::unique_ptr<NodeServer> server;
  bool server_done = false;

  void start_node(bool sync_uploads = false) {
    config::NodeConfig c;
    c.name = "n1";
    c.root = root.path();
    c.master_host = "127.0.0.1";
    c.master_port = master.port();
    c.link_key = kKey;
    c.data_address = kNodeIp;
    c.passive_ports = {32300, 32399};  // below the ephemeral range, apart from node_server_test's
    c.passive_pool = 0;
    c.reconnect_delay = 100ms;
    c.sync_uploads = sync_uploads;
    server = std::make_unique<NodeServer>(io, std::move(c), disk);
    asio::co_spawn(io, server->run(), [this](std::exception_ptr e) {
      server_done = true;
      if (e) ADD_FAILURE() << "NodeServer::run threw";
    });
  }

  void TearDown() override {
    if (!server) return;
    server->stop();
    const auto deadline = Clock::now() + 5s;
    while (!server_done && Clock::now() < deadline) io.run_one_for(50ms);
    EXPECT_TRUE(server_done) << "the node did not stop";
    if (master.link) master.link->close();
    io.run_for(50ms);
  }

  template <class Make>
  void run(Make make) {
    testing::run_coro(io, std::move(make));
  }

  asio::awaitable<void> connect_node() {
    EXPECT_TRUE(co_await master.accept_node());
    co_await master.read_registration();
    master.start();
  }

  asio::awaitable<std::uint16_t> open_passive(std::uint64_t ticket) {
    auto reply = co_await master.call(FakeMaster::open_passive(ticket, kClientIp, 5000));
    EXPECT_TRUE(reply && reply->has_passive_opened());
    co_return reply && reply->has_passive_opened() ? static_cast<std::uint16_t>(reply->passive_opened().port()) : 0;
  }

  asio::awaitable<bool> start(const link::StartTransfer& st) {
    auto reply = co_await master.call(FakeMaster::start(st));
    co_return reply && reply->has_op_result() && reply->op_result().ok();
  }

  asio::awaitable<link::TransferDone> done_event(std::chrono::milliseconds timeout = 5s) {
    auto env = co_await master.next(Body::kTransferDone, timeout);
    EXPECT_TRUE(env.has_value()) << "no TransferDone";
    co_return env ? env->transfer_done() : link::TransferDone{};
  }

  // Drops the events of `kind` queued so far; returns how many there were.
  asio::awaitable<int> drain(Body kind) {
    int n = 0;
    while (co_await master.next(kind, 0ms)) ++n;
    co_return n;
  }

  // No file of the upload (final or temporary) is left in `dir`.
  bool nothing_left_in(const std::string& dir) const {
    std::error_code ec;
    for (auto it = std::filesystem::recursive_directory_iterator(root.path() / dir, ec);
         !ec && it != std::filesystem::recursive_directory_iterator(); it.increment(ec))
      if (it->is_regular_file()) return false;
    return true;
  }
};

TEST_F(NodeFaultsTest, AClientThatNeverReadsIsCutOffAfterTheDataTimeout) {
  master.data_timeout_ms = 1000;
  start_node();
  root.write("huge.bin", std::string(32u << 20, 'h'));  // more than the socket buffers hold
  run([&]() -> asio::awaitable<void> {
    co_await connect_node();
    const auto port = co_await open_passive(1);
    auto client = co_await connect_to_node(port);
    EXPECT_TRUE(co_await start(transfer(1, link::SEND_FILE, "/huge.bin")));
    const auto began = Clock::now();
    const auto done = co_await done_event(6s);
    const auto took = Clock::now() - began;
    EXPECT_FALSE(done.ok());
    EXPECT_TRUE(done.stalled());
    EXPECT_FALSE(done.aborted());
    EXPECT_NE(done.error().find("no data moved"), std::string::npos) << done.error();
    EXPECT_GT(done.bytes(), 0u);
    EXPECT_LT(done.bytes(), 32u << 20);
    // The timeout and the once-a-second check, with room for a slow machine.
    EXPECT_GE(took, 900ms);
    EXPECT_LE(took, 4s);
    // The link goes on.
    co_await drain(Body::kHeartbeat);
    EXPECT_TRUE(co_await master.next(Body::kHeartbeat, 3s));
    EXPECT_FALSE(master.closed());
  });
}

TEST_F(NodeFaultsTest, AnUploadThatStopsArrivingIsCutOffAndLeavesNothing) {
  master.data_timeout_ms = 1000;
  start_node();
  run([&]() -> asio::awaitable<void> {
    co_await connect_node();
    const auto port = co_await open_passive(2);
    EXPECT_TRUE(co_await start(transfer(2, link::RECV_FILE, "/up/stuck.bin")));
    auto client = co_await connect_to_node(port);
    co_await asio::async_write(client, asio::buffer(std::string(5000, 'u')), asio::use_awaitable);
    // ...and then nothing, without closing.
    const auto done = co_await done_event(6s);
    EXPECT_FALSE(done.ok());
    EXPECT_TRUE(done.stalled());
    EXPECT_EQ(done.bytes(), 5000u);
    EXPECT_TRUE(nothing_left_in("up"));
  });
}

TEST_F(NodeFaultsTest, AFullDiskFailsThatUploadOnlyAndReportsTheSpaceFirst) {
  disk->faulty_name = "full.bin";
  disk->write_budget = 100000;
  start_node();
  const std::string big(300000, 'f'), small(20000, 's');
  run([&]() -> asio::awaitable<void> {
    co_await connect_node();
    // Another upload runs at the same time, on the same disk.
    const auto other_port = co_await open_passive(3);
    EXPECT_TRUE(co_await start(transfer(3, link::RECV_FILE, "/d/other.bin")));
    auto other = co_await connect_to_node(other_port);
    co_await asio::async_write(other, asio::buffer(small.data(), small.size() / 2), asio::use_awaitable);

    co_await drain(Body::kDiskStatus);
    const auto port = co_await open_passive(4);
    EXPECT_TRUE(co_await start(transfer(4, link::RECV_FILE, "/d/full.bin")));
    auto client = co_await connect_to_node(port);
    // The node may close the connection before it has all of it.
    co_await asio::async_write(client, asio::buffer(big), net::use_tuple);
    std::error_code ignored;
    client.shutdown(tcp::socket::shutdown_send, ignored);
    const auto done = co_await done_event();
    EXPECT_EQ(done.ticket(), 4u);
    EXPECT_FALSE(done.ok());
    EXPECT_TRUE(done.no_space());
    EXPECT_NE(done.error().find("No space left on device"), std::string::npos) << done.error();
    // The DiskStatus was sent before the TransferDone, so it is queued already.
    EXPECT_TRUE(co_await master.next(Body::kDiskStatus, 0ms)) << "no DiskStatus ahead of the TransferDone";
    EXPECT_FALSE(std::filesystem::exists(root.path() / "d/full.bin"));
    EXPECT_FALSE(std::filesystem::exists(root.path() / "d/.fleetftp-part.4.full.bin"));

    // The other upload finishes as if nothing happened.
    co_await asio::async_write(other, asio::buffer(small.data() + small.size() / 2, small.size() - small.size() / 2),
                               asio::use_awaitable);
    other.shutdown(tcp::socket::shutdown_send);
    const auto other_done = co_await done_event();
    EXPECT_EQ(other_done.ticket(), 3u);
    EXPECT_TRUE(other_done.ok()) << other_done.error();
    EXPECT_EQ(root.read("d/other.bin"), small);
    EXPECT_FALSE(master.closed());
  });
}

TEST_F(NodeFaultsTest, AnUploadThatCannotEvenBeCreatedOnAFullDiskIsRefusedAsNoSpace) {
  disk->faulty_name = "nospace.bin";
  disk->open_errno = ENOSPC;
  start_node();
  run([&]() -> asio::awaitable<void> {
    co_await connect_node();
    co_await open_passive(8);
    co_await drain(Body::kDiskStatus);
    // As the master's sessions send it: an event, refused in its TransferDone.
    master.link->send(FakeMaster::start(transfer(8, link::RECV_FILE, "/n/nospace.bin")));
    const auto done = co_await done_event();
    EXPECT_TRUE(done.refused());
    EXPECT_TRUE(done.no_space());
    EXPECT_NE(done.error().find("No space left on device"), std::string::npos) << done.error();
    EXPECT_TRUE(co_await master.next(Body::kDiskStatus, 0ms)) << "no DiskStatus ahead of the TransferDone";
  });
}

TEST_F(NodeFaultsTest, AnIoErrorOnRenameFailsThatUploadAndTheNextOneWorks) {
  disk->rename_errno = EIO;
  start_node();
  run([&]() -> asio::awaitable<void> {
    co_await connect_node();
    auto port = co_await open_passive(5);
    EXPECT_TRUE(co_await start(transfer(5, link::RECV_FILE, "/e/a.bin")));
    auto client = co_await connect_to_node(port);
    co_await asio::async_write(client, asio::buffer(std::string("lost")), asio::use_awaitable);
    client.shutdown(tcp::socket::shutdown_send);
    auto done = co_await done_event();
    EXPECT_FALSE(done.ok());
    EXPECT_FALSE(done.no_space());
    EXPECT_NE(done.error().find("Input/output error"), std::string::npos) << done.error();
    EXPECT_TRUE(nothing_left_in("e"));

    disk->rename_errno = 0;
    port = co_await open_passive(6);
    EXPECT_TRUE(co_await start(transfer(6, link::RECV_FILE, "/e/b.bin")));
    auto again = co_await connect_to_node(port);
    co_await asio::async_write(again, asio::buffer(std::string("kept")), asio::use_awaitable);
    again.shutdown(tcp::socket::shutdown_send);
    done = co_await done_event();
    EXPECT_TRUE(done.ok()) << done.error();
    EXPECT_EQ(root.read("e/b.bin"), "kept");
  });
}

TEST_F(NodeFaultsTest, ASlowFlushDelaysItsUploadButNotTheHeartbeats) {
  disk->sync_delay_ms = 2500;
  start_node(/*sync_uploads=*/true);
  run([&]() -> asio::awaitable<void> {
    co_await connect_node();
    const auto port = co_await open_passive(7);
    EXPECT_TRUE(co_await start(transfer(7, link::RECV_FILE, "/slow.bin")));
    auto client = co_await connect_to_node(port);
    co_await asio::async_write(client, asio::buffer(std::string(10000, 'w')), asio::use_awaitable);
    client.shutdown(tcp::socket::shutdown_send);
    co_await drain(Body::kHeartbeat);
    const auto began = Clock::now();
    const auto done = co_await done_event(8s);
    EXPECT_TRUE(done.ok()) << done.error();
    EXPECT_GE(Clock::now() - began, 2s);
    // Beats kept coming, once a second, while the disk thread was flushing.
    EXPECT_GE(co_await drain(Body::kHeartbeat), 2);
  });
}

}  // namespace
}  // namespace fleet::node
