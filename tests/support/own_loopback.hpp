// Test helper: a loopback address of this test process's own, 127.a.b.<host>
// with a and b taken from the process id. ctest runs test processes in
// parallel over the same port ranges; listening on an address of one's own
// means a port a test expects to find closed is never another test's
// listener, and a range a test fills is not shared.
#pragma once

#include <unistd.h>

#include <string>

namespace fleet::testing {

inline std::string own_loopback(int host) {
  const auto pid = static_cast<unsigned>(::getpid());
  return "127." + std::to_string(1 + pid % 250) + "." + std::to_string(1 + pid / 250 % 250) + "." +
         std::to_string(host);
}

}  // namespace fleet::testing
