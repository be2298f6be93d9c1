#include "ftp/hostport.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>

#include <array>
#include <cstddef>
#include <vector>

namespace fleet::ftp {

namespace {

bool is_digit(char c) { return c >= '0' && c <= '9'; }
bool is_blank(char c) { return c == ' ' || c == '\t'; }

std::string_view trim_blanks(std::string_view s) {
  while (!s.empty() && is_blank(s.front())) s.remove_prefix(1);
  while (!s.empty() && is_blank(s.back())) s.remove_suffix(1);
  return s;
}

// Non-empty run of decimal digits not above `max`; checked digit by digit so
// a long run of digits cannot overflow.
std::optional<unsigned> parse_bounded(std::string_view s, unsigned max) {
  if (s.empty()) return std::nullopt;
  unsigned value = 0;
  for (char c : s) {
    if (!is_digit(c)) return std::nullopt;
    value = value * 10 + static_cast<unsigned>(c - '0');
    if (value > max) return std::nullopt;
  }
  return value;
}

std::vector<std::string_view> split(std::string_view s, char delim) {
  std::vector<std::string_view> out;
  std::size_t pos = 0;
  while (true) {
    const std::size_t next = s.find(delim, pos);
    if (next == std::string_view::npos) {
      out.push_back(s.substr(pos));
      return out;
    }
    out.push_back(s.substr(pos, next - pos));
    pos = next + 1;
  }
}

// Re-prints the address so equal addresses compare equal as strings
// (e.g. "0:0::1" and "::1").
std::optional<std::string> canonical_address(int family, const std::string& text) {
  // inet_pton stops at a NUL, which would let trailing bytes through unchecked.
  if (text.find('\0') != std::string::npos) return std::nullopt;
  std::array<unsigned char, sizeof(in6_addr)> raw{};
  if (inet_pton(family, text.c_str(), raw.data()) != 1) return std::nullopt;
  std::array<char, INET6_ADDRSTRLEN> buf{};
  if (inet_ntop(family, raw.data(), buf.data(), buf.size()) == nullptr) return std::nullopt;
  return std::string(buf.data());
}

}  // namespace

std::optional<HostPort> parse_port_arg(std::string_view arg) {
  const auto fields = split(arg, ',');
  if (fields.size() != 6) return std::nullopt;
  std::array<unsigned, 6> n{};
  for (std::size_t i = 0; i < fields.size(); ++i) {
    const auto v = parse_bounded(trim_blanks(fields[i]), 255);
    if (!v) return std::nullopt;
    n[i] = *v;
  }
  const unsigned port = n[4] * 256 + n[5];
  if (port == 0) return std::nullopt;
  HostPort hp;
  hp.host = std::to_string(n[0]) + "." + std::to_string(n[1]) + "." + std::to_string(n[2]) + "." +
            std::to_string(n[3]);
  hp.port = static_cast<std::uint16_t>(port);
  return hp;
}

std::optional<HostPort> parse_eprt_arg(std::string_view arg) {
  if (arg.empty()) return std::nullopt;
  const char delim = arg.front();
  if (delim < 33 || delim > 126) return std::nullopt;
  // "<d>af<d>addr<d>port<d>" splits into "", af, addr, port, "".
  const auto fields = split(arg, delim);
  if (fields.size() != 5 || !fields[0].empty() || !fields[4].empty()) return std::nullopt;

  int family = 0;
  if (fields[1] == "1") {
    family = AF_INET;
  } else if (fields[1] == "2") {
    family = AF_INET6;
  } else {
    return std::nullopt;
  }
  const auto host = canonical_address(family, std::string(fields[2]));
  if (!host) return std::nullopt;
  const auto port = parse_bounded(fields[3], 65535);
  if (!port || *port == 0) return std::nullopt;

  HostPort hp;
  hp.host = *host;
  hp.port = static_cast<std::uint16_t>(*port);
  return hp;
}

std::optional<std::string> format_pasv_address(const HostPort& hp) {
  if (hp.host.find('\0') != std::string::npos) return std::nullopt;
  in_addr addr{};
  if (inet_pton(AF_INET, hp.host.c_str(), &addr) != 1) return std::nullopt;
  const auto* b = reinterpret_cast<const unsigned char*>(&addr.s_addr);  // network order
  std::string out;
  for (int i = 0; i < 4; ++i) out.append(std::to_string(b[i])).push_back(',');
  out.append(std::to_string(hp.port >> 8)).push_back(',');
  out.append(std::to_string(hp.port & 0xFF));
  return out;
}

std::string format_epsv_port(std::uint16_t port) { return "(|||" + std::to_string(port) + "|)"; }

}  // namespace fleet::ftp
