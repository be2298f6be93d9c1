// Session: one FTP control connection (RFC 959 and extensions) — its event
// loop and the dispatch of its commands. It consumes command lines and
// writes replies through a ReplySink; it never owns the control socket, so
// tests drive it without one.
//
// Events are handled one at a time on the master's event loop: command lines
// (queued while a transfer runs, except the ones ftp::command_table() marks
// as acting at once: ABOR and STAT) and the end of a transfer. The work is
// done by parts that share the SessionContext:
//   ftp::ProtocolState  what the session remembers between commands
//   Login               USER, PASS, anonymous logins and their limits
//   NamespaceOps        PWD CWD CDUP MKD RMD DELE RNFR RNTO SIZE MDTM MFMT MLST
//   DataChannel         PORT EPRT PASV EPSV PRET and the node prediction
//   TransferRouter      which node does what for RETR STOR APPE STOU and listings
//   TransferCommit      the metadata, replication and log after a transfer
//   SiteCommands        SITE
// Nodes are reached through a NodeGateway (SessionEnv::gateway).
//
// A command whose handler throws gets 451 (421 and the end of the session
// if it cannot go on) and is logged with the client's address.
#pragma once

#include <asio.hpp>
#include <list>
#include <memory>
#include <string>
#include <string_view>
#include <utility>

#include "ftp/command.hpp"
#include "master/control_channel.hpp"
#include "master/data_channel.hpp"
#include "master/listing_builder.hpp"
#include "master/login.hpp"
#include "master/namespace_ops.hpp"
#include "master/session_context.hpp"
#include "master/session_env.hpp"
#include "master/site_commands.hpp"
#include "master/transfer_commit.hpp"
#include "master/transfer_router.hpp"

namespace fleet::master {

class Session : public LineReceiver, public std::enable_shared_from_this<Session> {
 public:
  Session(asio::any_io_executor ex, SessionEnv& env, std::shared_ptr<ReplySink> sink, ClientInfo client);
  ~Session();

  // Greets the client and handles events until QUIT, disconnect or idle timeout.
  asio::awaitable<void> run();

  // Input from the control connection.
  void push_line(std::string line, bool overlong) override;
  void push_closed() override;
  // False once [ftp] max_queued_lines wait: the channel stops reading.
  bool accepts_lines() const override;

 private:
  using Handler = asio::awaitable<void> (Session::*)(const ftp::Command&);
  // The member that serves a verb of ftp::command_table().
  static Handler handler_for(std::string_view verb);

  asio::awaitable<void> handle_line(std::string line, bool overlong);
  // Runs the handler; an exception becomes 451 (or 421 and the end).
  asio::awaitable<void> run_handler(Handler handler, const ftp::Command& c);
  asio::awaitable<void> finish_transfer();
  void reply(int code, std::string_view text) { ctx_.reply(code, text); }
  void wake();
  // Back to "not logged in", the data connection released (REIN, the end).
  void reset_login();

