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
  nodes_.emplace(name, std::move(node));
}

void NodeRegistry::detach(const std::string& name, const cluster::LinkConnection* link, const std::string& reason) {
  auto it = nodes_.find(name);
  if (it == nodes_.end() || it->second.link.get() != link) return;
  nodes_.erase(it);
  std::vector<std::uint64_t> lost;
  for (const auto& [ticket, w] : watches_)
    if (w.node == name) lost.push_back(ticket);
  for (auto ticket : lost) complete(ticket, TransferOutcome::failed(reason));
}

NodeInfo* NodeRegistry::find(const std::string& name) {
  auto it = nodes_.find(name);
  return it == nodes_.end() ? nullptr : &it->second;
}

std::vector<NodeInfo*> NodeRegistry::online() {
  std::vector<NodeInfo*> out;
  for (auto& [name, n] : nodes_) out.push_back(&n);
  return out;
}

bool NodeRegistry::better(const NodeInfo& a, const NodeInfo& b) {
  if (a.active != b.active) return a.active < b.active;
  return a.chosen < b.chosen;
}

NodeInfo* NodeRegistry::pick_for_upload(std::uint64_t min_free) {
  NodeInfo* best = nullptr;
  for (auto& [name, n] : nodes_) {
    if (n.total_bytes != 0 && n.free_bytes < min_free) continue;
    if (!best || better(n, *best)) best = &n;
  }
  if (best) ++best->chosen;
  return best;
}

NodeInfo* NodeRegistry::pick_holder(const std::vector<std::string>& holders) {
  NodeInfo* best = nullptr;
  for (const auto& h : holders) {
    auto* n = find(h);
    if (n && (!best || better(*n, *best))) best = n;
  }
  if (best) ++best->chosen;
  return best;
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
