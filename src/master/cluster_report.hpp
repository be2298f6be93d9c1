// Text an operator reads about the cluster, shared by the SITE commands and
// the admin API behind `fleetftp nodes ...`, so both say the same thing.
#pragma once

#include <string>
#include <string_view>

#include "master/cluster_jobs.hpp"
#include "master/node_registry.hpp"
#include "meta/store.hpp"

namespace fleet::master {

// One line per node, connected or lost (sizes in MiB; for a lost node,
// "heartbeat" is the time since it was lost, "never" if not seen since the
// master started):
//   "n1 online free=1234 total=5678 active=0 files=42 throughput=0.0MiB/s heartbeat=0.4s ago"
// then, with `jobs`, one line per job ("drain n1: 500/1000 files, ...").
std::string nodes_report(NodeRegistry& nodes, meta::MetaStore& store, const ClusterJobs* jobs);

// "Copies of /p (wanted 2):" then " n1 online" / " n2 offline" lines; "" if no such file.
std::string copies_report(NodeRegistry& nodes, meta::MetaStore& store, int wanted, const std::string& path);

}  // namespace fleet::master
