// The node's side of the link handshake (proto/link.proto, docs/PROTOCOL.md
// §3): Hello, check the master's proof, AuthProof, wait for Welcome. Nothing
// is proved to a master that cannot prove it knows the link key first.
#pragma once

#include <asio.hpp>
#include <chrono>
#include <optional>
#include <string>

#include "cluster/link_connection.hpp"
#include "node/node_context.hpp"

namespace fleet::node {

// The master's Welcome (its name and the link's settings) once it has
// welcomed us; nullopt after logging why not (the link is then closed).
// Gives up after `timeout`.
asio::awaitable<std::optional<link::Welcome>> authenticate_to_master(
    cluster::LinkConnection& link, const NodeContext& context,
    std::chrono::milliseconds timeout = std::chrono::seconds(10));

}  // namespace fleet::node
