#include "master/cluster_jobs.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <cmath>

#include "master/node_calls.hpp"
#include "meta/busy_retry.hpp"
#include "net/spawn.hpp"

namespace fleet::master {

namespace {
constexpr std::size_t kBatch = 200;

std::string mib(std::uint64_t bytes) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f", static_cast<double>(bytes) / (1 << 20));
  return buf;
}
}  // namespace

std::string JobProgress::describe() const {
  std::string s = kind + (target.empty() ? "" : " " + target) + ": ";
  if (!running) return s + (failed ? "failed: " + message : message.empty() ? "done" : "done, " + message);
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  const double rate = seconds > 0 ? static_cast<double>(bytes_done) / seconds : 0;
  s += std::to_string(files_done) + "/" + std::to_string(files_total) + " files, " + mib(bytes_done) + "/" +
       mib(bytes_total) + " MiB, " + mib(static_cast<std::uint64_t>(rate)) + " MiB/s";
  if (rate > 0 && bytes_total > bytes_done)
    s += ", ETA " + std::to_string(static_cast<long>(std::ceil((bytes_total - bytes_done) / rate))) + " s";
  return s;
}

ClusterJobs::ClusterJobs(asio::any_io_executor ex, NodeRegistry& nodes, meta::MetaStore& store,
                         Replicator& replicator)
    : ex_(ex), nodes_(nodes), store_(store), replicator_(replicator) {}

JobProgress& ClusterJobs::begin(const std::string& kind, const std::string& target) {
  auto& job = jobs_[kind];
  job = JobProgress{};
  job.kind = kind;
  job.target = target;
  job.running = true;
  job.started = std::chrono::steady_clock::now();
  spdlog::info("{} {} started", kind, target);
  return job;
}

void ClusterJobs::spawn_job(const std::string& kind, asio::awaitable<void> run) {
  const std::string target = jobs_[kind].target;
  const std::string what = kind + (target.empty() ? "" : " " + target);
  // A job that throws (a node call gone wrong, a metadata error) is marked
  // failed, so the operator sees it and may start it again.
  net::spawn(ex_, std::move(run), what, [this, kind](const std::string& why) {
    auto& job = jobs_[kind];
    if (job.running) end(job, false, "stopped by an error: " + why + "; run it again");
  });
}

asio::awaitable<void> ClusterJobs::forget_copy(const std::string& path, const std::string& node) {
  auto forget = [this, path, node] { return store_.remove_copy(path, node); };
  co_await meta::retry_while_busy(ex_, "forgetting the copy of " + path + " on " + node, std::move(forget));
}

void ClusterJobs::end(JobProgress& job, bool ok, std::string message) {
  job.running = false;
  job.failed = !ok;
  job.message = std::move(message);
  job.finished = std::chrono::steady_clock::now();
  spdlog::info("{}", job.describe());
}

// ---------------------------------------------------------------- drain

std::string ClusterJobs::drain(const std::string& node) {
  if (jobs_.contains("drain") && jobs_["drain"].running) return "a drain is already running";
  auto* n = nodes_.find(node);
  if (!n) return "node " + node + " is not connected";
  try {
    store_.set_node_flag(node, "draining", true);
  } catch (const meta::StoreBusy&) {
    // The admin request is answered now rather than holding the loop.
    return "the metadata database is locked by another process; try again";
  }
  n->draining = true;  // no new uploads or copies go there from now on
  auto& job = begin("drain", node);
  for (const auto& u : store_.node_usage())
    if (u.node == node) {
      job.files_total = u.files;
      job.bytes_total = u.bytes;
    }
  spawn_job("drain", run_drain(node));
  return "";
}

asio::awaitable<bool> ClusterJobs::move_off(const meta::FileRef& file, const std::string& from) {
  const int want = replicator_.wanted(file.path);
  int elsewhere = 0;
  for (const auto& h : file.nodes)
    if (h != from && nodes_.find_serving(h)) ++elsewhere;
  const std::vector<std::string> avoid{from};  // named: GCC 12 cannot keep a braced list in a co_await
  while (elsewhere < want) {
    if ((co_await replicator_.add_copy(file.path, avoid)).empty()) co_return false;
    ++elsewhere;
  }
  // Another verified copy exists: this one can go.
  co_await forget_copy(file.path, from);
  auto r = co_await node_file_op(nodes_, from, make_file_op(link::DELETE, file.path));
  if (!r.ok() && !r.not_found())
    spdlog::warn("{}: copy of {} no longer used but not deleted on disk: {}", from, file.path, r.error());
  co_return true;
}

