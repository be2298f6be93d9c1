// Formatting of FTP replies (RFC 959 §4.2), single and multi-line.
#pragma once

#include <string>
#include <string_view>

namespace fleet::ftp {

// "CODE text\r\n". If `text` contains '\n', the reply is multi-line:
// "CODE-first\r\n", middle lines (a middle line that starts with a digit gets
// a leading space so it cannot be mistaken for the end), "CODE last\r\n".
// Any '\r' in text is dropped.
std::string format_reply(int code, std::string_view text);

}  // namespace fleet::ftp
