// Replicator: keeps every file at its wanted number of copies
// ([replication] rules). New uploads are queued at once; a scan finds files
// below their count and re-copies them node to node from a surviving copy.
// A node's copies count while it serves or syncs, and for a grace period
// after it is lost, or after the master started when it has not connected
// since: a restarted master does not copy what a slow node still holds.
// Scans run when copies may have gone missing without the replicator
// knowing which (start, a grace period ending, failed copies, an overflow of
// what it remembers), and hourly otherwise. The registry tells the
// replicator when a node is lost, so the sweep at the end of that node's
// grace period is scheduled then, not at the next hourly sweep. Time comes
// from a net::Clock, so tests run that schedule without waiting for it. A node coming into service queues
// what is known instead: the copies its inventory lacked, and the files that
// found no node to copy from or to. A copy whose CRC-32 differs from the VFS
// is deleted and made again. The scan searches on a thread and database
// connection of its own, so that going through millions of files never
// holds up the event loop.
#pragma once

#include <asio.hpp>
#include <cstdint>
#include <deque>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "config/cluster_config.hpp"
#include "master/node_registry.hpp"
#include "meta/store.hpp"
#include "net/clock.hpp"

namespace fleet::master {

struct ReplicationStats {
  std::uint64_t copies_made = 0;
  std::uint64_t copies_failed = 0;
  std::uint64_t bad_copies = 0;
  std::uint64_t sweeps = 0;  // under-replication scans completed or stopped early
};

class Replicator {
 public:
  // Registers itself as `nodes`' loss listener, and takes its time from
  // `nodes`' clock, which also times the losses.
  Replicator(asio::any_io_executor ex, NodeRegistry& nodes, meta::MetaStore& store,
             const config::ClusterConfig& config);
  ~Replicator();

  void start();
  void stop();

  // The wanted copy count of `path` by the rules (also stored with the file).
  int wanted(std::string_view path) const { return config_.replication.copies_for(path); }
  // Queues `path` for a check (after an upload, or when a copy was lost).
  void request(const std::string& path);
  // Runs the under-replication scan now rather than at the next tick.
  void scan_soon();
  // A node came into service; its inventory lacked the copies of
  // `forgotten`. Queues those and the files that found no source or target
  // node before; sweeps only if there were too many to remember.
  void node_in_service(const std::vector<std::string>& forgotten);
  // Makes one more copy of `path` on a node other than its holders (and other
  // than `avoid`), verified against `crc` when `has_crc`. Used by drain,
  // rebalance and scrub too. Returns the new holder, or "" on failure.
  asio::awaitable<std::string> add_copy(const std::string& path, const std::vector<std::string>& avoid = {});

  // `node` was lost: its copies stop counting at the end of its grace
  // period, when a sweep must look for the files it leaves short.
  void node_lost(const std::string& node);

  const ReplicationStats& stats() const { return stats_; }
  std::size_t queued() const { return queue_.size(); }

 private:
  asio::awaitable<void> scan_loop();
  // One search of every file for missing copies, in steps; false when it
  // stopped early (the queue is full, or stopping).
  asio::awaitable<bool> sweep();
  net::Clock::time_point next_sweep(net::Clock::time_point earliest) const;
  meta::MetaStore* sweep_store();
  asio::awaitable<void> worker();
  asio::awaitable<void> replicate(const std::string& path);
  std::vector<std::string> counted_nodes() const;
  // How many of `holders` count (see counted_nodes).
  std::size_t counted_copies(const std::vector<std::string>& holders) const;
  // `path` is short of copies and no node could give or take one.
  void remember_unplaced(const std::string& path);

  asio::any_io_executor ex_;
  NodeRegistry& nodes_;
  meta::MetaStore& store_;
  const config::ClusterConfig& config_;
  net::Clock& clock_;
  std::deque<std::string> queue_;
  std::set<std::string> queued_;
  asio::steady_timer work_ready_;
  std::unique_ptr<net::Alarm> scan_alarm_;
  ReplicationStats stats_;
  // Nodes that held copies when the master started, and when it started:
  // until they connect, their copies count for the grace period.
  std::vector<std::string> awaited_;
  net::Clock::time_point started_at_{};
  bool stopping_ = false;
  bool rescan_ = false;  // scan_soon() was called while a sweep ran
  // Files left short for want of a source or target node, retried when a
  // node comes into service; past kMaxUnplaced, a sweep does it instead.
  std::set<std::string> unplaced_;
  bool unplaced_overflow_ = false;
  bool sweep_wanted_ = true;  // something may have left files short of copies
  std::uint64_t failures_at_last_sweep_ = 0;
  net::Clock::time_point last_sweep_start_{};
  net::Clock::time_point last_sweep_end_;
  // The sweep's own connection (opened at the first sweep; null when it could
  // not be opened, and the sweep then uses store_ in short steps) and thread.
  std::unique_ptr<meta::MetaStore> sweep_store_;
  bool sweep_store_failed_ = false;
  asio::thread_pool sweep_thread_{1};
};

}  // namespace fleet::master
