// RegistryGateway: the NodeGateway of a running master, over its
// NodeRegistry, the nodes' links and node_calls. Holds only references: one
// per session costs a few bytes. Event-loop thread only.
#pragma once

#include "master/node_gateway.hpp"
#include "master/node_registry.hpp"

namespace fleet::master {

class RegistryGateway final : public NodeGateway {
 public:
  explicit RegistryGateway(NodeRegistry& nodes) : nodes_(nodes) {}

  std::size_t online_count() override { return nodes_.online_count(); }
  std::vector<std::string> connected_nodes() override;
  std::vector<std::string> lost_nodes() override;
  bool connected(const std::string& node) override { return nodes_.find(node) != nullptr; }
  bool serves(const std::string& node) override { return nodes_.find_serving(node) != nullptr; }
  bool draining(const std::string& node) override;
  std::optional<std::string> pick_holder(const std::vector<std::string>& holders, std::string_view path) override;
  std::optional<std::string> pick_for_upload(std::string_view path) override;
  std::string data_address(const std::string& node) override;
  std::optional<std::string> master_address_for(const std::string& node) override;
  std::optional<std::string> handoff_name(const std::string& to, const std::string& from) override;

  std::uint64_t new_ticket() override { return nodes_.new_ticket(); }
  std::optional<std::uint16_t> take_pooled_port(const std::string& node) override;
  void open_pooled(const std::string& node, std::uint64_t ticket, const std::string& allowed_ip,
                   std::chrono::milliseconds accept_timeout, std::uint16_t port) override;
  asio::awaitable<std::optional<std::uint16_t>> open_passive(const std::string& node, std::uint64_t ticket,
                                                             const std::string& allowed_ip,
                                                             std::chrono::milliseconds accept_timeout,
                                                             std::string& error) override;
  asio::awaitable<bool> expect_handoff(const std::string& node, std::uint64_t ticket, const std::string& allowed_ip,
                                       std::chrono::milliseconds accept_timeout, std::string& error) override;

  std::optional<std::string> start_transfer(const std::string& node, link::StartTransfer start) override;
  void abort_transfer(const std::string& node, std::uint64_t ticket) override;
  void watch(std::uint64_t ticket, const std::string& node, DoneHandler handler) override {
    nodes_.watch(ticket, node, std::move(handler));
  }
  void unwatch(std::uint64_t ticket) override { nodes_.unwatch(ticket); }

  asio::awaitable<link::OpResult> file_op(const std::string& node, link::FileOp op) override;

 private:
  NodeRegistry& nodes_;
};

}  // namespace fleet::master
