// Parsing of the /proc texts the benchmark reads to measure servers: kept
// free of file access so it can be tested on sample text.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

namespace fleet::bench {

// The fields of /proc/PID/stat that matter here. Times are in clock ticks
// (sysconf(_SC_CLK_TCK)); utime/stime cover all threads of the process,
// cutime/cstime the children it has waited for.
struct ProcStat {
  int pid = 0;
  int ppid = 0;
  char state = '?';
  std::uint64_t utime = 0, stime = 0, cutime = 0, cstime = 0;

  std::uint64_t own_ticks() const { return utime + stime; }
  std::uint64_t reaped_ticks() const { return cutime + cstime; }
};

// The process name (field 2) may contain spaces and ')', so fields are
// counted from the last ')'.
std::optional<ProcStat> parse_proc_stat(std::string_view text);

// The first field of /proc/PID/task/TID/schedstat: nanoseconds the thread
// has run. Unlike utime/stime it is not rounded to clock ticks, which
// matters when fifty session processes each run for a few milliseconds.
std::optional<std::uint64_t> parse_schedstat_ns(std::string_view text);

// The value in kB of the line "<key>: <n> kB" (smaps_rollup's "Pss",
// meminfo's "MemAvailable"); nullopt if the key is missing.
std::optional<std::uint64_t> parse_kib_field(std::string_view text, std::string_view key);

}  // namespace fleet::bench
