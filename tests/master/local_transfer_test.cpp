// LocalTransfer, the transfers the master carries itself, against a client
// played over real loopback sockets: a listing that is read completes, one
// that nobody reads ends after the stall timeout ([ftp] data_timeout).
#include "master/local_transfer.hpp"

#include <gtest/gtest.h>

#include <optional>
#include <string>

#include "../net/run_coro.hpp"

namespace fleet::master {
namespace {

using asio::ip::tcp;
using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

struct Run {
  std::optional<TransferOutcome> outcome;
  Clock::duration took{};
};

// Sends `payload` to a client (active mode: the master dials it) that reads
// all of it, or nothing at all, and waits for the outcome.
Run send_listing(std::string payload, bool client_reads, std::chrono::milliseconds stall_timeout) {
  asio::io_context io;
  tcp::acceptor client_listener(io, {asio::ip::make_address("127.0.0.1"), 0});
  ClientEnd end;
  end.dial = ftp::HostPort{"127.0.0.1", client_listener.local_endpoint().port()};
  end.local_ip = "127.0.0.1";
  end.timeout = 5s;
  end.stall_timeout = stall_timeout;
  std::uint64_t bytes_out = 0;
  Run run;
  const auto began = Clock::now();
  auto transfer = std::make_shared<LocalTransfer>(io.get_executor(), LocalTransfer::Mode::SendBytes, end, bytes_out,
                                                  [&](TransferOutcome o) {
                                                    run.outcome = std::move(o);
                                                    run.took = Clock::now() - began;
                                                  });
  transfer->set_payload(std::move(payload));
  transfer->start();
  testing::run_coro(io, [&]() -> asio::awaitable<void> {
    auto client = co_await client_listener.async_accept(asio::use_awaitable);
    client.set_option(asio::socket_base::receive_buffer_size(16 * 1024));
    if (client_reads) co_await testing::read_all(client);
    asio::steady_timer wait(io);
    while (!run.outcome) {
      wait.expires_after(20ms);
      co_await wait.async_wait(net::use_tuple);
    }
  }, std::chrono::seconds(20));
  return run;
}

TEST(LocalTransfer, AListingThatIsReadCompletes) {
  const auto run = send_listing(std::string(3u << 20, 'l'), true, 1000ms);
  ASSERT_TRUE(run.outcome);
  EXPECT_TRUE(run.outcome->ok) << run.outcome->error;
  EXPECT_FALSE(run.outcome->stalled);
  EXPECT_EQ(run.outcome->bytes, 3u << 20);
}

TEST(LocalTransfer, AListingNobodyReadsEndsAfterTheStallTimeout) {
  const auto run = send_listing(std::string(32u << 20, 'l'), false, 500ms);
  ASSERT_TRUE(run.outcome);
  EXPECT_FALSE(run.outcome->ok);
  EXPECT_TRUE(run.outcome->stalled);
  EXPECT_FALSE(run.outcome->connect_failed);
  EXPECT_NE(run.outcome->error.find("no data moved"), std::string::npos) << run.outcome->error;
  EXPECT_LT(run.outcome->bytes, 32u << 20);
  EXPECT_EQ(failure_reply_code(*run.outcome, false), 426);
  EXPECT_GE(run.took, 500ms);
  EXPECT_LE(run.took, 3s);
}

TEST(TransferOutcome, AFullDiskIs452AndARefusal451) {
  link::TransferDone done;
  done.set_no_space(true);
  done.set_error("cannot write /f: No space left on device");
  const auto full = TransferOutcome::from(done);
  EXPECT_TRUE(full.no_space);
  EXPECT_EQ(failure_reply_code(full, false), 452);
  TransferOutcome refused;
  refused.refused = true;
  EXPECT_EQ(failure_reply_code(refused, false), 451);
  TransferOutcome never_connected;
  never_connected.connect_failed = true;
  EXPECT_EQ(failure_reply_code(never_connected, false), 425);
  EXPECT_EQ(failure_reply_code(never_connected, true), 426);
}

}  // namespace
}  // namespace fleet::master
