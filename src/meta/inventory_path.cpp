#include "meta/inventory_path.hpp"

namespace fleet::meta {
namespace {

// Strict UTF-8 (RFC 3629): no overlong forms, no UTF-16 surrogates, nothing
// past U+10FFFF, as two spellings of one name would be two names.
bool is_valid_utf8(std::string_view s) {
  std::size_t i = 0;
  while (i < s.size()) {
    const auto c = static_cast<unsigned char>(s[i]);
    if (c < 0x80) {
      ++i;
      continue;
    }
    std::size_t len = 0;
    unsigned char lo = 0x80;  // bounds of the second byte
    unsigned char hi = 0xBF;
    if (c >= 0xC2 && c <= 0xDF) {
      len = 2;
    } else if (c >= 0xE0 && c <= 0xEF) {
      len = 3;
      if (c == 0xE0) lo = 0xA0;
      if (c == 0xED) hi = 0x9F;
    } else if (c >= 0xF0 && c <= 0xF4) {
      len = 4;
      if (c == 0xF0) lo = 0x90;
      if (c == 0xF4) hi = 0x8F;
    } else {
      return false;
    }
    if (s.size() - i < len) return false;
    const auto second = static_cast<unsigned char>(s[i + 1]);
    if (second < lo || second > hi) return false;
    for (std::size_t k = 2; k < len; ++k) {
      if ((static_cast<unsigned char>(s[i + k]) & 0xC0) != 0x80) return false;
    }
    i += len;
  }
  return true;
}

}  // namespace

bool is_inventory_file_path(std::string_view path) {
  if (path.size() < 2 || path.size() > kMaxInventoryPathBytes || path.front() != '/') return false;
  if (path.find_first_of(std::string_view("\0\r\n", 3)) != std::string_view::npos) return false;
  std::size_t pos = 1;
  while (true) {
    std::size_t slash = path.find('/', pos);
    const std::string_view name = path.substr(pos, slash == std::string_view::npos ? slash : slash - pos);
    if (name.empty() || name == "." || name == ".." || name.size() > kMaxInventoryNameBytes) return false;
    if (slash == std::string_view::npos) break;
    pos = slash + 1;
  }
  return is_valid_utf8(path);
}

}  // namespace fleet::meta
