#include "master/node_registry.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>

namespace fleet::master {

void NodeRegistry::attach(NodeInfo node) {
  const std::string name = node.name;
  if (auto it = nodes_.find(name); it != nodes_.end()) {
    auto old = it->second.link;
    detach(name, old.get(), "node " + name + " reconnected");
    if (old) old->close();
  }
  lost_.erase(name);
  node.connected_at = node.last_seen = node.bytes_at = clock_->now();
  nodes_.emplace(name, std::move(node));
}

void NodeRegistry::detach(const std::string& name, const cluster::LinkConnection* link, const std::string& reason) {
  auto it = nodes_.find(name);
  if (it == nodes_.end() || it->second.link.get() != link) return;
  nodes_.erase(it);
  lost_[name] = clock_->now();
  std::vector<std::uint64_t> gone;
  for (const auto& [ticket, w] : watches_)
    if (w.node == name) gone.push_back(ticket);
  for (auto ticket : gone) complete(ticket, TransferOutcome::failed(reason));
  if (on_lost_) on_lost_(name);
}

NodeInfo* NodeRegistry::find(const std::string& name) {
  auto it = nodes_.find(name);
  return it == nodes_.end() ? nullptr : &it->second;
}

NodeInfo* NodeRegistry::find_serving(const std::string& name) {
  auto* n = find(name);
  return n && n->serves() ? n : nullptr;
}

std::vector<NodeInfo*> NodeRegistry::online() {
  std::vector<NodeInfo*> out;
  for (auto& [name, n] : nodes_) out.push_back(&n);
  return out;
}

void NodeRegistry::record_heartbeat(NodeInfo& node, std::uint64_t bytes_total) {
  const auto now = clock_->now();
  const double seconds = std::chrono::duration<double>(now - node.bytes_at).count();
  if (seconds > 0.2 && bytes_total >= node.bytes_total) {
    node.bytes_per_second = static_cast<double>(bytes_total - node.bytes_total) / seconds;
    node.bytes_total = bytes_total;
    node.bytes_at = now;
  }
}

std::vector<cluster::NodeLoad> NodeRegistry::loads(const std::vector<NodeInfo*>& nodes) const {
  std::vector<cluster::NodeLoad> out;
  out.reserve(nodes.size());
  for (const auto* n : nodes) {
    cluster::NodeLoad l;
    l.name = n->name;
    l.free_bytes = n->free_bytes;
    l.total_bytes = n->total_bytes;
    l.active_transfers = n->active;
    l.bytes_per_second = n->bytes_per_second;
    l.last_chosen = n->last_chosen;
    l.draining = n->draining;
    out.push_back(std::move(l));
  }
  return out;
}

std::vector<cluster::Candidate> NodeRegistry::rank(cluster::Direction direction, std::string_view path,
                                                   const std::vector<std::string>& only) {
  std::vector<NodeInfo*> nodes;
  for (auto& [name, n] : nodes_)
    if (n.serves() && (only.empty() || std::find(only.begin(), only.end(), name) != only.end())) nodes.push_back(&n);
  return cluster::rank(policy_ ? *policy_ : default_policy_, direction, path, loads(nodes));
}

NodeInfo* NodeRegistry::pick_for_upload(std::string_view path, const std::vector<std::string>& exclude) {
  for (const auto& c : rank(cluster::Direction::Upload, path)) {
    if (!c.eligible) break;
    if (std::find(exclude.begin(), exclude.end(), c.node) != exclude.end()) continue;
    auto* n = find(c.node);
    n->last_chosen = ++choice_clock_;
    return n;
  }
  return nullptr;
}

NodeInfo* NodeRegistry::pick_holder(const std::vector<std::string>& holders, std::string_view path) {
  if (holders.empty()) return nullptr;
  for (const auto& c : rank(cluster::Direction::Download, path, holders)) {
    if (!c.eligible) break;
    auto* n = find(c.node);
    n->last_chosen = ++choice_clock_;
    return n;
  }
  return nullptr;
}

void NodeRegistry::watch(std::uint64_t ticket, const std::string& node, DoneHandler handler) {
  if (auto* n = find(node)) ++n->active;
  watches_[ticket] = Watch{node, std::move(handler)};
}

void NodeRegistry::unwatch(std::uint64_t ticket) {
  auto it = watches_.find(ticket);
  if (it == watches_.end()) return;
  if (auto* n = find(it->second.node); n && n->active > 0) --n->active;
  watches_.erase(it);
}

void NodeRegistry::transfer_done(const std::string& node, const link::TransferDone& done) {
  auto it = watches_.find(done.ticket());
  if (it == watches_.end() || it->second.node != node) {
    spdlog::debug("node {}: completion of unknown ticket {} ignored", node, done.ticket());
    return;
  }
  complete(done.ticket(), TransferOutcome::from(done));
}

void NodeRegistry::complete(std::uint64_t ticket, TransferOutcome outcome) {
  auto it = watches_.find(ticket);
  if (it == watches_.end()) return;
  auto handler = std::move(it->second.handler);
  if (auto* n = find(it->second.node); n && n->active > 0) --n->active;
  watches_.erase(it);
  if (handler) handler(std::move(outcome));
}

}  // namespace fleet::master
