// NodeRegistry: the master's view of the storage nodes — which are connected,
// in what state, how loaded — and the routing of transfer tickets to whoever
// waits for their completion.
//
// A ticket names one data transfer on one node. Whoever starts a transfer
// watches its ticket; the node's TransferDone (or the node going away) calls
// the handler exactly once. Placement (cluster/placement.hpp) picks nodes
// from here.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "cluster/link_connection.hpp"
#include "cluster/placement.hpp"
#include "master/pooled_ports.hpp"
#include "master/transfer_outcome.hpp"
#include "net/clock.hpp"

namespace fleet::master {

enum class NodeState {
  Syncing,  // connected; missed changes replayed and inventory reconciled before use
  Online,   // serves downloads and takes uploads (unless draining)
};

struct NodeInfo {
  std::string name;
  std::string data_address;    // where clients and peers reach the node
  std::string public_address;  // the node also listens here, if set
  // Same-host socket handoff (link.proto Hello): empty when not offered.
  std::string handoff_scope;
  std::string handoff_name;
  std::shared_ptr<cluster::LinkConnection> link;
  NodeState state = NodeState::Syncing;
  bool draining = false;       // operator asked to move everything off it
  std::uint64_t free_bytes = 0;
  std::uint64_t total_bytes = 0;
  std::uint32_t active = 0;    // transfers started here and not yet done
  std::uint64_t last_chosen = 0;
  std::chrono::steady_clock::time_point connected_at;
  std::chrono::steady_clock::time_point last_seen;
  // Throughput from the heartbeats' byte counters.
  std::uint64_t bytes_total = 0;
  std::chrono::steady_clock::time_point bytes_at;
  double bytes_per_second = 0;
  // Passive listeners the node has open and waiting for this master.
  PooledPorts pooled_ports;

  bool serves() const { return state == NodeState::Online; }

  // `from` can pass a client's connection straight to this node: both offer
  // handoff and run on one host, in one network namespace, as one user.
  bool takes_handoff_from(const NodeInfo& from) const {
    return !handoff_name.empty() && !handoff_scope.empty() && handoff_scope == from.handoff_scope;
  }
};

class NodeRegistry {
 public:
  using DoneHandler = std::function<void(TransferOutcome)>;
  using Clock = std::chrono::steady_clock;

  // `clock` times connections, losses and throughput; it must outlive the registry.
  explicit NodeRegistry(net::Clock& clock = net::steady_clock()) : clock_(&clock) {}

  net::Clock& clock() const { return *clock_; }
  // Called after a node was dropped (detach), with its name: whoever counts
  // on a node's copies learns at once that it is gone.
  void set_loss_listener(std::function<void(const std::string&)> listener) { on_lost_ = std::move(listener); }

  void set_policy(const cluster::PlacementPolicy* policy) { policy_ = policy; }

  // Registers a node that completed the handshake (state Syncing); a node of
  // the same name that was still registered is dropped first.
  void attach(NodeInfo node);
  // Drops the node if `link` is still its link; every ticket watched on it
  // completes with a failure naming `reason`.
  void detach(const std::string& name, const cluster::LinkConnection* link, const std::string& reason);

  NodeInfo* find(const std::string& name);
  // A connected node that serves (Online), or nullptr.
  NodeInfo* find_serving(const std::string& name);
  std::vector<NodeInfo*> online();
  std::size_t online_count() const { return nodes_.size(); }
  // Connected (syncing or serving).
  bool connected(const std::string& name) const { return nodes_.contains(name); }
  // When each node that was connected since start went away (for the grace period).
  const std::map<std::string, Clock::time_point>& lost() const { return lost_; }
  void record_heartbeat(NodeInfo& node, std::uint64_t bytes_total);

  // The node to receive a new upload of `path` per the placement policy,
  // never one of `exclude`. nullptr if none is eligible.
  NodeInfo* pick_for_upload(std::string_view path = "/", const std::vector<std::string>& exclude = {});
  // The serving node among `holders` to read a copy from.
  NodeInfo* pick_holder(const std::vector<std::string>& holders, std::string_view path = "/");
  // The placement table behind those choices, for operators.
  std::vector<cluster::Candidate> rank(cluster::Direction direction, std::string_view path,
                                       const std::vector<std::string>& only = {});

  std::uint64_t new_ticket() { return next_ticket_++; }
  void watch(std::uint64_t ticket, const std::string& node, DoneHandler handler);
  // Stops watching without calling the handler (the transfer was never started).
  void unwatch(std::uint64_t ticket);
  void transfer_done(const std::string& node, const link::TransferDone& done);

 private:
  struct Watch {
    std::string node;
    DoneHandler handler;
  };
  void complete(std::uint64_t ticket, TransferOutcome outcome);
  std::vector<cluster::NodeLoad> loads(const std::vector<NodeInfo*>& nodes) const;

  net::Clock* clock_;
  std::function<void(const std::string&)> on_lost_;
  const cluster::PlacementPolicy* policy_ = nullptr;
  cluster::PlacementPolicy default_policy_;
  std::map<std::string, NodeInfo> nodes_;
  std::map<std::string, Clock::time_point> lost_;
  std::unordered_map<std::uint64_t, Watch> watches_;
  std::uint64_t next_ticket_ = 1;
  std::uint64_t choice_clock_ = 0;
};

}  // namespace fleet::master
