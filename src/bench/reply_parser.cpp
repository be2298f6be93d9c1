#include "bench/reply_parser.hpp"

#include <stdexcept>

namespace fleet::bench {

namespace {

// The three-digit code at the start of `line`, or 0.
int leading_code(std::string_view line) {
  if (line.size() < 3) return 0;
  int code = 0;
  for (std::size_t i = 0; i < 3; ++i) {
    if (line[i] < '0' || line[i] > '9') return 0;
    code = code * 10 + (line[i] - '0');
  }
  return code >= 100 ? code : 0;
}

std::string_view after_code(std::string_view line) { return line.size() > 4 ? line.substr(4) : std::string_view{}; }

}  // namespace

void ReplyParser::feed(std::string_view bytes) {
  partial_.append(bytes);
  std::size_t start = 0;
  for (;;) {
    const auto end = partial_.find('\n', start);
    if (end == std::string::npos) break;
    std::string_view line(partial_.data() + start, end - start);
    // RFC 959 says CRLF; bare LF is tolerated because some servers send it.
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    take_line(line);
    start = end + 1;
  }
  partial_.erase(0, start);
  if (partial_.size() > kMaxLine) throw std::runtime_error("FTP reply line longer than 64 KiB");
}

void ReplyParser::take_line(std::string_view line) {
  const int code = leading_code(line);
  if (open_code_ != 0) {
    // Inside a multi-line reply only "<same code><space>" (or the bare code)
    // ends it; every other line, even one starting with digits, is text.
    if (code == open_code_ && (line.size() == 3 || line[3] == ' ')) {
      open_text_ += '\n';
      open_text_ += after_code(line);
      ready_.push_back(Reply{open_code_, std::move(open_text_)});
      open_code_ = 0;
      open_text_.clear();
    } else {
      open_text_ += '\n';
      open_text_ += line;
    }
    return;
  }
  if (code == 0) throw std::runtime_error("malformed FTP reply line: " + std::string(line.substr(0, 80)));
  if (line.size() > 3 && line[3] == '-') {
    open_code_ = code;
    open_text_ = std::string(after_code(line));
    return;
  }
  if (line.size() > 3 && line[3] != ' ')
    throw std::runtime_error("malformed FTP reply line: " + std::string(line.substr(0, 80)));
  ready_.push_back(Reply{code, std::string(after_code(line))});
}

std::optional<Reply> ReplyParser::next() {
  if (ready_.empty()) return std::nullopt;
  Reply r = std::move(ready_.front());
  ready_.pop_front();
  return r;
}

}  // namespace fleet::bench
