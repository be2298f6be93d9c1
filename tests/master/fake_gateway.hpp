// Fake storage nodes behind the NodeGateway interface: the tests say which
// nodes exist, hold what and share a host, and then see every request the
// session's parts send (listeners, transfer starts, aborts) and complete
// the tickets themselves — a node that finishes, refuses or is lost.
#pragma once

#include <map>
#include <set>
#include <stdexcept>
#include <string>
#include <vector>

#include "master/node_gateway.hpp"

namespace fleet::master::testing {

struct FakeNode {
  std::string address;        // data address
  std::string host;           // nodes of one host can hand connections to each other
  bool serving = true;
  bool draining = false;
  std::vector<std::uint16_t> pooled;  // free pooled listener ports
  std::uint16_t next_port = 40000;    // ports of listeners opened on request
  bool cannot_listen = false;
};

class FakeGateway : public NodeGateway {
 public:
  struct Start {
    std::string node;
    link::StartTransfer start;
  };
  struct Open {
    std::string node;
    std::uint64_t ticket;
    std::string allowed_ip;
    std::uint16_t port;
    bool pooled;
  };

  std::map<std::string, FakeNode> nodes;
  std::vector<Start> started;
  std::vector<Open> opened;
  std::vector<std::pair<std::string, std::uint64_t>> aborted;
  std::vector<std::pair<std::string, std::uint64_t>> handoffs_expected;
  std::map<std::uint64_t, std::pair<std::string, DoneHandler>> watches;
  std::set<std::uint64_t> unwatched;
  std::vector<link::FileOp> file_ops;
  std::uint64_t next_ticket = 100;

  // Completes a watched ticket as its node would.
  void complete(std::uint64_t ticket, TransferOutcome o) {
    auto it = watches.find(ticket);
    if (it == watches.end()) throw std::logic_error("ticket " + std::to_string(ticket) + " is not watched");
    auto handler = std::move(it->second.second);
    watches.erase(it);
    handler(std::move(o));
  }
  void complete_ok(std::uint64_t ticket, std::uint64_t bytes, std::uint64_t file_size = 0) {
    TransferOutcome o;
    o.ok = true;
    o.bytes = bytes;
    o.file_size = file_size;
    o.crc32 = 0x1234;
    o.mtime = 1700000000;
    complete(ticket, o);
  }
  // The node's link drops: every ticket on it fails, as NodeRegistry::detach does.
  void lose(const std::string& node) {
    nodes.erase(node);
    std::vector<std::uint64_t> gone;
    for (const auto& [t, w] : watches)
      if (w.first == node) gone.push_back(t);
    for (auto t : gone) complete(t, TransferOutcome::failed("node " + node + " lost its link"));
  }
  const Start* start_on(const std::string& node) const {
    for (const auto& s : started)
      if (s.node == node) return &s;
    return nullptr;
  }

  std::size_t online_count() override { return nodes.size(); }
  std::vector<std::string> connected_nodes() override {
    std::vector<std::string> out;
    for (const auto& [n, info] : nodes) out.push_back(n);
    return out;
  }
  std::vector<std::string> lost_nodes() override { return {}; }
  bool connected(const std::string& node) override { return nodes.contains(node); }
  bool serves(const std::string& node) override { return nodes.contains(node) && nodes[node].serving; }
  bool draining(const std::string& node) override { return nodes.contains(node) && nodes[node].draining; }
  std::optional<std::string> pick_holder(const std::vector<std::string>& holders, std::string_view) override {
    for (const auto& h : holders)
      if (serves(h)) return h;
    return std::nullopt;
  }
  std::optional<std::string> pick_for_upload(std::string_view) override {
    for (const auto& [n, info] : nodes)
      if (info.serving && !info.draining) return n;
    return std::nullopt;
  }
  std::string data_address(const std::string& node) override {
    return nodes.contains(node) ? nodes[node].address : std::string();
  }
  std::optional<std::string> master_address_for(const std::string& node) override {
    if (!nodes.contains(node)) return std::nullopt;
    return std::string("127.0.0.1");
  }
  std::optional<std::string> handoff_name(const std::string& to, const std::string& from) override {
    if (!nodes.contains(to) || !nodes.contains(from) || nodes[to].host.empty() || nodes[to].host != nodes[from].host)
      return std::nullopt;
    return "handoff-" + to;
  }
  std::uint64_t new_ticket() override { return next_ticket++; }
  std::optional<std::uint16_t> take_pooled_port(const std::string& node) override {
    if (!nodes.contains(node) || nodes[node].pooled.empty()) return std::nullopt;
    auto port = nodes[node].pooled.front();
    nodes[node].pooled.erase(nodes[node].pooled.begin());
    return port;
  }
  void open_pooled(const std::string& node, std::uint64_t ticket, const std::string& allowed_ip,
                   std::chrono::milliseconds, std::uint16_t port) override {
    opened.push_back({node, ticket, allowed_ip, port, true});
  }
  asio::awaitable<std::optional<std::uint16_t>> open_passive(const std::string& node, std::uint64_t ticket,
                                                             const std::string& allowed_ip, std::chrono::milliseconds,
                                                             std::string& error) override {
    if (!nodes.contains(node) || nodes[node].cannot_listen) {
      error = "no free port";
      co_return std::nullopt;
    }
    const auto port = nodes[node].next_port++;
    opened.push_back({node, ticket, allowed_ip, port, false});
    co_return port;
  }
  asio::awaitable<bool> expect_handoff(const std::string& node, std::uint64_t ticket, const std::string&,
                                       std::chrono::milliseconds, std::string& error) override {
    if (!nodes.contains(node)) {
      error = "offline";
      co_return false;
    }
    handoffs_expected.emplace_back(node, ticket);
    co_return true;
  }
  std::optional<std::string> start_transfer(const std::string& node, link::StartTransfer start) override {
    if (!nodes.contains(node)) return "node " + node + " is offline";
    started.push_back({node, std::move(start)});
    return std::nullopt;
  }
  void abort_transfer(const std::string& node, std::uint64_t ticket) override { aborted.emplace_back(node, ticket); }
  void watch(std::uint64_t ticket, const std::string& node, DoneHandler handler) override {
    watches[ticket] = {node, std::move(handler)};
  }
  void unwatch(std::uint64_t ticket) override {
    watches.erase(ticket);
    unwatched.insert(ticket);
  }
  asio::awaitable<link::OpResult> file_op(const std::string&, link::FileOp op) override {
    file_ops.push_back(op);
    link::OpResult r;
    r.set_ok(true);
    co_return r;
  }
};

}  // namespace fleet::master::testing
