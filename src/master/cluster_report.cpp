#include "master/cluster_report.hpp"

#include <fmt/format.h>

#include <map>

namespace fleet::master {

std::string nodes_report(NodeRegistry& nodes, meta::MetaStore& store, const ClusterJobs* jobs) {
  std::map<std::string, meta::NodeUsage> usage;
  for (const auto& u : store.node_usage()) usage[u.node] = u;
  const auto now = nodes.clock().now();
  std::string out;
  for (auto* n : nodes.online()) {
    const char* state = n->state == NodeState::Syncing ? "syncing" : n->draining ? "draining" : "online";
    out += fmt::format("{} {} free={} total={} active={} files={} throughput={:.1f}MiB/s heartbeat={:.1f}s ago\n",
                       n->name, state, n->free_bytes >> 20, n->total_bytes >> 20, n->active, usage[n->name].files,
                       n->bytes_per_second / (1 << 20), std::chrono::duration<double>(now - n->last_seen).count());
    usage.erase(n->name);
  }
  for (const auto& [name, when] : nodes.lost()) {
    out += fmt::format("{} offline free=0 total=0 active=0 files={} throughput=0.0MiB/s heartbeat={:.0f}s ago\n",
                       name, usage[name].files, std::chrono::duration<double>(now - when).count());
    usage.erase(name);
  }
  // Nodes known only from the VFS (not seen since the master started).
  for (const auto& [name, u] : usage)
    out += fmt::format("{} offline free=0 total=0 active=0 files={} throughput=0.0MiB/s heartbeat=never\n", name,
                       u.files);
  if (jobs)
    for (const auto& [kind, job] : jobs->jobs()) out += job.describe() + "\n";
  return out;
}

std::string copies_report(NodeRegistry& nodes, meta::MetaStore& store, int wanted, const std::string& path) {
  auto entry = store.lookup(path);
  if (!entry || entry->is_dir) return "";
  std::string out = fmt::format("Copies of {} (wanted {}):\n", path, wanted);
  for (const auto& n : entry->nodes) out += " " + n + (nodes.find_serving(n) ? " online\n" : " offline\n");
  return out;
}

}  // namespace fleet::master