asio::awaitable<void> ClusterJobs::run_drain(std::string node) {
  auto& job = jobs_["drain"];
  std::int64_t after = 0;
  std::uint64_t failures = 0;
  while (true) {
    auto batch = store_.files_on_node_batch(node, after, kBatch);
    if (batch.empty()) break;
    after = batch.back().id;
    for (const auto& f : batch) {
      if (!nodes_.find(node)) {
        end(job, false, "node " + node + " went offline");
        co_return;
      }
      if (co_await move_off(f, node)) {
        ++job.files_done;
        job.bytes_done += f.size;
      } else {
        ++failures;
        job.message = "could not move " + f.path;
      }
    }
  }
  if (failures) end(job, false, std::to_string(failures) + " files could not be moved; run the drain again");
  else end(job, true, "");
}

// ---------------------------------------------------------------- rebalance

std::string ClusterJobs::rebalance() {
  if (jobs_.contains("rebalance") && jobs_["rebalance"].running) return "a rebalance is already running";
  begin("rebalance", "");
  spawn_job("rebalance", run_rebalance());
  return "";
}

// Moves files off every serving node that holds more than the mean (by bytes
// in the VFS: nodes may share a disk) until each is within 5% of it.
asio::awaitable<void> ClusterJobs::run_rebalance() {
  auto& job = jobs_["rebalance"];
  // Bytes each node holds, from the VFS (the disks may be shared on one machine).
  std::map<std::string, std::uint64_t> held;
  for (const auto& u : store_.node_usage()) held[u.node] = u.bytes;
  std::vector<NodeInfo*> serving;
  for (auto* n : nodes_.online())
    if (n->serves() && !n->draining) serving.push_back(n);
  if (serving.size() < 2) {
    end(job, true, "nothing to do with fewer than two serving nodes");
    co_return;
  }
  std::uint64_t total = 0;
  for (auto* n : serving) total += held[n->name];
  const std::uint64_t mean = total / serving.size();
  const std::uint64_t slack = std::max<std::uint64_t>(mean / 20, 1 << 20);
  for (auto* n : serving)
    if (held[n->name] > mean + slack) job.bytes_total += held[n->name] - mean;
  for (auto* n : serving) {
    const std::string from = n->name;
    std::int64_t after = 0;
    while (held[from] > mean + slack) {
      auto batch = store_.files_on_node_batch(from, after, kBatch);
      if (batch.empty()) break;
      after = batch.back().id;
      for (const auto& f : batch) {
        if (held[from] <= mean + slack) break;
        if (!nodes_.find_serving(from)) break;
        // The move target comes from placement (most free space first), which
        // the copy itself chooses.
        if (co_await move_off(f, from)) {
          held[from] -= std::min(held[from], f.size);
          ++job.files_done;
          job.bytes_done += f.size;
        }
      }
    }
  }
  end(job, true, "");
}

// ---------------------------------------------------------------- scrub

std::string ClusterJobs::scrub() {
  if (jobs_.contains("scrub") && jobs_["scrub"].running) return "a scrub is already running";
  auto& job = begin("scrub", "");
  for (const auto& u : store_.node_usage()) {
    job.files_total += u.files;
    job.bytes_total += u.bytes;
  }
  spawn_job("scrub", run_scrub());
  return "";
}

asio::awaitable<void> ClusterJobs::run_scrub() {
  auto& job = jobs_["scrub"];
  std::int64_t after = 0;
  std::uint64_t checked = 0;
  while (true) {
    auto batch = store_.files_batch(after, kBatch);
    if (batch.empty()) break;
    after = batch.back().id;
    for (const auto& f : batch) {
      std::vector<std::string> bad;
      std::optional<std::uint32_t> reference;
      if (f.has_crc) reference = f.crc32;
      for (const auto& holder : f.nodes) {
        if (!nodes_.find_serving(holder)) continue;
        auto r = co_await node_file_op(nodes_, holder, make_file_op(link::STAT, f.path), std::chrono::minutes(30));
        ++checked;
        ++job.files_done;
        job.bytes_done += f.size;
        if (!r.ok() && !r.not_found()) continue;  // unreadable now: not proof of corruption
        // Without a recorded checksum (an adopted file), the first copy read is the reference.
        if (!reference && r.ok() && r.size() == f.size) reference = r.crc32();
        if (r.not_found() || r.size() != f.size || r.crc32() != *reference) bad.push_back(holder);
      }
      for (const auto& holder : bad) {
        spdlog::warn("scrub: the copy of {} on {} is damaged or missing; replacing it", f.path, holder);
        co_await forget_copy(f.path, holder);
        co_await node_file_op(nodes_, holder, make_file_op(link::DELETE, f.path));
        if (!(co_await replicator_.add_copy(f.path)).empty()) ++job.repaired;
      }
    }
  }
  end(job, true, std::to_string(checked) + " copies checked, " + std::to_string(job.repaired) + " repaired");
}

}  // namespace fleet::master
