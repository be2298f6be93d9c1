#include "bench/meter.hpp"

#include <string>

namespace fleet::bench {

Meter::Meter(const ServerProbe& probe) : probe_(probe) {
  if (!probe_.empty()) server_cpu_start_ = probe_.sample(false).cpu_seconds;
  client_cpu_start_ = own_cpu_seconds();
  start_ = std::chrono::steady_clock::now();
}

void Meter::stop(RunSample& run) {
  run.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
  run.client_cpu = own_cpu_seconds() - client_cpu_start_;
  if (!probe_.empty()) run.server_cpu = probe_.sample(false).cpu_seconds - server_cpu_start_;
}

void add_cpu_per_gb(RunSample& run) {
  if (run.bytes == 0) return;
  const double gb = static_cast<double>(run.bytes) / 1e9;
  run.extra["client_cpu_s_per_gb"] = run.client_cpu / gb;
  if (run.server_cpu >= 0) run.extra["server_cpu_s_per_gb"] = run.server_cpu / gb;
}

void add_cpu_per_operation(RunSample& run, const char* what) {
  if (run.operations == 0) return;
  const double n = static_cast<double>(run.operations);
  run.extra[std::string("client_cpu_us_per_") + what] = run.client_cpu * 1e6 / n;
  if (run.server_cpu >= 0) run.extra[std::string("server_cpu_us_per_") + what] = run.server_cpu * 1e6 / n;
}

}  // namespace fleet::bench
