// spawn and spawn_restarting: a coroutine that throws is logged with what it
// was doing and its recovery runs; one that finishes runs no recovery; a
// restarting loop is started again after a failure and stops once a run
// returns.
#include "net/spawn.hpp"

#include <gtest/gtest.h>
#include <spdlog/sinks/ostream_sink.h>
#include <spdlog/spdlog.h>

#include <asio.hpp>
#include <chrono>
#include <memory>
#include <sstream>
#include <stdexcept>
#include <string>

namespace fleet::net {
namespace {

// Captures what the default logger writes while a test runs.
class CapturedLog {
 public:
  CapturedLog() : previous_(spdlog::default_logger()) {
    auto sink = std::make_shared<spdlog::sinks::ostream_sink_mt>(out_);
    spdlog::set_default_logger(std::make_shared<spdlog::logger>("captured", sink));
  }
  ~CapturedLog() { spdlog::set_default_logger(previous_); }
  std::string text() const { return out_.str(); }

 private:
  std::ostringstream out_;
  std::shared_ptr<spdlog::logger> previous_;
};

asio::awaitable<void> fail_with(std::string message) {
  throw std::runtime_error(message);
  co_return;
}

asio::awaitable<int> answer() { co_return 42; }

TEST(SpawnTest, AFailureIsLoggedWithWhatFailedAndRecovered) {
  CapturedLog log;
  asio::io_context io;
  int recovered = 0;
  spawn(io, fail_with("disk on fire"), "scrub job", [&] { ++recovered; });
  io.run();
  EXPECT_EQ(recovered, 1);
  EXPECT_NE(log.text().find("scrub job failed: disk on fire"), std::string::npos) << log.text();
}

TEST(SpawnTest, TheRecoveryMayTakeTheExceptionText) {
  CapturedLog log;
  asio::io_context io;
  std::string why;
  spawn(io, fail_with("link lost"), "drain n1", [&](const std::string& text) { why = text; });
  io.run();
  EXPECT_EQ(why, "link lost");
}

TEST(SpawnTest, ASuccessRunsNoRecoveryAndLogsNothing) {
  CapturedLog log;
  asio::io_context io;
  int recovered = 0;
  bool ran = false;
  auto work = [&]() -> asio::awaitable<void> {
    ran = true;
    co_return;
  };
  spawn(io, work, "quiet work", [&] { ++recovered; });
  spawn(io, answer(), "a coroutine with a result", [&] { ++recovered; });
  io.run();
  EXPECT_TRUE(ran);
  EXPECT_EQ(recovered, 0);
  EXPECT_EQ(log.text(), "");
}

TEST(SpawnTest, ARecoveryThatThrowsDoesNotEscapeTheEventLoop) {
  CapturedLog log;
  asio::io_context io;
  spawn(io, fail_with("first"), "node link", [] { throw std::logic_error("second"); });
  EXPECT_NO_THROW(io.run());
  EXPECT_NE(log.text().find("node link failed: first"), std::string::npos) << log.text();
  EXPECT_NE(log.text().find("recovering from the failure of node link failed too: second"), std::string::npos)
      << log.text();
}

TEST(SpawnTest, ANonStandardExceptionIsStillReported) {
  CapturedLog log;
  asio::io_context io;
  auto work = []() -> asio::awaitable<void> {
    throw 7;
    co_return;
  };
  int recovered = 0;
  spawn(io, work, "odd work", [&] { ++recovered; });
  io.run();
  EXPECT_EQ(recovered, 1);
  EXPECT_NE(log.text().find("odd work failed: an exception that is not a std::exception"), std::string::npos);
}

TEST(SpawnTest, ARestartingLoopRunsAgainAfterAFailureAndStopsAfterASuccess) {
  CapturedLog log;
  asio::io_context io;
  int runs = 0;
  auto make = [&]() -> asio::awaitable<void> {
    ++runs;
    if (runs < 3) throw std::runtime_error("run " + std::to_string(runs));
    co_return;
  };
  spawn_restarting(io.get_executor(), make, "watchdog", std::chrono::milliseconds(1));
  io.run_for(std::chrono::seconds(5));  // returns as soon as the loop has stopped
  EXPECT_EQ(runs, 3);
  EXPECT_NE(log.text().find("watchdog failed: run 1; restarting it in 1 ms"), std::string::npos) << log.text();
  EXPECT_NE(log.text().find("watchdog failed: run 2"), std::string::npos) << log.text();
  EXPECT_EQ(log.text().find("run 3"), std::string::npos) << log.text();
}

}  // namespace
}  // namespace fleet::net
