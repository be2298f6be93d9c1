#include "ftp/path.hpp"

#include <cstddef>
#include <vector>

namespace fleet::ftp {

namespace {

bool is_continuation(unsigned char c) { return (c & 0xC0) == 0x80; }

// Strict UTF-8 (RFC 3629): overlong forms and UTF-16 surrogates are refused,
// since two spellings of one name would let a client slip past name checks.
bool is_valid_utf8(std::string_view s) {
  std::size_t i = 0;
  while (i < s.size()) {
    const auto c = static_cast<unsigned char>(s[i]);
    if (c < 0x80) {
      ++i;
      continue;
    }
    std::size_t len = 0;
    // Bounds for the second byte; later bytes are plain continuations.
    unsigned char lo = 0x80;
    unsigned char hi = 0xBF;
    if (c >= 0xC2 && c <= 0xDF) {
      len = 2;
    } else if (c >= 0xE0 && c <= 0xEF) {
      len = 3;
      if (c == 0xE0) lo = 0xA0;  // below is overlong
      if (c == 0xED) hi = 0x9F;  // above is U+D800..U+DFFF
    } else if (c >= 0xF0 && c <= 0xF4) {
      len = 4;
      if (c == 0xF0) lo = 0x90;  // below is overlong
      if (c == 0xF4) hi = 0x8F;  // above is past U+10FFFF
    } else {
      return false;  // stray continuation, C0/C1 overlong lead, or F5..FF
    }
    if (s.size() - i < len) return false;
    const auto second = static_cast<unsigned char>(s[i + 1]);
    if (second < lo || second > hi) return false;
    for (std::size_t k = 2; k < len; ++k) {
      if (!is_continuation(static_cast<unsigned char>(s[i + k]))) return false;
    }
    i += len;
  }
  return true;
}

// Applies one path's components to `parts`; false if a component is too long.
bool apply_components(std::string_view path, std::vector<std::string_view>& parts) {
  std::size_t pos = 0;
  while (pos <= path.size()) {
    std::size_t slash = path.find('/', pos);
    if (slash == std::string_view::npos) slash = path.size();
    const std::string_view part = path.substr(pos, slash - pos);
    pos = slash + 1;
    if (part.empty() || part == ".") continue;
    if (part == "..") {
      // Popping nothing at "/" is the chroot clamp.
      if (!parts.empty()) parts.pop_back();
      continue;
    }
    if (part.size() > kMaxNameBytes) return false;
    parts.push_back(part);
  }
  return true;
}

}  // namespace

std::optional<std::string> resolve_path(std::string_view cwd, std::string_view arg) {
  // CR and LF could forge extra lines in listings and replies; NUL would cut
  // the name short on a node's disk.
  if (arg.find_first_of(std::string_view("\0\r\n", 3)) != std::string_view::npos) return std::nullopt;
  if (!is_valid_utf8(arg)) return std::nullopt;

  std::vector<std::string_view> parts;
  if (arg.empty() || arg.front() != '/') {
    if (!apply_components(cwd, parts)) return std::nullopt;
  }
  if (!apply_components(arg, parts)) return std::nullopt;

  if (parts.empty()) return std::string("/");
  std::string out;
  for (std::string_view part : parts) {
    out.push_back('/');
    out.append(part);
    if (out.size() > kMaxPathBytes) return std::nullopt;
  }
  return out;
}

std::string parent_path(std::string_view path) {
  const std::size_t slash = path.rfind('/');
  if (slash == std::string_view::npos || slash == 0) return "/";
  return std::string(path.substr(0, slash));
}

std::string base_name(std::string_view path) {
  const std::size_t slash = path.rfind('/');
  if (slash == std::string_view::npos) return std::string(path);
  return std::string(path.substr(slash + 1));
}

std::string join_path(std::string_view dir, std::string_view name) {
  std::string out(dir);
  if (out.empty() || out.back() != '/') out.push_back('/');
  out.append(name);
  return out;
}

std::string quote_257(std::string_view path) {
  std::string out = "\"";
  for (char c : path) {
    out.push_back(c);
    if (c == '"') out.push_back('"');
  }
  out.push_back('"');
  return out;
}

}  // namespace fleet::ftp
