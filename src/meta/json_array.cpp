#include "meta/json_array.hpp"

#include <cstdio>

namespace fleet::meta {

std::string json_string_array(const std::vector<std::string>& items) {
  std::string out = "[";
  for (std::size_t i = 0; i < items.size(); ++i) {
    if (i > 0) out += ',';
    out += '"';
    for (char c : items[i]) {
      const auto byte = static_cast<unsigned char>(c);
      if (c == '"' || c == '\\') {
        out += '\\';
        out += c;
      } else if (byte < 0x20) {
        // JSON forbids raw control characters inside strings.
        char escaped[8];
        std::snprintf(escaped, sizeof escaped, "\\u%04x", static_cast<unsigned>(byte));
        out += escaped;
      } else {
        out += c;  // UTF-8 passes through as it is
      }
    }
    out += '"';
  }
  out += ']';
  return out;
}

}  // namespace fleet::meta
