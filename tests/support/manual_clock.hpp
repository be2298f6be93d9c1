// ManualClock: a net::Clock whose time moves only when the test says so.
//
// Alarms wait on an asio timer that never expires on its own; advance()
// moves the time and wakes every alarm whose deadline has come, so the
// coroutine behind it resumes on its executor's next run. Single-threaded,
// like the code under test: call advance() on the thread that runs the
// io_context.
#pragma once

#include <asio.hpp>
#include <chrono>
#include <memory>
#include <set>

#include "net/clock.hpp"
#include "net/use_tuple.hpp"

namespace fleet::testing {

class ManualClock final : public net::Clock {
 public:
  explicit ManualClock(time_point start = time_point{} + std::chrono::hours(1)) : now_(start) {}

  time_point now() const override { return now_; }

  void advance(duration by) {
    now_ += by;
    // Copied first: a woken alarm's coroutine runs later, but an alarm may
    // also be destroyed by whatever the test does next.
    for (auto* a : std::set<ManualAlarm*>(alarms_))
      if (a->deadline_ <= now_) a->timer_.cancel();
  }

 private:
  class ManualAlarm final : public net::Alarm {
   public:
    ManualAlarm(ManualClock& clock, asio::any_io_executor ex) : clock_(clock), timer_(std::move(ex)) {
      timer_.expires_at(asio::steady_timer::time_point::max());
      clock_.alarms_.insert(this);
    }
    ~ManualAlarm() override { clock_.alarms_.erase(this); }

    asio::awaitable<bool> wait_until(time_point deadline) override {
      deadline_ = deadline;
      const auto generation = cancels_;
      while (clock_.now() < deadline_) {
        co_await timer_.async_wait(net::use_tuple);
        if (cancels_ != generation) co_return false;
      }
      deadline_ = time_point::max();
      co_return true;
    }
    void cancel() override {
      ++cancels_;
      timer_.cancel();
    }

   private:
    friend class ManualClock;
    ManualClock& clock_;
    asio::steady_timer timer_;
    time_point deadline_ = time_point::max();
    unsigned cancels_ = 0;
  };

 public:
  std::unique_ptr<net::Alarm> alarm(asio::any_io_executor ex) override {
    return std::make_unique<ManualAlarm>(*this, std::move(ex));
  }

 private:
  time_point now_;
  std::set<ManualAlarm*> alarms_;
};

}  // namespace fleet::testing
