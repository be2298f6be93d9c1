// SessionEnv: the shared services every FTP session of a master uses. Owned by
// the MasterServer; sessions hold a reference. Everything runs on the master's
// one event-loop thread except password hashing, which goes to `hash_pool`.
// `gateway` is how sessions reach the nodes: left empty, the first session
// makes the RegistryGateway over `nodes` that all then share; tests put a
// fake there.
#pragma once

#include <asio.hpp>
#include <memory>

#include "auth/credential_cache.hpp"
#include "auth/login_guard.hpp"
#include "config/master_config.hpp"
#include "master/cluster_jobs.hpp"
#include "master/node_gateway.hpp"
#include "master/node_registry.hpp"
#include "master/replicator.hpp"
#include "master/stats.hpp"
#include "master/transfer_recorder.hpp"
#include "meta/store.hpp"
#include "net/passive_listener.hpp"

namespace fleet::master {

struct SessionEnv {
  const config::MasterConfig& config;
  meta::MetaStore& store;
  NodeRegistry& nodes;
  MasterStats& stats;
  auth::LoginGuard& guard;
  auth::CredentialCache& credentials;
  asio::thread_pool& hash_pool;
  net::PortCursor& passive_ports;  // the master's own passive range
  TransferRecorder& transfers;
  Replicator& replicator;
  ClusterJobs& jobs;
  std::shared_ptr<NodeGateway> gateway = nullptr;
};

}  // namespace fleet::master
