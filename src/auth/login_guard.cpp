#include "auth/login_guard.hpp"

#include <algorithm>
#include <utility>
#include <vector>

namespace fleet::auth {
namespace {

using TimePoint = LoginGuard::Clock::time_point;

// When an entry stops mattering: its failure window has run out and any ban
// on it is over. Until then, forgetting it would let the address off early.
template <class State>
TimePoint relevant_until(const State& s, std::chrono::seconds window) {
  return std::max(s.window_start + window, s.banned_until);
}

// Frees room for one more entry in a map that holds `max` at most. Forgets
// what no longer matters first; if everything still does, forgets the entries
// nearest to expiring, a batch at a time so that a flood of new addresses does
// not pay a full scan on every failure.
template <class Map>
void make_room(Map& by_ip, std::size_t max, std::chrono::seconds window, TimePoint now) {
  if (by_ip.size() < max) return;
  std::erase_if(by_ip, [&](const auto& kv) { return relevant_until(kv.second, window) <= now; });
  if (by_ip.size() < max) return;

  std::vector<std::pair<TimePoint, const std::string*>> ages;
  ages.reserve(by_ip.size());
  for (const auto& [key, state] : by_ip) ages.emplace_back(relevant_until(state, window), &key);
  std::size_t drop = std::min(ages.size(), by_ip.size() - max + std::max<std::size_t>(1, max / 16));
  std::nth_element(ages.begin(), ages.begin() + static_cast<std::ptrdiff_t>(drop - 1), ages.end(),
                   [](const auto& a, const auto& b) { return a.first < b.first; });
  // Copy the keys out first: they are the very strings erase() destroys.
  std::vector<std::string> victims;
  victims.reserve(drop);
  for (std::size_t i = 0; i < drop; ++i) victims.push_back(*ages[i].second);
  for (const auto& key : victims) by_ip.erase(key);
}

}  // namespace

LoginGuard::LoginGuard(int ban_after, std::chrono::seconds window, std::chrono::seconds ban_time,
                       std::size_t max_tracked)
    : ban_after_(ban_after),
      window_(window),
      ban_time_(ban_time),
      max_tracked_(std::max<std::size_t>(max_tracked, 1)) {}

bool LoginGuard::is_banned(const std::string& ip, Clock::time_point now) {
  if (ban_after_ <= 0) return false;
  auto it = by_ip_.find(ip);
  if (it == by_ip_.end()) return false;
  if (now < it->second.banned_until) return true;
  if (relevant_until(it->second, window_) <= now) by_ip_.erase(it);
  return false;
}

bool LoginGuard::record_failure(const std::string& ip, Clock::time_point now) {
  if (ban_after_ <= 0) return false;
  auto it = by_ip_.find(ip);
  if (it == by_ip_.end()) {
    make_room(by_ip_, max_tracked_, window_, now);
    it = by_ip_.emplace(ip, State{0, now, Clock::time_point{}}).first;
  }
  State& s = it->second;
  if (now < s.banned_until) return false;  // already banned; more failures do not extend it
  if (s.failures == 0 || now - s.window_start >= window_) {
    s.failures = 0;
    s.window_start = now;
  }
  if (++s.failures < ban_after_) return false;
  s.failures = 0;
  s.banned_until = now + ban_time_;
  return true;
}

void LoginGuard::record_success(const std::string& ip) { by_ip_.erase(ip); }

}  // namespace fleet::auth
