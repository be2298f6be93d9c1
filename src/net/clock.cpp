#include "net/clock.hpp"

#include "net/use_tuple.hpp"

namespace fleet::net {

namespace {

class SteadyAlarm final : public Alarm {
 public:
  explicit SteadyAlarm(asio::any_io_executor ex) : timer_(std::move(ex)) {}

  asio::awaitable<bool> wait_until(std::chrono::steady_clock::time_point deadline) override {
    timer_.expires_at(deadline);
    auto [ec] = co_await timer_.async_wait(use_tuple);
    co_return !ec;
  }
  void cancel() override { timer_.cancel(); }

 private:
  asio::steady_timer timer_;
};

}  // namespace

SteadyClock& steady_clock() {
  static SteadyClock clock;
  return clock;
}

std::unique_ptr<Alarm> SteadyClock::alarm(asio::any_io_executor ex) { return std::make_unique<SteadyAlarm>(std::move(ex)); }

}  // namespace fleet::net
