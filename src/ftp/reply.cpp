#include "ftp/reply.hpp"

#include <cstddef>
#include <vector>

namespace fleet::ftp {

namespace {

bool starts_with_digit(std::string_view s) { return !s.empty() && s.front() >= '0' && s.front() <= '9'; }

}  // namespace

std::string format_reply(int code, std::string_view text) {
  const std::string code_text = std::to_string(code);
  if (text.find_first_of("\r\n") == std::string_view::npos) {
    // Nearly every reply is one line: no splitting.
    std::string out;
    out.reserve(code_text.size() + text.size() + 3);
    out.append(code_text).append(" ").append(text).append("\r\n");
    return out;
  }

  // A CR inside the text would let a caller-supplied string end the reply
  // line early, so CRs never reach the wire except as our own terminators.
  std::vector<std::string> lines(1);
  for (char c : text) {
    if (c == '\r') continue;
    if (c == '\n') {
      lines.emplace_back();
    } else {
      lines.back().push_back(c);
    }
  }

  std::string out;
  if (lines.size() == 1) {
    out.append(code_text).append(" ").append(lines.front()).append("\r\n");
    return out;
  }

  out.append(code_text).append("-").append(lines.front()).append("\r\n");
  for (std::size_t i = 1; i + 1 < lines.size(); ++i) {
    // RFC 959 §4.2: a middle line beginning with "CODE " would be taken for
    // the last line; padding every digit-led line rules that out.
    if (starts_with_digit(lines[i])) out.push_back(' ');
    out.append(lines[i]).append("\r\n");
  }
  out.append(code_text).append(" ").append(lines.back()).append("\r\n");
  return out;
}

}  // namespace fleet::ftp
