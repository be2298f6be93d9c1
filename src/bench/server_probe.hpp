// Measures a server from outside: CPU time and memory of the processes under
// the given PIDs, and the whole machine's available memory. Forking servers
// (one process per session) and multi-process ones (fleetftp's master and
// nodes) are measured the same way: as the tree of processes under them.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace fleet::bench {

struct ProcessSample {
  // Summed over the live tree: each process's own CPU (its threads'
  // schedstat run time, or utime+stime if that is larger, as it is once a
  // thread has exited) plus cutime+cstime, the CPU of the children it has
  // reaped. So it grows by the CPU of every thread, and of exited children
  // once their parent has waited for them.
  double cpu_seconds = 0;
  std::uint64_t pss_kib = 0;  // proportional set size of the tree; 0 unless asked for
  // The anonymous part of it (heap, stacks): what each session really
  // allocates, without the share of the program and libraries, which moves
  // with how the kernel happens to cache those files.
  std::uint64_t pss_anon_kib = 0;
  std::size_t processes = 0;  // live processes in the tree
};

class ServerProbe {
 public:
  explicit ServerProbe(std::vector<int> roots) : roots_(std::move(roots)) {}

  bool empty() const { return roots_.empty(); }
  // Reading smaps of thousands of session processes takes a while, so
  // memory is read only when asked.
  ProcessSample sample(bool with_memory) const;

 private:
  std::vector<int> roots_;
};

// "123,456" -> {123, 456}; throws std::invalid_argument on anything else.
std::vector<int> parse_pid_list(const std::string& text);

std::optional<std::uint64_t> machine_mem_available_kib();
std::optional<std::uint64_t> machine_mem_total_kib();

// This process's CPU (all threads, getrusage) and memory, so the report can
// show that the load generator is not the bottleneck.
double own_cpu_seconds();
std::uint64_t own_pss_kib();

}  // namespace fleet::bench
