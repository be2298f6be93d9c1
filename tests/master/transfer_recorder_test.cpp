// TransferRecorder: records reach the store in batches, never get lost on
// the way (timer, full batch, destruction) and the xferlog gets every line.
#include "master/transfer_recorder.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <string>

#include "meta/sqlite_db.hpp"

namespace fleet::master {
namespace {

namespace fs = std::filesystem;

meta::TransferRecord record(std::string path) {
  meta::TransferRecord r;
  r.time = 1'800'000'000;
  r.user = "alice";
  r.client_ip = "127.0.0.1";
  r.path = std::move(path);
  r.direction = 'o';
  r.bytes = 4096;
  r.complete = true;
  r.node = "n1";
  return r;
}

std::size_t lines_in(const fs::path& file) {
  std::ifstream in(file);
  std::size_t n = 0;
  for (std::string line; std::getline(in, line);) ++n;
  return n;
}

class TransferRecorderTest : public ::testing::Test {
 protected:
  TransferRecorderTest() : dir_(fs::temp_directory_path() / ("recorder-test-" + std::to_string(::getpid()))) {
    fs::create_directories(dir_);
    store_ = meta::open_sqlite_store(dir_ / "meta.sqlite");
    log_ = std::make_unique<TransferLog>(dir_ / "xferlog");
  }
  ~TransferRecorderTest() override { fs::remove_all(dir_); }

  fs::path dir_;
  asio::io_context io_;
  std::unique_ptr<meta::MetaStore> store_;
  std::unique_ptr<TransferLog> log_;
};

TEST_F(TransferRecorderTest, WritesABatchAfterTheDelay) {
  TransferRecorder recorder(io_.get_executor(), *store_, *log_, std::chrono::milliseconds(20));
  recorder.add(record("/a"), false);
  recorder.add(record("/b"), false);
  EXPECT_TRUE(store_->recent_transfers(10).empty()) << "written before the delay";
  io_.run_for(std::chrono::milliseconds(500));
  const auto got = store_->recent_transfers(10);
  ASSERT_EQ(got.size(), 2u);
  EXPECT_EQ(got[0].path, "/b");  // newest first
  EXPECT_EQ(got[1].path, "/a");
  EXPECT_EQ(lines_in(dir_ / "xferlog"), 2u);
}

TEST_F(TransferRecorderTest, AFullBatchIsWrittenAtOnce) {
  TransferRecorder recorder(io_.get_executor(), *store_, *log_, std::chrono::hours(1));
  for (std::size_t i = 0; i < TransferRecorder::kMaxBatch; ++i) recorder.add(record("/f" + std::to_string(i)), false);
  EXPECT_EQ(store_->recent_transfers(TransferRecorder::kMaxBatch + 1).size(), TransferRecorder::kMaxBatch);
}

TEST_F(TransferRecorderTest, PendingRecordsAreWrittenOnDestruction) {
  {
    TransferRecorder recorder(io_.get_executor(), *store_, *log_, std::chrono::hours(1));
    recorder.add(record("/last"), true);
  }
  const auto got = store_->recent_transfers(10);
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0].path, "/last");
  EXPECT_EQ(lines_in(dir_ / "xferlog"), 1u);
}

TEST_F(TransferRecorderTest, ATimerFiringAfterAnEarlyFlushWritesNothingTwice) {
  TransferRecorder recorder(io_.get_executor(), *store_, *log_, std::chrono::milliseconds(10));
  recorder.add(record("/once"), false);
  recorder.flush();
  io_.run_for(std::chrono::milliseconds(100));
  EXPECT_EQ(store_->recent_transfers(10).size(), 1u);
}

// Another process holds the database's write lock: the loop is not held up,
// the records wait, and they all land once the lock is released.
TEST_F(TransferRecorderTest, RecordsWaitForALockedDatabaseWithoutBlockingAndLandAfterTheRelease) {
  meta::Database other(dir_ / "meta.sqlite");
  other.exec("BEGIN EXCLUSIVE");
  TransferRecorder recorder(io_.get_executor(), *store_, *log_, std::chrono::milliseconds(10));
  for (std::size_t i = 0; i < TransferRecorder::kMaxBatch + 10; ++i)
    recorder.add(record("/locked" + std::to_string(i)), false);  // a full batch meets the lock too
  const auto start = std::chrono::steady_clock::now();
  io_.run_for(std::chrono::milliseconds(300));
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::milliseconds(1000));
  EXPECT_EQ(recorder.pending(), TransferRecorder::kMaxBatch + 10);
  EXPECT_TRUE(store_->recent_transfers(10).empty());
  EXPECT_EQ(lines_in(dir_ / "xferlog"), TransferRecorder::kMaxBatch + 10) << "the xferlog waited for the database";

  other.exec("COMMIT");
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
  while (recorder.pending() > 0 && std::chrono::steady_clock::now() < deadline)
    io_.run_for(std::chrono::milliseconds(20));
  EXPECT_EQ(recorder.pending(), 0u);
  EXPECT_EQ(store_->recent_transfers(10'000).size(), TransferRecorder::kMaxBatch + 10);
}

}  // namespace
}  // namespace fleet::master
