// AddressLimits: how many control sessions one client address may hold, and
// how fast it may open new ones. The master asks it at accept time, before a
// Session exists, so that a refused connection costs one lookup, one short
// reply and a close.
//
// Addresses are counted as IPv4 addresses, and IPv6 addresses by their /64
// prefix (one subscriber usually holds a whole /64, so counting single IPv6
// addresses would limit nothing). New connections are metered by a token
// bucket per address: up to `connections_per_second` at once, refilled at
// that many per second.
//
// The table is bounded: an address with no open session whose bucket is full
// again carries no information and is forgotten (swept every few seconds);
// past `max_tracked` addresses, those without open sessions are forgotten
// oldest first. Addresses with open sessions are always kept; there are never
// more of them than the master's global session limit.
//
// Pure bookkeeping with explicit time, so it is tested without clocks. Not
// thread-safe: the master uses it from its event-loop thread only.
#pragma once

#include <array>
#include <asio/ip/address.hpp>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <string>
#include <unordered_map>

namespace fleet::master {

class AddressLimits {
 public:
  using Clock = std::chrono::steady_clock;
  // An IPv4 address (as IPv4-mapped IPv6) or an IPv6 /64 prefix.
  using Key = std::array<unsigned char, 16>;

  struct Limits {
    std::size_t sessions_per_address = 0;   // 0: no limit
    std::size_t connections_per_second = 0;  // 0: no limit
    std::size_t max_tracked = 100000;
  };

  enum class Verdict { Admitted, TooManySessions, TooFast };

  struct Decision {
    Verdict verdict = Verdict::Admitted;
    // A refusal that starts a burst of refusals for its address: the one to log.
    bool first_refusal = false;
    // An admission that ends a burst: how many connections the burst refused.
    std::uint64_t refused_in_burst = 0;
  };

  explicit AddressLimits(Limits limits);

  static Key key_for(const asio::ip::address& address);
  // The key as operators read it: "192.0.2.7" or "2001:db8:1:2::/64".
  static std::string describe(const Key& key);

  // Decides about one new connection. An admitted one holds a session slot
  // until release() is called for it.
  Decision admit(const Key& key, Clock::time_point now);
  void release(const Key& key, Clock::time_point now);

  std::size_t sessions(const Key& key) const;
  std::size_t tracked() const { return by_key_.size(); }

 private:
  struct Entry {
    std::uint32_t sessions = 0;
    double tokens = 0;             // connections the address may still open right away
    Clock::time_point refilled;    // when `tokens` was last brought up to date
    std::uint64_t refused = 0;     // in the current burst
  };
  struct KeyHash {
    std::size_t operator()(const Key& k) const noexcept;
  };

  void refill(Entry& e, Clock::time_point now) const;
  // True when forgetting the entry changes no future decision.
  bool forgettable(const Entry& e, Clock::time_point now) const;
  void sweep(Clock::time_point now);
  void make_room(Clock::time_point now);

  Limits limits_;
  std::unordered_map<Key, Entry, KeyHash> by_key_;
  Clock::time_point next_sweep_{};
};

}  // namespace fleet::master
