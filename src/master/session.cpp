// Session core: the event loop of one control connection, command dispatch,
// login, and the commands that need no file system or data connection.
#include "net/use_tuple.hpp"
#include "master/session.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <charconv>
#include <ctime>
#include <unordered_map>

#include "auth/password.hpp"
#include "ftp/command_table.hpp"
#include "ftp/path.hpp"
#include "ftp/reply.hpp"
#include "master/anonymous_policy.hpp"
#include "master/cluster_report.hpp"
#include "master/listing_builder.hpp"

namespace fleet::master {

Session::Session(asio::any_io_executor ex, SessionEnv& env, std::shared_ptr<ReplySink> sink, ClientInfo client)
    : env_(env), sink_(std::move(sink)), client_(std::move(client)), wake_(ex) {}

Session::~Session() = default;

Session::Handler Session::handler_for(std::string_view verb) {
  // Every verb of ftp::command_table(), which decides login and urgency.
  static const std::unordered_map<std::string_view, Handler> handlers = {
      {"USER", &Session::cmd_user},
      {"PASS", &Session::cmd_pass},
      {"ACCT", &Session::cmd_acct},
      {"REIN", &Session::cmd_rein},
      {"QUIT", &Session::cmd_quit},
      {"NOOP", &Session::cmd_noop},
      {"SYST", &Session::cmd_syst},
      {"FEAT", &Session::cmd_feat},
      {"OPTS", &Session::cmd_opts},
      {"HELP", &Session::cmd_help},
      {"HOST", &Session::cmd_host},
      {"AUTH", &Session::cmd_not_implemented},
      {"STAT", &Session::cmd_stat},
      {"SITE", &Session::cmd_site},
      {"TYPE", &Session::cmd_type},
      {"MODE", &Session::cmd_mode},
      {"STRU", &Session::cmd_stru},
      {"ALLO", &Session::cmd_allo},
      {"SMNT", &Session::cmd_not_implemented},
      {"PWD", &Session::cmd_pwd},
      {"XPWD", &Session::cmd_pwd},
      {"CWD", &Session::cmd_cwd},
      {"XCWD", &Session::cmd_cwd},
      {"CDUP", &Session::cmd_cdup},
      {"XCUP", &Session::cmd_cdup},
      {"MKD", &Session::cmd_mkd},
      {"XMKD", &Session::cmd_mkd},
      {"RMD", &Session::cmd_rmd},
      {"XRMD", &Session::cmd_rmd},
      {"DELE", &Session::cmd_dele},
      {"RNFR", &Session::cmd_rnfr},
      {"RNTO", &Session::cmd_rnto},
      {"SIZE", &Session::cmd_size},
      {"MDTM", &Session::cmd_mdtm},
      {"MFMT", &Session::cmd_mfmt},
      {"MLST", &Session::cmd_mlst},
      {"REST", &Session::cmd_rest},
      {"ABOR", &Session::cmd_abor},
      {"PORT", &Session::cmd_port},
      {"EPRT", &Session::cmd_eprt},
      {"PASV", &Session::cmd_pasv},
      {"EPSV", &Session::cmd_epsv},
      {"PRET", &Session::cmd_pret},
      {"LIST", &Session::cmd_list},
      {"NLST", &Session::cmd_nlst},
      {"MLSD", &Session::cmd_mlsd},
      {"RETR", &Session::cmd_retr},
      {"STOR", &Session::cmd_stor},
      {"APPE", &Session::cmd_appe},
      {"STOU", &Session::cmd_stou},
  };
  const auto it = handlers.find(verb);
  return it == handlers.end() ? &Session::cmd_not_implemented : it->second;
}

void Session::reply(int code, std::string_view text) { sink_->send(ftp::format_reply(code, text)); }

void Session::wake() { wake_.cancel(); }

void Session::push_line(std::string line, bool overlong) {
  lines_.emplace_back(std::move(line), overlong);
  wake();
}

void Session::push_closed() {
  closed_ = true;
  wake();
}

std::optional<std::string> Session::resolve(std::string_view arg) const { return state_.resolve(arg); }

std::optional<std::string> Session::resolve_or_reply(std::string_view arg, int code) {
  if (arg.empty()) {
    reply(ftp::kSyntaxErrorInArgs, "Syntax error: a path is required.");
    return std::nullopt;
  }
  auto path = resolve(arg);
  if (!path) reply(code, "Invalid path name.");
  return path;
}

asio::awaitable<void> Session::run() {
  auto self = shared_from_this();
  ++env_.stats.sessions_total;
  ++env_.stats.sessions_active;
  if (env_.guard.is_banned(client_.ip, auth::LoginGuard::Clock::now())) {
    reply(ftp::kServiceNotAvailable, "Too many failed logins from your address; try again later.");
    quit_ = true;
  } else if (env_.stats.sessions_active > env_.config.max_sessions) {
    reply(ftp::kServiceNotAvailable, "Too many connections; try again later.");
    quit_ = true;
  } else {
    reply(ftp::kServiceReady, env_.config.banner);
  }
  while (!quit_) {
    if (transfer_ && transfer_->pending == 0) {
      co_await finish_transfer();
      continue;
    }
    if (!lines_.empty() && (!transfer_ || ftp::acts_during_transfer(lines_.front().first))) {
      auto [line, overlong] = std::move(lines_.front());
      lines_.pop_front();
      co_await handle_line(std::move(line), overlong);
      continue;
    }
    if (closed_) break;
    const bool idle = !transfer_;
    wake_.expires_after(idle ? std::chrono::duration_cast<std::chrono::steady_clock::duration>(env_.config.idle_timeout)
                             : std::chrono::hours(24));
    auto [ec] = co_await wake_.async_wait(net::use_tuple);
    if (!ec && idle && !transfer_ && lines_.empty() && !closed_) {
      reply(ftp::kServiceNotAvailable, "Idle timeout (" + std::to_string(env_.config.idle_timeout.count()) + " s): closing control connection.");
      break;
    }
  }
  if (transfer_) abort_transfer();
  release_data_setup();
  end_login();
  sink_->close();
  --env_.stats.sessions_active;
}

asio::awaitable<void> Session::handle_line(std::string line, bool overlong) {
  if (overlong) {
    reply(ftp::kSyntaxError, "Command line too long (limit " + std::to_string(env_.config.max_line) + " bytes).");
    co_return;
  }
  auto cmd = ftp::parse_command(line);
  if (!cmd) {
    reply(ftp::kSyntaxError, "Syntax error, command unrecognized.");
    co_return;
  }
  const auto* spec = ftp::find_command(cmd->verb);
  if (!spec) {
    reply(ftp::kSyntaxError, "'" + cmd->verb + "': command not understood.");
    co_return;
  }
  if (spec->needs_login && !state_.logged_in()) {
    reply(ftp::kNotLoggedIn, "Please log in with USER and PASS.");
    co_return;
  }
  if (state_.anonymous() && !anonymous_allows(*cmd)) co_return;
  state_.before_command(cmd->verb);
  co_await (this->*handler_for(spec->verb))(*cmd);
}

// ---------------------------------------------------------------- login

asio::awaitable<void> Session::cmd_user(const ftp::Command& c) {
  if (c.arg.empty()) {
    reply(ftp::kSyntaxErrorInArgs, "Syntax error: USER needs a name.");
    co_return;
  }
  // A new USER starts a new login (like REIN).
  if (state_.logged_in()) end_login();
  state_.user_given(c.arg, env_.config.anonymous.enabled && is_anonymous_name(c.arg));
  if (state_.pending_anonymous()) reply(ftp::kNeedPassword, "Anonymous login ok, send your e-mail address as password.");
  else reply(ftp::kNeedPassword, "Password required for " + state_.pending_user() + ".");
}

asio::awaitable<void> Session::cmd_pass(const ftp::Command& c) {
  if (state_.logged_in()) {
    reply(ftp::kLoggedIn, "Already logged in.");
    co_return;
  }
  if (!state_.awaiting_password()) {
    reply(ftp::kBadSequence, "Login with USER first.");
    co_return;
  }
  if (state_.pending_anonymous()) {
    state_.take_pending_user();
    login_anonymous(c.arg);
    co_return;
  }
  const std::string name = state_.take_pending_user();
  auto record = env_.store.get_user(name);
  bool ok = false;
  if (record && record->enabled) {
    const std::string hash = record->password_hash;
    const std::string password = c.arg;
    const auto now = auth::CredentialCache::Clock::now();
    ok = env_.credentials.recently_verified(name, password, hash, now);
    if (!ok) {
      // argon2id is deliberately slow and memory-hard: verify off the event loop.
      co_await asio::post(env_.hash_pool, asio::use_awaitable);
      ok = auth::verify_password(hash, password);
      co_await asio::post(wake_.get_executor(), asio::use_awaitable);
      if (ok) env_.credentials.remember(name, password, hash, now);
    }
  }
  if (!ok) {
    ++env_.stats.logins_failed;
    const bool banned = env_.guard.record_failure(client_.ip, auth::LoginGuard::Clock::now());
    spdlog::warn("failed login for \"{}\" from {}{}", name, client_.ip, banned ? "; address banned for a while" : "");
    asio::steady_timer delay(wake_.get_executor(), env_.config.login_fail_delay);
    co_await delay.async_wait(net::use_tuple);
    if (banned) {
      reply(ftp::kServiceNotAvailable, "Too many failed logins; closing connection.");
      quit_ = true;
    } else {
      reply(ftp::kNotLoggedIn, "Login incorrect.");
    }
    co_return;
  }
  auto home = ftp::resolve_path("/", record->home);
  auto home_entry = home ? env_.store.lookup(*home) : std::nullopt;
  env_.guard.record_success(client_.ip);
  ++env_.stats.logins_ok;
  state_.logged_in_as(name, false, ftp::ViewRoot(), home_entry && home_entry->is_dir ? *home : "/");
  spdlog::info("user {} logged in from {}", name, client_.ip);
  reply(ftp::kLoggedIn, "User " + name + " logged in.");
}

void Session::end_login() {
  if (state_.anonymous()) --env_.stats.anonymous_active;
  state_.end_login();
}

asio::awaitable<void> Session::cmd_acct(const ftp::Command&) {
  reply(ftp::kCommandSuperfluous, "ACCT not needed on this server.");
  co_return;
}

asio::awaitable<void> Session::cmd_rein(const ftp::Command&) {
  if (transfer_) abort_transfer();
  release_data_setup();
  end_login();
  state_.reinitialize();
  reply(ftp::kServiceReady, "Session reset; ready for a new user.");
  co_return;
}

asio::awaitable<void> Session::cmd_quit(const ftp::Command&) {
  reply(ftp::kClosingControl, "Goodbye.");
  quit_ = true;
  co_return;
}

// ---------------------------------------------------------------- informational

asio::awaitable<void> Session::cmd_noop(const ftp::Command&) {
  reply(ftp::kCommandOk, "NOOP ok.");
  co_return;
}

asio::awaitable<void> Session::cmd_syst(const ftp::Command&) {
  reply(ftp::kSystemType, "UNIX Type: L8");
  co_return;
}

asio::awaitable<void> Session::cmd_feat(const ftp::Command&) {
  reply(ftp::kSystemStatus, ftp::feat_text());
  co_return;
}

asio::awaitable<void> Session::cmd_opts(const ftp::Command& c) {
  auto space = c.arg.find(' ');
  std::string name = c.arg.substr(0, space);
  std::transform(name.begin(), name.end(), name.begin(), [](unsigned char ch) { return std::toupper(ch); });
  std::string value = space == std::string::npos ? "" : c.arg.substr(space + 1);
  if (name == "UTF8") {
    std::transform(value.begin(), value.end(), value.begin(), [](unsigned char ch) { return std::toupper(ch); });
    if (value == "ON" || value.empty()) reply(ftp::kCommandOk, "UTF8 mode is always on.");
    else reply(ftp::kNotImplementedForParam, "UTF8 cannot be turned off; paths are UTF-8.");
  } else if (name == "MLST") {
    // All facts are always sent; report the selection as the full set we support.
    reply(ftp::kCommandOk, "MLST OPTS type;size;modify;perm;unique;");
  } else {
    reply(ftp::kSyntaxErrorInArgs, "OPTS: unknown option '" + name + "'.");
  }
  co_return;
}

asio::awaitable<void> Session::cmd_help(const ftp::Command& c) {
  if (c.arg.empty()) {
    reply(ftp::kHelpMessage, ftp::help_text());
    co_return;
  }
  std::string verb = c.arg;
  std::transform(verb.begin(), verb.end(), verb.begin(), [](unsigned char ch) { return std::toupper(ch); });
  if (auto text = ftp::help_text(verb); !text.empty()) reply(ftp::kHelpMessage, text);
  else reply(ftp::kNotImplemented, "Unknown command '" + verb + "'.");
  co_return;
}

asio::awaitable<void> Session::cmd_host(const ftp::Command& c) {
  // RFC 7151: HOST must come before login; one virtual host serves every name.
  if (!state_.host_allowed()) reply(ftp::kBadSequence, "HOST must be sent before USER.");
  else if (c.arg.empty()) reply(ftp::kSyntaxErrorInArgs, "Syntax error: HOST needs a name.");
  else reply(ftp::kServiceReady, "Host accepted.");
  co_return;
}

asio::awaitable<void> Session::cmd_site(const ftp::Command& c) {
  auto space = c.arg.find(' ');
  std::string sub = c.arg.substr(0, space);
  std::transform(sub.begin(), sub.end(), sub.begin(), [](unsigned char ch) { return std::toupper(ch); });
  if (sub == "HELP" || sub.empty()) {
    // Anonymous users are refused every other SITE command (anonymous_policy).
    reply(ftp::kHelpMessage, state_.anonymous() ? "SITE commands:\n HELP\nEnd."
                          : "SITE commands:\n HELP\n STATS\n NODES\n COPIES <path>\n NODESELECT UP|DOWN <path>\nEnd.");
  } else if (sub == "STATS") {
    const auto& s = env_.stats;
    reply(ftp::kSystemStatus, "Master statistics:\n"
               " sessions active: " + std::to_string(s.sessions_active) + "\n"
               " sessions total: " + std::to_string(s.sessions_total) + "\n"
               " logins ok/failed: " + std::to_string(s.logins_ok) + "/" + std::to_string(s.logins_failed) + "\n"
               " transfers started/failed: " + std::to_string(s.transfers_started) + "/" +
                   std::to_string(s.transfers_failed) + "\n"
               " data bytes sent by master: " + std::to_string(s.data_bytes_out) + "\n"
               " control bytes sent by master: " + std::to_string(s.control_bytes_out) + "\n"
               " nodes online: " + std::to_string(env_.nodes.online_count()) + "\n"
               "End.");
  } else if (sub == "NODES") {
    reply(ftp::kSystemStatus, "Nodes:\n" + nodes_report(env_.nodes, env_.store, &env_.jobs) + "End.");
  } else if (sub == "COPIES") {
    auto path = resolve(space == std::string::npos ? "" : c.arg.substr(space + 1));
    const auto text = path ? copies_report(env_.nodes, env_.store, env_.replicator.wanted(*path), *path) : "";
    if (text.empty()) reply(ftp::kFileUnavailable, "SITE COPIES: no such file.");
    else reply(ftp::kSystemStatus, text + "End");
  } else if (sub == "NODESELECT") {
    // SITE NODESELECT UP|DOWN <path>: why placement would pick which node.
    std::string rest = space == std::string::npos ? "" : c.arg.substr(space + 1);
    const auto sp = rest.find(' ');
    std::string dir = rest.substr(0, sp);
    std::transform(dir.begin(), dir.end(), dir.begin(), [](unsigned char ch) { return std::toupper(ch); });
    auto path = sp == std::string::npos ? std::nullopt : resolve(rest.substr(sp + 1));
    if ((dir != "UP" && dir != "DOWN") || !path) {
      reply(ftp::kSyntaxErrorInArgs, "Syntax: SITE NODESELECT UP|DOWN <path>");
      co_return;
    }
    std::vector<std::string> holders;
    if (dir == "DOWN") {
      auto entry = env_.store.lookup(*path);
      if (!entry || entry->is_dir) {
        reply(ftp::kFileUnavailable, *path + ": No such file.");
        co_return;
      }
      holders = entry->nodes;
    }
    const auto direction = dir == "UP" ? cluster::Direction::Upload : cluster::Direction::Download;
    auto ranking = env_.nodes.rank(direction, *path, holders);
    if (direction == cluster::Direction::Download && holders.empty()) ranking.clear();
    reply(ftp::kSystemStatus, cluster::explain(ranking, direction, *path) + "\nEnd.");
  } else {
    reply(ftp::kSyntaxError, "'SITE " + sub + "': unknown SITE command.");
  }
  co_return;
}

// ---------------------------------------------------------------- transfer parameters

asio::awaitable<void> Session::cmd_type(const ftp::Command& c) {
  switch (state_.set_type(c.arg)) {
    case ftp::ProtocolState::TypeChange::Binary: reply(ftp::kCommandOk, "Type set to I."); break;
    case ftp::ProtocolState::TypeChange::Ascii: reply(ftp::kCommandOk, "Type set to A."); break;
    case ftp::ProtocolState::TypeChange::NotSupported:
      reply(ftp::kNotImplementedForParam, "Type not supported; use A or I.");
      break;
    case ftp::ProtocolState::TypeChange::BadSyntax: reply(ftp::kSyntaxErrorInArgs, "Syntax error: TYPE A or TYPE I."); break;
  }
  co_return;
}

asio::awaitable<void> Session::cmd_mode(const ftp::Command& c) {
  std::string arg = c.arg;
  std::transform(arg.begin(), arg.end(), arg.begin(), [](unsigned char ch) { return std::toupper(ch); });
  if (arg == "S") reply(ftp::kCommandOk, "Mode set to S.");
  else if (arg == "B" || arg == "C" || arg == "Z") reply(ftp::kNotImplementedForParam, "Only stream mode (S) is supported.");
  else reply(ftp::kSyntaxErrorInArgs, "Syntax error: MODE S.");
  co_return;
}

asio::awaitable<void> Session::cmd_stru(const ftp::Command& c) {
  std::string arg = c.arg;
  std::transform(arg.begin(), arg.end(), arg.begin(), [](unsigned char ch) { return std::toupper(ch); });
  if (arg == "F") reply(ftp::kCommandOk, "Structure set to F.");
  else if (arg == "R" || arg == "P") reply(ftp::kNotImplementedForParam, "Only file structure (F) is supported.");
  else reply(ftp::kSyntaxErrorInArgs, "Syntax error: STRU F.");
  co_return;
}

asio::awaitable<void> Session::cmd_allo(const ftp::Command&) {
  reply(ftp::kCommandSuperfluous, "ALLO not needed; space is allocated as data arrives.");
  co_return;
}

asio::awaitable<void> Session::cmd_not_implemented(const ftp::Command& c) {
  reply(ftp::kNotImplemented, c.verb + " is not implemented.");
  co_return;
}

asio::awaitable<void> Session::cmd_rest(const ftp::Command& c) {
  if (!state_.set_rest(c.arg)) {
    reply(ftp::kSyntaxErrorInArgs, "REST needs a non-negative byte offset.");
    co_return;
  }
  reply(ftp::kPendingFurtherInfo,
        "Restarting at " + std::to_string(state_.rest()) + ". Send STOR or RETR to initiate transfer.");
}

asio::awaitable<void> Session::cmd_abor(const ftp::Command&) {
  if (!transfer_) {
    release_data_setup();
    reply(ftp::kDataOpenNoTransfer, "No transfer to abort; data connection closed.");
    co_return;
  }
  abort_transfer();
  // The 426 for the transfer comes from finish_transfer() when its end is
  // confirmed; the 226 for ABOR follows it (RFC 959 §4.1.3).
  while (transfer_) {
    if (transfer_->pending == 0) {
      co_await finish_transfer();
      break;
    }
    wake_.expires_after(std::chrono::seconds(10));
    auto [ec] = co_await wake_.async_wait(net::use_tuple);
    if (!ec && transfer_ && transfer_->pending > 0) {
      // A node that does not confirm within 10 s is treated as done.
      transfer_->pending = 0;
      transfer_->outcome.aborted = true;
    }
  }
  reply(ftp::kTransferComplete, "ABOR command successful.");
}

asio::awaitable<void> Session::cmd_stat(const ftp::Command& c) {
  if (c.arg.empty()) {
    std::string text = "fleetftp status:\n Connected from " + client_.ip + "\n Logged in as " + state_.user() +
                       "\n TYPE: " + (state_.ascii() ? "ASCII" : "BINARY") + ", STRUcture: File, MODE: Stream\n";
    if (transfer_) text += " Transfer in progress: " + shown(transfer_->path) + "\n";
    else text += " No data connection\n";
    reply(ftp::kSystemStatus, text + "End of status.");
    co_return;
  }
  if (transfer_) {
    reply(ftp::kFileBusy, "A transfer is in progress; STAT <path> is not available now.");
    co_return;
  }
  // STAT <path>: a LIST over the control connection (RFC 959: reply 213).
  std::string arg = c.arg;
  while (arg.size() > 1 && arg[0] == '-') {
    const auto space = arg.find(' ');
    arg = space == std::string::npos ? "" : arg.substr(space + 1);
  }
  auto path = resolve(arg.empty() ? "." : arg);
  auto entry = path ? env_.store.lookup(*path) : std::nullopt;
  if (!entry) {
    reply(ftp::kFileUnavailable, "No such file or directory.");
    co_return;
  }
  std::string text = "Status of " + shown(*path) + ":\n";
  for (const auto& line : listing_lines(env_.store, ListingFormat::List, *path, *entry, std::time(nullptr),
                                        [this](const meta::Entry& e) { return offline(e); }, rights()))
    text += line + "\n";
  reply(ftp::kFileStatus, text + "End of status.");
}

}  // namespace fleet::master
