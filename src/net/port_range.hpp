// An inclusive TCP port range such as "30000-30999", as operators write it.
// Part of net (the passive listeners take ports from it); config reads it
// from TOML and names it config::PortRange.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

namespace fleet::net {

struct PortRange {
  std::uint16_t first = 0;
  std::uint16_t last = 0;
  std::uint32_t size() const { return std::uint32_t{last} - first + 1; }
};

// Parses "A-B" (1 <= A <= B <= 65535) or a single port "A".
std::optional<PortRange> parse_port_range(std::string_view text);

}  // namespace fleet::net
