// Changes on the nodes' disks that follow a namespace change (delete,
// rename, remove a directory, set a time): run on each node in turn, queued
// for nodes that are away (replayed when they return), or fired and
// forgotten for cleanups whose failure changes no reply. Used by the
// namespace operations and the transfer commit; nodes are reached through a
// NodeGateway. Event-loop thread only; store errors propagate as exceptions.
#pragma once

#include <asio.hpp>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "link.pb.h"
#include "master/node_gateway.hpp"
#include "meta/store.hpp"

namespace fleet::master {

struct NodeFailure {
  std::string node;
  std::string error;
};

// Runs `op` on each connected node of `targets` in turn, stopping at the
// first real failure; `done` gets the nodes where it took effect, `offline`
// the ones that were not connected.
asio::awaitable<std::optional<NodeFailure>> run_on_nodes(NodeGateway& nodes, const std::vector<std::string>& targets,
                                                         link::FileOp op, std::vector<std::string>& done,
                                                         std::vector<std::string>& offline);

// Keeps a change for nodes that are away, replayed when they return.
void queue_for(meta::MetaStore& store, const std::vector<std::string>& nodes, meta::NodeOp::Kind kind,
               const std::string& path, const std::string& path2);

// Fire and forget (offline nodes get deletes queued); a failure is logged.
void file_op_everywhere(asio::any_io_executor ex, std::shared_ptr<NodeGateway> nodes, meta::MetaStore& store,
                        const std::vector<std::string>& targets, link::FileOp op);

// Every node the cluster knows: connected, lost, or holding copies in the VFS.
std::vector<std::string> known_nodes(NodeGateway& nodes, meta::MetaStore& store);

// Names starting with ".fleetftp-" belong to the nodes' housekeeping.
inline bool is_reserved_path(const std::string& path) { return path.find("/.fleetftp-") != std::string::npos; }

}  // namespace fleet::master
