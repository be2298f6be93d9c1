// The data address in replies to PASV (227) and EPSV (229), and the argument
// of PORT: what a client needs to open the data connection itself.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace fleet::bench {

struct Endpoint {
  std::string host;  // dotted IPv4
  std::uint16_t port = 0;
};

// Finds "h1,h2,h3,h4,p1,p2" anywhere in a 227 reply's text. RFC 959 does not
// fix the wording around it (RFC 1123 §4.1.2.6 tells clients to scan for the
// first digit), so servers' "(...)" or bare forms both parse.
std::optional<Endpoint> parse_pasv_reply(std::string_view text);

// The port in a 229 reply: "(<d><d><d>port<d>)" with any delimiter <d>
// (RFC 2428 §3). The host is the control connection's peer.
std::optional<std::uint16_t> parse_epsv_reply(std::string_view text);

// "h1,h2,h3,h4,p1,p2" for PORT; nullopt unless `host` is dotted IPv4.
std::optional<std::string> format_port_argument(const Endpoint& endpoint);

}  // namespace fleet::bench
