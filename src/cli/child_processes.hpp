// ChildProcesses: starts the processes of `fleetftp up` (this same binary
// with other subcommands) and stops them together.
#pragma once

#include <sys/types.h>

#include <string>
#include <vector>

namespace fleet::cli {

class ChildProcesses {
 public:
  ~ChildProcesses() { stop_all(); }

  // Starts `/proc/self/exe args...`; returns its pid. Throws on failure.
  pid_t spawn(const std::string& label, const std::vector<std::string>& args);

  // Blocks until SIGINT/SIGTERM arrives or a child exits; returns a line
  // saying which ("signal SIGTERM", "<label> exited (status 1)"). SIGINT, SIGTERM and SIGCHLD must be blocked by the caller
  // (block_stop_signals) before the children are spawned.
  std::string wait_for_stop();

  // Collects a child that has exited, without blocking; returns a line saying
  // which and how, or "" if all are still running.
  std::string reap_exited();

  // SIGTERM to every child still running, then SIGKILL after `grace_ms`.
  void stop_all(int grace_ms = 5000);

  static void block_stop_signals();

 private:
  struct Child {
    std::string label;
    pid_t pid;
    bool running;
  };
  std::vector<Child> children_;
};

}  // namespace fleet::cli
