// Address arguments of PORT/EPRT and the address parts of PASV/EPSV replies
// (RFC 959 §4.1.2, RFC 2428).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace fleet::ftp {

struct HostPort {
  std::string host;  // textual IPv4 ("1.2.3.4") or IPv6 ("::1")
  std::uint16_t port = 0;
};

// "h1,h2,h3,h4,p1,p2" with each number 0-255 (whitespace around numbers allowed).
std::optional<HostPort> parse_port_arg(std::string_view arg);

// "<d>1<d>1.2.3.4<d>5282<d>" or "<d>2<d>::1<d>5282<d>" where <d> is any
// printable ASCII delimiter (RFC 2428 §2). The address is validated for the
// given family; port must be 1-65535.
std::optional<HostPort> parse_eprt_arg(std::string_view arg);

// "h1,h2,h3,h4,p1,p2" for a 227 reply; `host` must be IPv4 (nullopt otherwise).
std::optional<std::string> format_pasv_address(const HostPort& hp);

// "(|||port|)" for a 229 reply.
std::string format_epsv_port(std::uint16_t port);

}  // namespace fleet::ftp
