// Cluster policy settings of the master: placement, replication, node return
// and scrubbing. Read from the master's TOML file; documented in docs/CONFIG.md.
#pragma once

#include <chrono>

#include "cluster/placement.hpp"
#include "cluster/replication_policy.hpp"
#include "meta/store.hpp"

namespace fleet::config {

class TomlReader;

struct ClusterConfig {
  cluster::PlacementPolicy placement;                        // [placement], [[placement.path]]
  cluster::ReplicationPolicy replication;                    // [replication] default, [[replication.rule]]
  std::chrono::seconds rereplicate_after{300};               // [replication] grace_seconds
  int replication_workers = 2;                               // [replication] workers
  meta::UnknownFilePolicy unknown_files = meta::UnknownFilePolicy::Adopt;  // [cluster] unknown_files
  std::chrono::seconds scrub_interval{0};                    // [scrub] interval_seconds, 0 = only on demand
};

// Fills `out` from the file behind `reader`; throws std::runtime_error naming
// the key on a bad value (unknown rule name, copies < 1, bad glob...).
void read_cluster_config(const TomlReader& reader, ClusterConfig& out);

}  // namespace fleet::config
