#include "master/node_file_ops.hpp"

#include <spdlog/spdlog.h>

#include <set>

namespace fleet::master {

asio::awaitable<std::optional<NodeFailure>> run_on_nodes(NodeGateway& nodes, const std::vector<std::string>& targets,
                                                         link::FileOp op, std::vector<std::string>& done,
                                                         std::vector<std::string>& offline) {
  for (const auto& node : targets) {
    if (!nodes.connected(node)) {
      offline.push_back(node);
      continue;
    }
    auto r = co_await nodes.file_op(node, op);
    if (r.ok() || r.not_found()) {
      done.push_back(node);
      continue;
    }
    if (!nodes.connected(node)) {  // it went away meanwhile: the replay will do it
      offline.push_back(node);
      continue;
    }
    spdlog::warn("node {}: {} failed: {}", node, op.path(), r.error());
    co_return NodeFailure{node, r.error()};
  }
  co_return std::nullopt;
}

void queue_for(meta::MetaStore& store, const std::vector<std::string>& nodes, meta::NodeOp::Kind kind,
               const std::string& path, const std::string& path2) {
  for (const auto& n : nodes) store.enqueue_node_op(n, kind, path, path2);
  if (!nodes.empty())
    spdlog::info("{} offline node(s) will get the change to {} when they return", nodes.size(), path);
}

void file_op_everywhere(asio::any_io_executor ex, std::shared_ptr<NodeGateway> nodes, meta::MetaStore& store,
                        const std::vector<std::string>& targets, link::FileOp op) {
  for (const auto& n : targets) {
    if (!nodes->connected(n)) {
      if (op.kind() == link::DELETE) queue_for(store, {n}, meta::NodeOp::Kind::Delete, op.path(), "");
      continue;
    }
    asio::co_spawn(
        ex,
        [nodes, n, op]() -> asio::awaitable<void> {
          auto r = co_await nodes->file_op(n, op);
          if (!r.ok() && !r.not_found()) spdlog::warn("node {}: {} failed: {}", n, op.path(), r.error());
        },
        [n, path = op.path()](std::exception_ptr e) {
          if (!e) return;
          try {
            std::rethrow_exception(e);
          } catch (const std::exception& x) {
            spdlog::error("node {}: the change to {} failed: {}", n, path, x.what());
          }
        });
  }
}

std::vector<std::string> known_nodes(NodeGateway& nodes, meta::MetaStore& store) {
  std::set<std::string> names;
  for (auto& n : nodes.connected_nodes()) names.insert(std::move(n));
  for (auto& n : nodes.lost_nodes()) names.insert(std::move(n));
  for (const auto& u : store.node_usage()) names.insert(u.node);
  return {names.begin(), names.end()};
}

}  // namespace fleet::master
