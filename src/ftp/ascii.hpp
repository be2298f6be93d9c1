// TYPE A (ASCII) conversion on the data stream (RFC 959 §3.1.1.1): the wire
// form ends lines with CRLF, stored files with LF. Both converters are
// streaming: a CR at the end of one chunk is paired with an LF in the next.
#pragma once

#include <string>
#include <string_view>

namespace fleet::ftp {

// Stored form -> wire form: every LF becomes CRLF (a CRLF already present is
// kept as is).
class AsciiEncoder {
 public:
  void encode(std::string_view in, std::string& out);

 private:
  bool last_was_cr_ = false;
};

// Wire form -> stored form: CRLF becomes LF; a lone CR is kept.
class AsciiDecoder {
 public:
  void decode(std::string_view in, std::string& out);
  // Emits a CR held back at the end of the stream.
  void finish(std::string& out);

 private:
  bool pending_cr_ = false;
};

}  // namespace fleet::ftp
