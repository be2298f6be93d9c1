#include "ftp/command.hpp"

#include <cstddef>

namespace fleet::ftp {

namespace {

constexpr unsigned char kIac = 0xFF;
// WILL, WONT, DO, DONT carry one option byte after them.
constexpr unsigned char kFirstOptionVerb = 0xFB;
constexpr unsigned char kLastOptionVerb = 0xFE;
// SE..SB: the remaining two-byte Telnet commands (NOP, DM, BRK, IP, AO, ...).
constexpr unsigned char kFirstTelnetCommand = 0xF0;

// Clients send "IAC IP IAC DM" (Synch) before ABOR (RFC 959 §4.1.3); the
// control connection has no Telnet negotiation, so every sequence is just
// noise to drop, except the escaped 0xFF which is data.
std::string strip_telnet(std::string_view line) {
  std::string out;
  out.reserve(line.size());
  for (std::size_t i = 0; i < line.size(); ++i) {
    const auto c = static_cast<unsigned char>(line[i]);
    if (c != kIac) {
      out.push_back(line[i]);
      continue;
    }
    if (i + 1 >= line.size()) break;  // truncated sequence
    const auto cmd = static_cast<unsigned char>(line[i + 1]);
    if (cmd == kIac) {
      out.push_back(static_cast<char>(kIac));
      ++i;
    } else if (cmd >= kFirstOptionVerb && cmd <= kLastOptionVerb) {
      i += 2;  // verb and its option byte (may run past the end: then both gone)
    } else if (cmd >= kFirstTelnetCommand) {
      ++i;
    }
    // Anything else after IAC is not a Telnet command: drop only the IAC.
  }
  return out;
}

bool is_ascii_letter(char c) { return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z'); }

char to_upper_ascii(char c) { return (c >= 'a' && c <= 'z') ? static_cast<char>(c - 'a' + 'A') : c; }

}  // namespace

std::optional<Command> parse_command(std::string_view line) {
  std::string clean = strip_telnet(line);
  // Tolerate a caller that split on LF only and left the CR behind.
  if (!clean.empty() && clean.back() == '\r') clean.pop_back();
  if (clean.empty()) return std::nullopt;

  const std::size_t space = clean.find(' ');
  const std::string_view verb =
      std::string_view(clean).substr(0, space == std::string::npos ? clean.size() : space);
  if (verb.empty() || verb.size() > 4) return std::nullopt;

  Command cmd;
  for (char c : verb) {
    if (!is_ascii_letter(c)) return std::nullopt;
    cmd.verb.push_back(to_upper_ascii(c));
  }
  // Only the single separating space is removed: names may begin or end with spaces.
  if (space != std::string::npos) cmd.arg = clean.substr(space + 1);
  return cmd;
}

}  // namespace fleet::ftp
