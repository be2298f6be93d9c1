// A blocking HTTP/1.0 GET for the CLI's talks with the master's HTTP
// endpoint (health at start-up, the admin API). Numeric addresses only.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

namespace fleet::cli {

struct HttpReply {
  int status = 0;
  std::string body;
};

// nullopt when the connection fails; `bearer` adds an Authorization header.
std::optional<HttpReply> http_get(const std::string& host, std::uint16_t port, const std::string& target,
                                  const std::string& bearer = "");

// Percent-encodes a query value.
std::string url_encode(const std::string& value);

}  // namespace fleet::cli
