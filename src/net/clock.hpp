// Clock and Alarm: where the master's background work gets the time and
// waits for it, so that tests can inject time instead of waiting for it.
//
// Production code uses SteadyClock (std::chrono::steady_clock and asio's
// steady_timer). Tests use a manual clock (tests/support/manual_clock.hpp)
// whose alarms ring when the test advances the time, so a schedule of hours
// runs in microseconds and a test that depends on "the sweep after a node's
// grace period" fails or passes the same way every time.
//
// An Alarm belongs to one coroutine on one executor; like asio's timers it
// is not thread-safe. cancel() ends the wait in progress (wait_until then
// returns false) and has no effect on a later wait. Nothing here throws
// except on allocation failure.
#pragma once

#include <asio.hpp>
#include <chrono>
#include <memory>

namespace fleet::net {

class Alarm {
 public:
  virtual ~Alarm() = default;
  // Waits until the clock reaches `deadline`: true when it did, false when
  // cancel() ended the wait first.
  virtual asio::awaitable<bool> wait_until(std::chrono::steady_clock::time_point deadline) = 0;
  virtual void cancel() = 0;
};

class Clock {
 public:
  using time_point = std::chrono::steady_clock::time_point;
  using duration = std::chrono::steady_clock::duration;

  virtual ~Clock() = default;
  virtual time_point now() const = 0;
  virtual std::unique_ptr<Alarm> alarm(asio::any_io_executor ex) = 0;
};

// The real time: std::chrono::steady_clock.
class SteadyClock final : public Clock {
 public:
  time_point now() const override { return std::chrono::steady_clock::now(); }
  std::unique_ptr<Alarm> alarm(asio::any_io_executor ex) override;
};

// One SteadyClock for whoever is not given another. It has no state, so
// sharing it shares nothing.
SteadyClock& steady_clock();

}  // namespace fleet::net
