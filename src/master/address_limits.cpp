#include "master/address_limits.hpp"

#include <algorithm>
#include <utility>
#include <vector>

namespace fleet::master {
namespace {

// Forgotten entries are looked for this often, so that addresses that came
// once do not stay in the table until it is full.
constexpr auto kSweepInterval = std::chrono::seconds(10);

}  // namespace

AddressLimits::AddressLimits(Limits limits) : limits_(limits) {
  limits_.max_tracked = std::max<std::size_t>(limits_.max_tracked, 1);
}

AddressLimits::Key AddressLimits::key_for(const asio::ip::address& address) {
  if (address.is_v4()) {
    return asio::ip::make_address_v6(asio::ip::v4_mapped, address.to_v4()).to_bytes();
  }
  auto v6 = address.to_v6();
  Key key = v6.to_bytes();
  if (!v6.is_v4_mapped()) std::fill(key.begin() + 8, key.end(), static_cast<unsigned char>(0));
  return key;
}

std::string AddressLimits::describe(const Key& key) {
  const asio::ip::address_v6 v6(key);
  if (v6.is_v4_mapped()) return asio::ip::make_address_v4(asio::ip::v4_mapped, v6).to_string();
  return v6.to_string() + "/64";
}

std::size_t AddressLimits::KeyHash::operator()(const Key& k) const noexcept {
  // FNV-1a over the 16 bytes: cheap, and the table's size is bounded anyway.
  std::uint64_t h = 1469598103934665603ull;
  for (unsigned char c : k) h = (h ^ c) * 1099511628211ull;
  return static_cast<std::size_t>(h);
}

void AddressLimits::refill(Entry& e, Clock::time_point now) const {
  const double rate = static_cast<double>(limits_.connections_per_second);
  if (now > e.refilled) {
    const double elapsed = std::chrono::duration<double>(now - e.refilled).count();
    e.tokens = std::min(rate, e.tokens + elapsed * rate);
  }
  e.refilled = now;
}

bool AddressLimits::forgettable(const Entry& e, Clock::time_point now) const {
  if (e.sessions > 0) return false;
  if (limits_.connections_per_second == 0) return true;
  const double rate = static_cast<double>(limits_.connections_per_second);
  const double elapsed = std::chrono::duration<double>(now - e.refilled).count();
  return e.tokens + elapsed * rate >= rate;
}

void AddressLimits::sweep(Clock::time_point now) {
  std::erase_if(by_key_, [&](const auto& kv) { return forgettable(kv.second, now); });
  next_sweep_ = now + kSweepInterval;
}

void AddressLimits::make_room(Clock::time_point now) {
  if (by_key_.size() < limits_.max_tracked) return;
  sweep(now);
  if (by_key_.size() < limits_.max_tracked) return;
  // Every entry still matters: forget the rate history of the addresses with
  // no open session that were seen longest ago, a batch at a time so that a
  // flood of new addresses does not pay a full scan per connection. Entries
  // with open sessions stay (there are at most max_sessions of them).
  std::vector<std::pair<Clock::time_point, Key>> idle;
  for (const auto& [key, e] : by_key_)
    if (e.sessions == 0) idle.emplace_back(e.refilled, key);
  const std::size_t drop = std::min(idle.size(), std::max<std::size_t>(1, limits_.max_tracked / 16));
  if (drop == 0) return;
  std::nth_element(idle.begin(), idle.begin() + static_cast<std::ptrdiff_t>(drop - 1), idle.end(),
                   [](const auto& a, const auto& b) { return a.first < b.first; });
  for (std::size_t i = 0; i < drop; ++i) by_key_.erase(idle[i].second);
}

AddressLimits::Decision AddressLimits::admit(const Key& key, Clock::time_point now) {
  if (limits_.sessions_per_address == 0 && limits_.connections_per_second == 0) return {};
  if (now >= next_sweep_) sweep(now);
  auto it = by_key_.find(key);
  if (it == by_key_.end()) {
    make_room(now);
    Entry fresh;
    fresh.tokens = static_cast<double>(limits_.connections_per_second);
    fresh.refilled = now;
    it = by_key_.emplace(key, fresh).first;
  }
  Entry& e = it->second;
  Decision d;
  if (limits_.connections_per_second > 0) refill(e, now);
  if (limits_.sessions_per_address > 0 && e.sessions >= limits_.sessions_per_address) {
    d.verdict = Verdict::TooManySessions;
  } else if (limits_.connections_per_second > 0 && e.tokens < 1.0) {
    d.verdict = Verdict::TooFast;
  }
  if (d.verdict != Verdict::Admitted) {
    d.first_refusal = e.refused++ == 0;
    return d;
  }
  if (limits_.connections_per_second > 0) e.tokens -= 1.0;
  ++e.sessions;
  d.refused_in_burst = std::exchange(e.refused, 0);
  return d;
}

void AddressLimits::release(const Key& key, Clock::time_point now) {
  auto it = by_key_.find(key);
  if (it == by_key_.end() || it->second.sessions == 0) return;
  --it->second.sessions;
  if (forgettable(it->second, now) && it->second.refused == 0) by_key_.erase(it);
}

std::size_t AddressLimits::sessions(const Key& key) const {
  auto it = by_key_.find(key);
  return it == by_key_.end() ? 0 : it->second.sessions;
}

}  // namespace fleet::master
