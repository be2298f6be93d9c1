#include "bench/server_probe.hpp"

#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <charconv>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <unordered_map>
#include <unordered_set>

#include "bench/proc_text.hpp"

namespace fleet::bench {

namespace {

std::string read_text(const std::string& path) {
  std::ifstream in(path);
  if (!in) return {};
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

bool is_pid_name(const std::string& name) {
  return !name.empty() && name.find_first_not_of("0123456789") == std::string::npos;
}

// Run time of all live threads of `pid`, in seconds.
double threads_run_seconds(int pid) {
  std::uint64_t ns = 0;
  std::error_code ec;
  const std::string dir = "/proc/" + std::to_string(pid) + "/task";
  for (const auto& task : std::filesystem::directory_iterator(dir, ec))
    ns += parse_schedstat_ns(read_text(task.path().string() + "/schedstat")).value_or(0);
  return static_cast<double>(ns) / 1e9;
}

}  // namespace

ProcessSample ServerProbe::sample(bool with_memory) const {
  ProcessSample out;
  if (roots_.empty()) return out;
  std::unordered_map<int, ProcStat> stats;
  std::unordered_multimap<int, int> children;
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator("/proc", ec)) {
    const auto name = entry.path().filename().string();
    if (!is_pid_name(name)) continue;
    // A process may exit between the listing and the read; it is skipped.
    const auto st = parse_proc_stat(read_text("/proc/" + name + "/stat"));
    if (!st) continue;
    stats.emplace(st->pid, *st);
    children.emplace(st->ppid, st->pid);
  }
  std::vector<int> pending(roots_.begin(), roots_.end());
  std::unordered_set<int> seen;
  const double tick = 1.0 / static_cast<double>(sysconf(_SC_CLK_TCK));
  double cpu = 0;
  while (!pending.empty()) {
    const int pid = pending.back();
    pending.pop_back();
    if (!seen.insert(pid).second) continue;
    const auto it = stats.find(pid);
    if (it == stats.end()) continue;
    const double own_ticks = static_cast<double>(it->second.own_ticks()) * tick;
    cpu += std::max(threads_run_seconds(pid), own_ticks) + static_cast<double>(it->second.reaped_ticks()) * tick;
    ++out.processes;
    if (with_memory && it->second.state != 'Z') {
      const auto rollup = read_text("/proc/" + std::to_string(pid) + "/smaps_rollup");
      out.pss_kib += parse_kib_field(rollup, "Pss").value_or(0);
      out.pss_anon_kib += parse_kib_field(rollup, "Pss_Anon").value_or(0);
    }
    const auto [first, last] = children.equal_range(pid);
    for (auto c = first; c != last; ++c) pending.push_back(c->second);
  }
  out.cpu_seconds = cpu;
  return out;
}

std::vector<int> parse_pid_list(const std::string& text) {
  std::vector<int> pids;
  std::size_t pos = 0;
  while (pos <= text.size() && !text.empty()) {
    auto comma = text.find(',', pos);
    if (comma == std::string::npos) comma = text.size();
    const std::string_view item(text.data() + pos, comma - pos);
    int pid = 0;
    const auto [end, err] = std::from_chars(item.data(), item.data() + item.size(), pid);
    if (err != std::errc{} || end != item.data() + item.size() || pid <= 0)
      throw std::invalid_argument("not a PID list: " + text);
    pids.push_back(pid);
    pos = comma + 1;
  }
  return pids;
}

std::optional<std::uint64_t> machine_mem_available_kib() {
  return parse_kib_field(read_text("/proc/meminfo"), "MemAvailable");
}

std::optional<std::uint64_t> machine_mem_total_kib() { return parse_kib_field(read_text("/proc/meminfo"), "MemTotal"); }

double own_cpu_seconds() {
  rusage ru{};
  getrusage(RUSAGE_SELF, &ru);
  const auto seconds = [](const timeval& tv) { return double(tv.tv_sec) + double(tv.tv_usec) / 1e6; };
  return seconds(ru.ru_utime) + seconds(ru.ru_stime);
}

std::uint64_t own_pss_kib() { return parse_kib_field(read_text("/proc/self/smaps_rollup"), "Pss").value_or(0); }

}  // namespace fleet::bench
