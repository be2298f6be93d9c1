#include "bench/passive_reply.hpp"

#include <array>

namespace fleet::bench {

namespace {

bool is_digit(char c) { return c >= '0' && c <= '9'; }

// Reads a decimal number of at most `max_digits` at `pos`, advancing `pos`.
std::optional<unsigned> read_number(std::string_view s, std::size_t& pos, std::size_t max_digits) {
  const std::size_t start = pos;
  unsigned value = 0;
  while (pos < s.size() && is_digit(s[pos]) && pos - start < max_digits) value = value * 10 + unsigned(s[pos++] - '0');
  if (pos == start || (pos < s.size() && is_digit(s[pos]))) return std::nullopt;
  return value;
}

std::optional<Endpoint> six_numbers_at(std::string_view s, std::size_t pos) {
  std::array<unsigned, 6> n{};
  for (std::size_t i = 0; i < n.size(); ++i) {
    if (i > 0) {
      if (pos >= s.size() || s[pos] != ',') return std::nullopt;
      ++pos;
    }
    const auto v = read_number(s, pos, 3);
    if (!v || *v > 255) return std::nullopt;
    n[i] = *v;
  }
  Endpoint e;
  e.host = std::to_string(n[0]) + "." + std::to_string(n[1]) + "." + std::to_string(n[2]) + "." + std::to_string(n[3]);
  e.port = static_cast<std::uint16_t>(n[4] * 256 + n[5]);
  if (e.port == 0) return std::nullopt;
  return e;
}

}  // namespace

std::optional<Endpoint> parse_pasv_reply(std::string_view text) {
  for (std::size_t pos = 0; pos < text.size(); ++pos) {
    if (!is_digit(text[pos]) || (pos > 0 && is_digit(text[pos - 1]))) continue;
    if (auto e = six_numbers_at(text, pos)) return e;
  }
  return std::nullopt;
}

std::optional<std::uint16_t> parse_epsv_reply(std::string_view text) {
  for (auto open = text.find('('); open != std::string_view::npos; open = text.find('(', open + 1)) {
    std::size_t pos = open + 1;
    if (pos + 3 >= text.size()) return std::nullopt;
    const char d = text[pos];
    // RFC 2428: the delimiter is printable ASCII 33-126 and not a digit.
    if (d < 33 || d > 126 || is_digit(d) || text[pos + 1] != d || text[pos + 2] != d) continue;
    pos += 3;
    const auto port = read_number(text, pos, 5);
    if (!port || *port == 0 || *port > 65535) continue;
    if (pos + 1 < text.size() && text[pos] == d && text[pos + 1] == ')')
      return static_cast<std::uint16_t>(*port);
  }
  return std::nullopt;
}

std::optional<std::string> format_port_argument(const Endpoint& endpoint) {
  std::string out;
  std::size_t pos = 0;
  for (int i = 0; i < 4; ++i) {
    if (i > 0) {
      if (pos >= endpoint.host.size() || endpoint.host[pos] != '.') return std::nullopt;
      ++pos;
    }
    const auto v = read_number(endpoint.host, pos, 3);
    if (!v || *v > 255) return std::nullopt;
    out += std::to_string(*v) + ",";
  }
  if (pos != endpoint.host.size()) return std::nullopt;
  out += std::to_string(endpoint.port / 256) + "," + std::to_string(endpoint.port % 256);
  return out;
}

}  // namespace fleet::bench
