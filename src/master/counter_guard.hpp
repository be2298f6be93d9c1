// CounterGuard: holds one unit of a gauge in MasterStats (sessions active,
// anonymous sessions) for as long as it lives, so that every way out —
// return, early exit, exception — gives it back. Move-only; single thread.
#pragma once

#include <cstdint>
#include <utility>

namespace fleet::master {

class CounterGuard {
 public:
  explicit CounterGuard(std::uint64_t& counter) : counter_(&counter) { ++*counter_; }
  ~CounterGuard() {
    if (counter_) --*counter_;
  }
  CounterGuard(CounterGuard&& other) noexcept : counter_(std::exchange(other.counter_, nullptr)) {}
  CounterGuard& operator=(CounterGuard&& other) noexcept {
    if (this != &other) {
      if (counter_) --*counter_;
      counter_ = std::exchange(other.counter_, nullptr);
    }
    return *this;
  }
  CounterGuard(const CounterGuard&) = delete;
  CounterGuard& operator=(const CounterGuard&) = delete;

 private:
  std::uint64_t* counter_;
};

}  // namespace fleet::master
