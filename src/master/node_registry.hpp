// NodeRegistry: the master's view of the storage nodes that are online, and
// the routing of transfer tickets to whoever waits for their completion.
//
// A ticket names one data transfer on one node. Whoever starts a transfer
// watches its ticket; the node's TransferDone (or the node going away) calls
// the handler exactly once. Placement picks nodes from here.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include "cluster/link_connection.hpp"
#include "master/transfer_outcome.hpp"

namespace fleet::master {

struct NodeInfo {
  std::string name;
  std::string data_address;    // where clients and peers reach the node
  std::string public_address;  // the node also listens here, if set
  std::shared_ptr<cluster::LinkConnection> link;
  std::uint64_t free_bytes = 0;
  std::uint64_t total_bytes = 0;
  std::uint32_t active = 0;    // transfers started here and not yet done
  std::uint64_t chosen = 0;    // times picked, to spread work among equals
  std::chrono::steady_clock::time_point last_seen;
};

class NodeRegistry {
 public:
  using DoneHandler = std::function<void(TransferOutcome)>;

  // Registers a node that completed the handshake; a node of the same name
  // that was still registered is dropped first (its link is closed).
  void attach(NodeInfo node);
  // Drops the node if `link` is still its link; every ticket watched on it
  // completes with a failure naming `reason`.
  void detach(const std::string& name, const cluster::LinkConnection* link, const std::string& reason);

  NodeInfo* find(const std::string& name);
  std::vector<NodeInfo*> online();
  std::size_t online_count() const { return nodes_.size(); }

  // The node to receive a new upload: fewest running transfers, then least
  // often chosen; nodes under `min_free` bytes are skipped. nullptr if none.
  NodeInfo* pick_for_upload(std::uint64_t min_free = 0);
  // The online node among `holders` to serve a download, same ordering.
  NodeInfo* pick_holder(const std::vector<std::string>& holders);

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
  static bool better(const NodeInfo& a, const NodeInfo& b);
  void complete(std::uint64_t ticket, TransferOutcome outcome);

  std::map<std::string, NodeInfo> nodes_;
  std::unordered_map<std::uint64_t, Watch> watches_;
  std::uint64_t next_ticket_ = 1;
};

}  // namespace fleet::master
