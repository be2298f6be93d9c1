// NamespaceOps: the commands that read or change the namespace (RFC 959
// PWD, CWD, CDUP, MKD, RMD, DELE, RNFR/RNTO; RFC 3659 SIZE, MDTM, MLST;
// MFMT). The VFS is the truth; nodes holding copies are told afterwards
// (DELE and RNTO ask them first, so that a node that cannot follow fails
// the command instead of keeping a copy under a stale name).
//
// One per session, on the event loop; replies go to the client itself.
// Store errors propagate as exceptions (the session answers 451).
#pragma once

#include <asio.hpp>
#include <optional>
#include <string>

#include "ftp/command.hpp"
#include "ftp/reply_codes.hpp"
#include "master/session_context.hpp"

namespace fleet::master {

class NamespaceOps {
 public:
  explicit NamespaceOps(SessionContext& ctx) : ctx_(ctx) {}

  asio::awaitable<void> pwd(const ftp::Command& c);
  asio::awaitable<void> cwd(const ftp::Command& c);
  asio::awaitable<void> cdup(const ftp::Command& c);
  asio::awaitable<void> mkd(const ftp::Command& c);
  asio::awaitable<void> rmd(const ftp::Command& c);
  asio::awaitable<void> dele(const ftp::Command& c);
  asio::awaitable<void> rnfr(const ftp::Command& c);
  asio::awaitable<void> rnto(const ftp::Command& c);
  asio::awaitable<void> size(const ftp::Command& c);
  asio::awaitable<void> mdtm(const ftp::Command& c);
  asio::awaitable<void> mfmt(const ftp::Command& c);
  asio::awaitable<void> mlst(const ftp::Command& c);

  // A path argument as a namespace path, or a reply (501 for none, `code`
  // for an invalid one) and nullopt.
  std::optional<std::string> resolve_or_reply(std::string_view arg, int code = ftp::kFileUnavailable);

 private:
  // SIZE/MDTM: the file's entry, or a 550 reply; remembers it for PASV.
  std::optional<meta::Entry> plain_file_or_reply(const std::string& arg);

  SessionContext& ctx_;
};

}  // namespace fleet::master
