#include "master/registry_gateway.hpp"

#include "master/node_calls.hpp"

namespace fleet::master {

std::vector<std::string> RegistryGateway::connected_nodes() {
  std::vector<std::string> names;
  for (auto* n : nodes_.online()) names.push_back(n->name);
  return names;
}

std::vector<std::string> RegistryGateway::lost_nodes() {
  std::vector<std::string> names;
  for (const auto& [name, when] : nodes_.lost()) names.push_back(name);
  return names;
}

bool RegistryGateway::draining(const std::string& node) {
  auto* n = nodes_.find(node);
  return n && n->draining;
}

std::optional<std::string> RegistryGateway::pick_holder(const std::vector<std::string>& holders,
                                                        std::string_view path) {
  if (auto* n = nodes_.pick_holder(holders, path)) return n->name;
  return std::nullopt;
}

std::optional<std::string> RegistryGateway::pick_for_upload(std::string_view path) {
  if (auto* n = nodes_.pick_for_upload(path)) return n->name;
  return std::nullopt;
}

std::string RegistryGateway::data_address(const std::string& node) {
  auto* n = nodes_.find(node);
  return n ? n->data_address : std::string();
}

std::optional<std::string> RegistryGateway::master_address_for(const std::string& node) {
  auto* n = nodes_.find(node);
  if (!n) return std::nullopt;
  return n->link->local_ip();
}

std::optional<std::string> RegistryGateway::handoff_name(const std::string& to, const std::string& from) {
  auto* t = nodes_.find(to);
  auto* f = nodes_.find(from);
  if (!t || !f || !t->takes_handoff_from(*f)) return std::nullopt;
  return t->handoff_name;
}

std::optional<std::uint16_t> RegistryGateway::take_pooled_port(const std::string& node) {
  auto* n = nodes_.find(node);
  return n ? n->pooled_ports.take() : std::nullopt;
}

void RegistryGateway::open_pooled(const std::string& node, std::uint64_t ticket, const std::string& allowed_ip,
                                  std::chrono::milliseconds accept_timeout, std::uint16_t port) {
  // Sent even if the node reconnected meanwhile: the new link has no such
  // listener, and the node refuses the transfer, which the client hears.
  if (auto* n = nodes_.find(node)) n->link->send(pooled_open(ticket, allowed_ip, accept_timeout, port));
}

asio::awaitable<std::optional<std::uint16_t>> RegistryGateway::open_passive(const std::string& node,
                                                                            std::uint64_t ticket,
                                                                            const std::string& allowed_ip,
                                                                            std::chrono::milliseconds accept_timeout,
                                                                            std::string& error) {
  co_return co_await node_open_passive(nodes_, node, ticket, allowed_ip, accept_timeout, error);
}

asio::awaitable<bool> RegistryGateway::expect_handoff(const std::string& node, std::uint64_t ticket,
                                                      const std::string& allowed_ip,
                                                      std::chrono::milliseconds accept_timeout, std::string& error) {
  co_return co_await node_expect_handoff(nodes_, node, ticket, allowed_ip, accept_timeout, error);
}

std::optional<std::string> RegistryGateway::start_transfer(const std::string& node, link::StartTransfer start) {
  auto* n = nodes_.find(node);
  if (!n) return "node " + node + " is offline";
  link::Envelope env;
  *env.mutable_start_transfer() = std::move(start);
  // An oversized message is not sent at all (the node would drop its link).
  if (!n->link->send(env)) return "the request exceeds the node link's frame limit";
  // Before the 150 goes to the client: the node's work is what the client
  // waits for.
  n->link->flush();
  return std::nullopt;
}

void RegistryGateway::abort_transfer(const std::string& node, std::uint64_t ticket) {
  if (auto* n = nodes_.find(node)) {
    link::Envelope env;
    env.mutable_abort_transfer()->set_ticket(ticket);
    n->link->send(env);
  }
}

asio::awaitable<link::OpResult> RegistryGateway::file_op(const std::string& node, link::FileOp op) {
  co_return co_await node_file_op(nodes_, node, std::move(op));
}

}  // namespace fleet::master
