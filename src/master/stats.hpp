// Counters the master keeps about itself, for SITE STATS and /metrics.
// Owned by the MasterServer and passed by reference: no globals. Gauges
// (counts of things open now) are held with CountHeld, so that every way out
// of the code that raised them, exceptions included, lowers them again.
// Threading: the master's event loop.
#pragma once

#include <cstdint>
#include <utility>

namespace fleet::master {

struct MasterStats {
  std::uint64_t sessions_total = 0;
  std::uint64_t sessions_active = 0;
  std::uint64_t logins_ok = 0;
  std::uint64_t logins_failed = 0;
  std::uint64_t anonymous_active = 0;  // logged-in anonymous sessions, for [anonymous] max_sessions
  // Every byte the master itself writes on data connections (listings it
  // sends, bytes it relays). File bytes on the direct path never count here,
  // which is what makes this the measure of "bytes never pass the master".
  std::uint64_t data_bytes_out = 0;
  std::uint64_t control_bytes_out = 0;
  std::uint64_t transfers_started = 0;
  std::uint64_t transfers_failed = 0;
};

// Raises a gauge for as long as it lives: `CountHeld session(stats.sessions_active);`.
// Movable, so a guard can be handed to whatever outlives the scope that took
// it (a session object, a transfer's completion); a moved-from guard lowers
// nothing. release() lowers the gauge early (a session that logs out of an
// anonymous login, say).
class CountHeld {
 public:
  CountHeld() = default;
  explicit CountHeld(std::uint64_t& gauge) : gauge_(&gauge) { ++*gauge_; }
  ~CountHeld() { release(); }
  CountHeld(CountHeld&& other) noexcept : gauge_(std::exchange(other.gauge_, nullptr)) {}
  CountHeld& operator=(CountHeld&& other) noexcept {
    if (this != &other) {
      release();
      gauge_ = std::exchange(other.gauge_, nullptr);
    }
    return *this;
  }
  CountHeld(const CountHeld&) = delete;
  CountHeld& operator=(const CountHeld&) = delete;

  void release() {
    if (gauge_) --*std::exchange(gauge_, nullptr);
  }
  bool held() const { return gauge_ != nullptr; }

 private:
  std::uint64_t* gauge_ = nullptr;
};

}  // namespace fleet::master
