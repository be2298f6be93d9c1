#include "ftp/ascii.hpp"

namespace fleet::ftp {

void AsciiEncoder::encode(std::string_view in, std::string& out) {
  out.reserve(out.size() + in.size() + in.size() / 16);
  for (char c : in) {
    // The CR of an existing CRLF may have arrived in the previous chunk.
    if (c == '\n' && !last_was_cr_) out.push_back('\r');
    out.push_back(c);
    last_was_cr_ = (c == '\r');
  }
}

void AsciiDecoder::decode(std::string_view in, std::string& out) {
  out.reserve(out.size() + in.size());
  for (char c : in) {
    if (pending_cr_) {
      // Only CR LF collapses; a CR followed by anything else was a real CR.
      if (c == '\n') {
        out.push_back('\n');
        pending_cr_ = false;
        continue;
      }
      out.push_back('\r');
      pending_cr_ = false;
    }
    if (c == '\r') {
      pending_cr_ = true;  // cannot decide until the next byte, maybe in the next chunk
    } else {
      out.push_back(c);
    }
  }
}

void AsciiDecoder::finish(std::string& out) {
  if (pending_cr_) out.push_back('\r');
  pending_cr_ = false;
}

}  // namespace fleet::ftp
