// Outgoing TCP connections from a chosen local address, so that the peer sees
// the right source IP (a node dialling a client in PORT mode, or another node).
#pragma once

#include <asio.hpp>
#include <chrono>
#include <cstdint>
#include <string>
#include <system_error>

namespace fleet::net {

// Binds `socket` to `local_ip` (port 0; "" = any) and connects to host:port
// (numeric addresses only), giving up after `timeout`.
asio::awaitable<std::error_code> connect_from(asio::ip::tcp::socket& socket, const std::string& local_ip,
                                              const std::string& host, std::uint16_t port,
                                              std::chrono::milliseconds timeout);

}  // namespace fleet::net
