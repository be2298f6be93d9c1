// ClusterJobs: the operator's long-running cluster jobs, one of each kind at a
// time, with progress an operator can watch (CLI, SITE NODES):
//   drain NODE — move every file off a node (for decommissioning);
//   rebalance  — move files from fuller to emptier nodes until disk use is even;
//   scrub      — re-read every copy, compare its CRC-32 with the VFS, and
//                replace bad copies from a good one.
// Downloads keep working throughout: a copy is removed only after another
// verified copy exists. A job that throws is logged and marked failed (see
// net/spawn.hpp); its metadata writes wait out another process's lock on a
// timer (meta/busy_retry.hpp), never holding up the event loop.
// Threading: the master's event loop.
#pragma once

#include <asio.hpp>
#include <chrono>
#include <cstdint>
#include <map>
#include <string>

#include "master/node_registry.hpp"
#include "master/replicator.hpp"
#include "meta/store.hpp"

namespace fleet::master {

struct JobProgress {
  std::string kind;      // "drain", "rebalance", "scrub"
  std::string target;    // the node for a drain
  bool running = false;
  bool failed = false;
  std::string message;   // the last notable event, or the final result
  std::uint64_t files_done = 0, files_total = 0;
  std::uint64_t bytes_done = 0, bytes_total = 0;
  std::uint64_t repaired = 0;  // scrub: bad copies replaced
  std::chrono::steady_clock::time_point started, finished;

  // "drain n1: 500/1000 files, 50.0/100.0 MiB, 12.3 MiB/s, ETA 4 s"
  std::string describe() const;
};

class ClusterJobs {
 public:
  ClusterJobs(asio::any_io_executor ex, NodeRegistry& nodes, meta::MetaStore& store, Replicator& replicator);

  // Start a job; returns "" or why it cannot start.
  std::string drain(const std::string& node);
  std::string rebalance();
  std::string scrub();
  // The state of the latest job of each kind.
  const std::map<std::string, JobProgress>& jobs() const { return jobs_; }

 private:
  asio::awaitable<void> run_drain(std::string node);
  asio::awaitable<void> run_rebalance();
  asio::awaitable<void> run_scrub();
  // Moves one file's copy off `from` (copying it elsewhere first if needed).
  asio::awaitable<bool> move_off(const meta::FileRef& file, const std::string& from);
  JobProgress& begin(const std::string& kind, const std::string& target);
  // Runs a job begun with begin(kind, ...); marks it failed if it throws.
  void spawn_job(const std::string& kind, asio::awaitable<void> run);
  // The VFS forgets the copy of `path` on `node`.
  asio::awaitable<void> forget_copy(const std::string& path, const std::string& node);
  void end(JobProgress& job, bool ok, std::string message);

  asio::any_io_executor ex_;
  NodeRegistry& nodes_;
  meta::MetaStore& store_;
  Replicator& replicator_;
  std::map<std::string, JobProgress> jobs_;
};

}  // namespace fleet::master
