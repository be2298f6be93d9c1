// Brackets one measured run: wall time, this process's CPU and the server's
// CPU, read before and after. Reading the server's /proc takes a moment, so
// the clock starts after it and stops before it.
#pragma once

#include <chrono>

#include "bench/result.hpp"
#include "bench/server_probe.hpp"

namespace fleet::bench {

class Meter {
 public:
  explicit Meter(const ServerProbe& probe);
  // Stops the clock and fills seconds, client_cpu and server_cpu of `run`.
  void stop(RunSample& run);

 private:
  const ServerProbe& probe_;
  double server_cpu_start_ = 0;
  double client_cpu_start_ = 0;
  std::chrono::steady_clock::time_point start_;
};

// Adds per-GB CPU costs (seconds of CPU per 10^9 payload bytes) to `run`.
void add_cpu_per_gb(RunSample& run);
// Adds per-operation CPU costs in microseconds, named "<what>" e.g. "session".
void add_cpu_per_operation(RunSample& run, const char* what);

}  // namespace fleet::bench
