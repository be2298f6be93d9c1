// The master's connection never waits on another process's lock: while a
// second connection holds BEGIN EXCLUSIVE, a write fails at once with
// StoreBusy, reads go on (WAL), and retry_while_busy keeps the event loop
// serving while the write waits, then lands the write once the lock is
// released, or gives up after its limit.
#include "meta/busy_retry.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <asio.hpp>
#include <chrono>
#include <exception>
#include <functional>
#include <optional>

#include "meta/sqlite_db.hpp"
#include "meta/store.hpp"
#include "support/temp_dir.hpp"

namespace fleet::meta {
namespace {

using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;

class BusyRetryTest : public ::testing::Test {
 protected:
  BusyRetryTest() : file_(dir_.file("meta.sqlite")), store_(open_sqlite_store(file_)) {}

  // Another process's connection (as `fleetftp user add` or a sqlite3 shell
  // would open it), holding the write lock until release().
  void lock_elsewhere() {
    other_.emplace(file_);
    other_->exec("BEGIN EXCLUSIVE");
    other_->exec("INSERT INTO users (name, password_hash, home, enabled, created) VALUES ('x', 'h', '/', 1, 0)");
  }
  void release() { other_->exec("COMMIT"); }

  fleet::testing::TempDir dir_;
  std::filesystem::path file_;
  std::unique_ptr<MetaStore> store_;
  std::optional<Database> other_;
};

TEST_F(BusyRetryTest, ALockedWriteFailsAtOnceAndChangesNothing) {
  lock_elsewhere();
  const auto start = Clock::now();
  EXPECT_THROW(store_->make_dir("/d", "alice", 1), StoreBusy);
  EXPECT_LT(Clock::now() - start, milliseconds(100)) << "the event loop's connection waited for the lock";
  release();
  EXPECT_FALSE(store_->lookup("/d"));
  EXPECT_EQ(store_->make_dir("/d", "alice", 1), Status::Ok);
}

TEST_F(BusyRetryTest, ReadsDoNotWaitForAWriterAndSeeOnlyCommittedData) {
  ASSERT_EQ(store_->make_dir("/before", "alice", 1), Status::Ok);
  lock_elsewhere();
  const auto start = Clock::now();
  EXPECT_TRUE(store_->lookup("/before"));
  EXPECT_EQ(store_->list_dir("/").size(), 1u);
  EXPECT_FALSE(store_->get_user("x")) << "saw another connection's uncommitted row";
  EXPECT_LT(Clock::now() - start, milliseconds(100));
  release();
  EXPECT_TRUE(store_->get_user("x"));
}

TEST_F(BusyRetryTest, AnotherConnectionOpensWithoutWaitingForTheLock) {
  lock_elsewhere();
  const auto start = Clock::now();
  auto another = store_->open_another();
  EXPECT_LT(Clock::now() - start, milliseconds(100)) << "opening another connection waited for the lock";
  EXPECT_TRUE(another->lookup("/"));
}

TEST_F(BusyRetryTest, AWaitingConnectionWaitsUpToItsBusyTimeout) {
  auto tool = open_sqlite_store(file_, StoreOptions{milliseconds(200)});
  lock_elsewhere();
  const auto start = Clock::now();
  EXPECT_THROW(tool->make_dir("/d", "alice", 1), StoreBusy);
  EXPECT_GE(Clock::now() - start, milliseconds(150));
}

TEST_F(BusyRetryTest, TheLoopKeepsServingWhileAWriteWaitsAndTheWriteLandsAfterTheRelease) {
  lock_elsewhere();
  asio::io_context io;
  std::optional<Status> written;
  std::exception_ptr error;
  auto write = [&]() -> asio::awaitable<void> {
    auto mkdir = [&] { return store_->make_dir("/during", "alice", 1); };
    written = co_await retry_while_busy(io.get_executor(), "MKD /during", std::move(mkdir));
  };
  asio::co_spawn(io, write, [&](std::exception_ptr e) { error = e; });

  // Another client's work on the same loop: a tick every 5 ms.
  asio::steady_timer ticker(io);
  int ticks = 0;
  auto last_tick = Clock::now();
  Clock::duration worst_gap{};
  std::function<void()> tick = [&] {
    ticker.expires_after(milliseconds(5));
    ticker.async_wait([&](std::error_code ec) {
      if (ec) return;
      const auto now = Clock::now();
      worst_gap = std::max(worst_gap, now - last_tick);
      last_tick = now;
      ++ticks;
      tick();
    });
  };
  tick();

  io.run_for(milliseconds(400));
  EXPECT_FALSE(written) << "the write landed while the lock was held";
  EXPECT_FALSE(error);
  EXPECT_GE(ticks, 20);
  EXPECT_LT(worst_gap, milliseconds(100)) << "the loop was blocked";
  EXPECT_FALSE(store_->lookup("/during"));

  release();
  const auto deadline = Clock::now() + std::chrono::seconds(5);
  while (!written && !error && Clock::now() < deadline) io.run_for(milliseconds(10));
  ticker.cancel();
  ASSERT_FALSE(error);
  ASSERT_TRUE(written) << "the write did not land after the release";
  EXPECT_EQ(*written, Status::Ok);
  EXPECT_TRUE(store_->lookup("/during"));
}

TEST_F(BusyRetryTest, AWriteGivesUpWithStoreBusyAfterItsLimit) {
  lock_elsewhere();
  asio::io_context io;
  std::exception_ptr error;
  bool finished = false;
  auto write = [&]() -> asio::awaitable<void> {
    auto rm = [&] { store_->set_node_flag("n1", "draining", true); };
    co_await retry_while_busy(io.get_executor(), "drain flag", std::move(rm),
                              BusyRetry{milliseconds(5), milliseconds(20), milliseconds(150)});
  };
  const auto start = Clock::now();
  asio::co_spawn(io, write, [&](std::exception_ptr e) {
    finished = true;
    error = e;
  });
  io.run_for(std::chrono::seconds(5));
  ASSERT_TRUE(finished);
  ASSERT_TRUE(error);
  EXPECT_THROW(std::rethrow_exception(error), StoreBusy);
  EXPECT_GE(Clock::now() - start, milliseconds(100));
  release();
  EXPECT_FALSE(store_->node_flag("n1", "draining"));
}

}  // namespace
}  // namespace fleet::meta
