// Parsing of FTP control-connection command lines (RFC 959 §4, RFC 2640).
// Pure functions: no sockets, no state.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace fleet::ftp {

struct Command {
  std::string verb;  // upper-cased, e.g. "RETR"
  std::string arg;   // everything after the first space, verbatim (may be empty)
};

// Parses one line without its CRLF. Telnet IAC sequences (IAC IP, IAC DM, IAC
// WILL/WONT/DO/DONT x, IAC IAC -> 0xFF) that clients send before ABOR are
// removed first. Returns nullopt for a line that is empty after that or whose
// verb is not 1-4 ASCII letters (callers answer 500).
std::optional<Command> parse_command(std::string_view line);

}  // namespace fleet::ftp