  // --- the session's own commands (session.cpp, session_commands.cpp) ---
  asio::awaitable<void> cmd_user(const ftp::Command& c);
  asio::awaitable<void> cmd_pass(const ftp::Command& c);
  asio::awaitable<void> cmd_acct(const ftp::Command& c);
  asio::awaitable<void> cmd_rein(const ftp::Command& c);
  asio::awaitable<void> cmd_quit(const ftp::Command& c);
  asio::awaitable<void> cmd_abor(const ftp::Command& c);
  asio::awaitable<void> cmd_noop(const ftp::Command& c);
  asio::awaitable<void> cmd_syst(const ftp::Command& c);
  asio::awaitable<void> cmd_feat(const ftp::Command& c);
  asio::awaitable<void> cmd_opts(const ftp::Command& c);
  asio::awaitable<void> cmd_help(const ftp::Command& c);
  asio::awaitable<void> cmd_stat(const ftp::Command& c);
  asio::awaitable<void> cmd_host(const ftp::Command& c);
  asio::awaitable<void> cmd_type(const ftp::Command& c);
  asio::awaitable<void> cmd_mode(const ftp::Command& c);
  asio::awaitable<void> cmd_stru(const ftp::Command& c);
  asio::awaitable<void> cmd_allo(const ftp::Command& c);
  asio::awaitable<void> cmd_rest(const ftp::Command& c);
  asio::awaitable<void> cmd_not_implemented(const ftp::Command& c);
  asio::awaitable<void> cmd_site(const ftp::Command& c);
  // LIST, NLST, MLSD: the listing built here, carried by the router.
  asio::awaitable<void> list_command(TransferOp op, ListingFormat format, const ftp::Command& c);
  asio::awaitable<void> cmd_list(const ftp::Command& c) { return list_command(TransferOp::List, ListingFormat::List, c); }
  asio::awaitable<void> cmd_nlst(const ftp::Command& c) { return list_command(TransferOp::Nlst, ListingFormat::Nlst, c); }
  asio::awaitable<void> cmd_mlsd(const ftp::Command& c) { return list_command(TransferOp::Mlsd, ListingFormat::Mlsd, c); }

  // --- served by the parts ---
  asio::awaitable<void> cmd_pwd(const ftp::Command& c) { return namespace_.pwd(c); }
  asio::awaitable<void> cmd_cwd(const ftp::Command& c) { return namespace_.cwd(c); }
  asio::awaitable<void> cmd_cdup(const ftp::Command& c) { return namespace_.cdup(c); }
  asio::awaitable<void> cmd_mkd(const ftp::Command& c) { return namespace_.mkd(c); }
  asio::awaitable<void> cmd_rmd(const ftp::Command& c) { return namespace_.rmd(c); }
  asio::awaitable<void> cmd_dele(const ftp::Command& c) { return namespace_.dele(c); }
  asio::awaitable<void> cmd_rnfr(const ftp::Command& c) { return namespace_.rnfr(c); }
  asio::awaitable<void> cmd_rnto(const ftp::Command& c) { return namespace_.rnto(c); }
  asio::awaitable<void> cmd_size(const ftp::Command& c) { return namespace_.size(c); }
  asio::awaitable<void> cmd_mdtm(const ftp::Command& c) { return namespace_.mdtm(c); }
  asio::awaitable<void> cmd_mfmt(const ftp::Command& c) { return namespace_.mfmt(c); }
  asio::awaitable<void> cmd_mlst(const ftp::Command& c) { return namespace_.mlst(c); }
  asio::awaitable<void> cmd_port(const ftp::Command& c) { return data_.port(c); }
  asio::awaitable<void> cmd_eprt(const ftp::Command& c) { return data_.eprt(c); }
  asio::awaitable<void> cmd_pasv(const ftp::Command& c) { return data_.pasv(c); }
  asio::awaitable<void> cmd_epsv(const ftp::Command& c) { return data_.epsv(c); }
  asio::awaitable<void> cmd_pret(const ftp::Command& c) { return data_.pret(c); }
  asio::awaitable<void> cmd_retr(const ftp::Command& c);
  asio::awaitable<void> cmd_stor(const ftp::Command& c);
  asio::awaitable<void> cmd_appe(const ftp::Command& c);
  asio::awaitable<void> cmd_stou(const ftp::Command& c);

  SessionContext ctx_;
  Login login_;
  NamespaceOps namespace_;
  DataChannel data_;
  TransferRouter router_;
  TransferCommit commit_;
  SiteCommands site_;

  // Input events.
  // A list, not a deque: an empty std::deque still allocates, and idle
  // sessions (thousands per master) have no lines queued.
  std::list<std::pair<std::string, bool>> lines_;
  std::list<std::pair<std::string, bool>>::iterator next_line();
  bool closed_ = false;
  bool quit_ = false;
  asio::steady_timer wake_;
};

}  // namespace fleet::master
