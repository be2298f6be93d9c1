// LoginGuard: slows down and then bans addresses that keep failing to log in.
// Pure bookkeeping with explicit time, so it is testable without clocks.
#pragma once

#include <chrono>
#include <cstddef>
#include <string>
#include <unordered_map>

namespace fleet::auth {

class LoginGuard {
 public:
  using Clock = std::chrono::steady_clock;

  // `ban_after` failures within `window` ban the address for `ban_time`
  // (ban_after = 0 disables banning). At most `max_tracked` addresses are
  // remembered; the oldest entries are forgotten first.
  LoginGuard(int ban_after, std::chrono::seconds window, std::chrono::seconds ban_time,
             std::size_t max_tracked = 100000);

  bool is_banned(const std::string& ip, Clock::time_point now);
  // Records a failed login; returns true if this failure started a ban.
  bool record_failure(const std::string& ip, Clock::time_point now);
  void record_success(const std::string& ip);

 private:
  struct State {
    int failures = 0;
    Clock::time_point window_start;
    Clock::time_point banned_until;
  };
  int ban_after_;
  std::chrono::seconds window_;
  std::chrono::seconds ban_time_;
  std::size_t max_tracked_;
  std::unordered_map<std::string, State> by_ip_;
};

}  // namespace fleet::auth
