// Client-side reading of FTP replies (RFC 959 §4.2): bytes from the control
// connection go in, complete replies come out. Multi-line replies
// ("123-first ... 123 last") are joined so callers see one reply per command.
#pragma once

#include <cstddef>
#include <deque>
#include <optional>
#include <string>
#include <string_view>

namespace fleet::bench {

struct Reply {
  int code = 0;
  std::string text;  // the lines without their codes, joined with '\n'

  bool preliminary() const { return code >= 100 && code < 200; }
  bool positive() const { return code >= 200 && code < 300; }
  bool intermediate() const { return code >= 300 && code < 400; }
  // "227 text": for error messages.
  std::string to_string() const { return std::to_string(code) + " " + text; }
};

class ReplyParser {
 public:
  // A server that never ends a line must not make the client buffer forever.
  static constexpr std::size_t kMaxLine = 64 * 1024;

  // Adds received bytes. Throws std::runtime_error on a malformed reply
  // (a line that does not start with a code outside a multi-line reply,
  // or an overlong line): the connection cannot be trusted after that.
  void feed(std::string_view bytes);

  // The oldest complete reply not yet taken.
  std::optional<Reply> next();

  bool has_reply() const { return !ready_.empty(); }

 private:
  void take_line(std::string_view line);

  std::string partial_;      // bytes after the last line end
  std::deque<Reply> ready_;  // complete replies in arrival order
  int open_code_ = 0;        // code of the multi-line reply in progress, 0 if none
  std::string open_text_;
};

}  // namespace fleet::bench
