// Counters the master keeps about itself, for SITE STATS and /metrics.
// Owned by the MasterServer and passed by reference: no globals.
#pragma once

#include <cstdint>

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

}  // namespace fleet::master
