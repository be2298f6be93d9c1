// Session core: the event loop of one control connection, command dispatch,
// login, and the commands that need no file system or data connection.
#include "net/use_tuple.hpp"
#include "master/session.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <charconv>
#include <ctime>

#include "auth/password.hpp"
#include "ftp/path.hpp"
#include "ftp/reply.hpp"
#include "master/anonymous_policy.hpp"
#include "master/cluster_report.hpp"
#include "master/listing_builder.hpp"

namespace fleet::master {

Session::Session(asio::any_io_executor ex, SessionEnv& env, std::shared_ptr<ReplySink> sink, ClientInfo client)
    : env_(env), sink_(std::move(sink)), client_(std::move(client)), wake_(ex) {}

Session::~Session() = default;

const std::vector<Session::CommandSpec>& Session::command_table() {
  // needs_login = false: allowed before login (RFC 959 §5.4 sequencing, RFC 2389, RFC 7151).
  static const std::vector<CommandSpec> table = {
      {"USER", &Session::cmd_user, false, "USER <name>"},
      {"PASS", &Session::cmd_pass, false, "PASS <password>"},
      {"ACCT", &Session::cmd_acct, false, "ACCT <account>"},
      {"REIN", &Session::cmd_rein, false, "REIN"},
      {"QUIT", &Session::cmd_quit, false, "QUIT"},
      {"NOOP", &Session::cmd_noop, false, "NOOP"},
      {"SYST", &Session::cmd_syst, false, "SYST"},
      {"FEAT", &Session::cmd_feat, false, "FEAT"},
      {"OPTS", &Session::cmd_opts, false, "OPTS <command> [<options>]"},
      {"HELP", &Session::cmd_help, false, "HELP [<command>]"},
      {"HOST", &Session::cmd_host, false, "HOST <name>"},
      {"AUTH", &Session::cmd_not_implemented, false, "AUTH <mechanism>"},
      {"STAT", &Session::cmd_stat, true, "STAT [<path>]"},
      {"SITE", &Session::cmd_site, true, "SITE <command>"},
      {"TYPE", &Session::cmd_type, true, "TYPE <A|I|L 8>"},
      {"MODE", &Session::cmd_mode, true, "MODE S"},
      {"STRU", &Session::cmd_stru, true, "STRU F"},
      {"ALLO", &Session::cmd_allo, true, "ALLO <size>"},
      {"SMNT", &Session::cmd_not_implemented, true, "SMNT <path>"},
      {"PWD", &Session::cmd_pwd, true, "PWD"},
      {"XPWD", &Session::cmd_pwd, true, "XPWD"},
      {"CWD", &Session::cmd_cwd, true, "CWD <path>"},
      {"XCWD", &Session::cmd_cwd, true, "XCWD <path>"},
      {"CDUP", &Session::cmd_cdup, true, "CDUP"},
      {"XCUP", &Session::cmd_cdup, true, "XCUP"},
      {"MKD", &Session::cmd_mkd, true, "MKD <path>"},
      {"XMKD", &Session::cmd_mkd, true, "XMKD <path>"},
      {"RMD", &Session::cmd_rmd, true, "RMD <path>"},
      {"XRMD", &Session::cmd_rmd, true, "XRMD <path>"},
      {"DELE", &Session::cmd_dele, true, "DELE <path>"},
      {"RNFR", &Session::cmd_rnfr, true, "RNFR <path>"},
      {"RNTO", &Session::cmd_rnto, true, "RNTO <path>"},
      {"SIZE", &Session::cmd_size, true, "SIZE <path>"},
      {"MDTM", &Session::cmd_mdtm, true, "MDTM <path>"},
      {"MFMT", &Session::cmd_mfmt, true, "MFMT <YYYYMMDDHHMMSS> <path>"},
      {"MLST", &Session::cmd_mlst, true, "MLST [<path>]"},
      {"REST", &Session::cmd_rest, true, "REST <offset>"},
      {"ABOR", &Session::cmd_abor, true, "ABOR"},
      {"PORT", &Session::cmd_port, true, "PORT h1,h2,h3,h4,p1,p2"},
      {"EPRT", &Session::cmd_eprt, true, "EPRT |af|addr|port|"},
      {"PASV", &Session::cmd_pasv, true, "PASV"},
      {"EPSV", &Session::cmd_epsv, true, "EPSV [1|2|ALL]"},
      {"PRET", &Session::cmd_pret, true, "PRET <command> [<args>]"},
      {"LIST", &Session::cmd_list, true, "LIST [<path>]"},
      {"NLST", &Session::cmd_nlst, true, "NLST [<path>]"},
      {"MLSD", &Session::cmd_mlsd, true, "MLSD [<path>]"},
      {"RETR", &Session::cmd_retr, true, "RETR <path>"},
      {"STOR", &Session::cmd_stor, true, "STOR <path>"},
      {"APPE", &Session::cmd_appe, true, "APPE <path>"},
      {"STOU", &Session::cmd_stou, true, "STOU"},
  };
  return table;
}

const Session::CommandSpec* Session::find_command(const std::string& verb) {
  for (const auto& spec : command_table())
    if (verb == spec.verb) return &spec;
  return nullptr;
}

void Session::reply(int code, std::string_view text) { sink_->send(ftp::format_reply(code, text)); }

void Session::wake() { wake_.cancel(); }

void Session::push_line(std::string line, bool overlong) {
  lines_.emplace_back(std::move(line), overlong);
  wake();
}

bool Session::accepts_lines() const { return lines_.size() < env_.config.control.max_queued_lines; }

void Session::push_closed() {
  closed_ = true;
  wake();
}

bool Session::is_urgent(const std::string& line) const {
  auto cmd = ftp::parse_command(line);
  return cmd && (cmd->verb == "ABOR" || cmd->verb == "STAT");
}

std::optional<std::string> Session::resolve(std::string_view arg) const { return view_.resolve(cwd_, arg); }

std::optional<std::string> Session::resolve_or_reply(std::string_view arg, int code) {
  if (arg.empty()) {
    reply(501, "Syntax error: a path is required.");
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
    reply(421, "Too many failed logins from your address; try again later.");
    quit_ = true;
  } else if (env_.stats.sessions_active > env_.config.max_sessions) {
    reply(421, "Too many connections; try again later.");
    quit_ = true;
  } else {
    reply(220, env_.config.banner);
  }
  // The login must be completed within login_timeout of the connection (or
  // of the REIN/USER that ended the previous login).
  using SteadyClock = std::chrono::steady_clock;
  const SteadyClock::duration login_timeout = env_.config.control.login_timeout;
  auto login_deadline = SteadyClock::now() + login_timeout;
  bool was_logged_in = false;
  while (!quit_) {
    if (logged_in_) {
      was_logged_in = true;
    } else if (was_logged_in) {
      was_logged_in = false;
      login_deadline = SteadyClock::now() + login_timeout;
    } else if (login_timeout.count() > 0 && SteadyClock::now() >= login_deadline) {
      spdlog::info("closing the control connection of {}: no login within {} s", client_.ip,
                   env_.config.control.login_timeout.count());
      reply(421, "Login timeout (" + std::to_string(env_.config.control.login_timeout.count()) +
                     " s): closing control connection.");
      break;
    }
    if (transfer_ && transfer_->pending == 0) {
      co_await finish_transfer();
      continue;
    }
    if (!lines_.empty() && (!transfer_ || is_urgent(lines_.front().first))) {
      auto [line, overlong] = std::move(lines_.front());
      lines_.pop_front();
      sink_->resume_input();  // the queue has room again
      co_await handle_line(std::move(line), overlong);
      continue;
    }
    if (closed_) break;
    const bool idle = !transfer_;
    SteadyClock::duration wait = idle ? SteadyClock::duration(env_.config.idle_timeout) : std::chrono::hours(24);
    bool login_due = false;
    if (!logged_in_ && login_timeout.count() > 0 && login_deadline - SteadyClock::now() < wait) {
      wait = std::max(login_deadline - SteadyClock::now(), SteadyClock::duration::zero());
      login_due = true;
    }
    wake_.expires_after(wait);
    auto [ec] = co_await wake_.async_wait(net::use_tuple);
    if (!ec && login_due) continue;  // the top of the loop decides
    if (!ec && idle && !transfer_ && lines_.empty() && !closed_) {
      reply(421, "Idle timeout (" + std::to_string(env_.config.idle_timeout.count()) + " s): closing control connection.");
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
    reply(500, "Command line too long (limit " + std::to_string(env_.config.max_line) + " bytes).");
    co_return;
  }
  auto cmd = ftp::parse_command(line);
  if (!cmd) {
    reply(500, "Syntax error, command unrecognized.");
    co_return;
  }
  const auto* spec = find_command(cmd->verb);
  if (!spec) {
    reply(500, "'" + cmd->verb + "': command not understood.");
    co_return;
  }
  if (spec->needs_login && !logged_in_) {
    reply(530, "Please log in with USER and PASS.");
    co_return;
  }
  if (anonymous_ && !anonymous_allows(*cmd)) co_return;
  // A RNFR must be followed directly by RNTO (RFC 959 §4.1.3).
  if (rnfr_ && cmd->verb != "RNTO") rnfr_.reset();
  const bool keeps_rest = cmd->verb == "REST" || cmd->verb == "RETR" || cmd->verb == "STOR" ||
                          cmd->verb == "APPE" || cmd->verb == "PASV" || cmd->verb == "EPSV" ||
                          cmd->verb == "PORT" || cmd->verb == "EPRT" || cmd->verb == "PRET" ||
                          cmd->verb == "TYPE" || cmd->verb == "SIZE" || cmd->verb == "MDTM" || cmd->verb == "NOOP";
  if (!keeps_rest) rest_ = 0;
  co_await (this->*(spec->handler))(*cmd);
}

// ---------------------------------------------------------------- login

asio::awaitable<void> Session::cmd_user(const ftp::Command& c) {
  if (c.arg.empty()) {
    reply(501, "Syntax error: USER needs a name.");
    co_return;
  }
  // A new USER starts a new login (like REIN).
  if (logged_in_) end_login();
  pending_user_ = c.arg;
  pending_anonymous_ = env_.config.anonymous.enabled && is_anonymous_name(c.arg);
  if (pending_anonymous_) reply(331, "Anonymous login ok, send your e-mail address as password.");
  else reply(331, "Password required for " + pending_user_ + ".");
}

asio::awaitable<void> Session::cmd_pass(const ftp::Command& c) {
  if (logged_in_) {
    reply(230, "Already logged in.");
    co_return;
  }
  if (pending_user_.empty()) {
    reply(503, "Login with USER first.");
    co_return;
  }
  if (pending_anonymous_) {
    login_anonymous(c.arg);
    co_return;
  }
  const std::string name = std::exchange(pending_user_, {});
  auto record = env_.store.get_user(name);
  const bool known = record && record->enabled;
  // An unknown or disabled user is verified against the stand-in hash, so
  // that the failure takes as long as a real user's wrong password: the
  // reply's timing must not tell which user names exist.
  const std::string hash = known ? record->password_hash : env_.credentials.stand_in_hash();
  const std::string password = c.arg;
  const auto now = auth::CredentialCache::Clock::now();
  bool ok = known && env_.credentials.recently_verified(name, password, hash, now);
  if (!ok) {
    // argon2id is deliberately slow and memory-hard: verify off the event loop.
    co_await asio::post(env_.hash_pool, asio::use_awaitable);
    ok = auth::verify_password(hash, password) && known;
    co_await asio::post(wake_.get_executor(), asio::use_awaitable);
    if (ok) env_.credentials.remember(name, password, hash, now);
  }
  if (!ok) {
    ++env_.stats.logins_failed;
    const bool banned = env_.guard.record_failure(client_.ip, auth::LoginGuard::Clock::now());
    spdlog::warn("failed login for \"{}\" from {}{}", name, client_.ip, banned ? "; address banned for a while" : "");
    asio::steady_timer delay(wake_.get_executor(), env_.config.login_fail_delay);
    co_await delay.async_wait(net::use_tuple);
    if (banned) {
      reply(421, "Too many failed logins; closing connection.");
      quit_ = true;
    } else {
      reply(530, "Login incorrect.");
    }
    co_return;
  }
  auto home = ftp::resolve_path("/", record->home);
  auto home_entry = home ? env_.store.lookup(*home) : std::nullopt;
  env_.guard.record_success(client_.ip);
  ++env_.stats.logins_ok;
  logged_in_ = true;
  user_ = name;
  cwd_ = home_entry && home_entry->is_dir ? *home : "/";
  spdlog::info("user {} logged in from {}", user_, client_.ip);
  reply(230, "User " + user_ + " logged in.");
}

void Session::end_login() {
  if (anonymous_) --env_.stats.anonymous_active;
  anonymous_ = false;
  logged_in_ = false;
  user_.clear();
  view_ = ftp::ViewRoot();
  cwd_ = "/";
}

asio::awaitable<void> Session::cmd_acct(const ftp::Command&) {
  reply(202, "ACCT not needed on this server.");
  co_return;
}

asio::awaitable<void> Session::cmd_rein(const ftp::Command&) {
  if (transfer_) abort_transfer();
  release_data_setup();
  end_login();
  pending_user_.clear();
  pending_anonymous_ = false;
  ascii_ = false;
  rest_ = 0;
  rnfr_.reset();
  pret_.reset();
  epsv_all_ = false;
  predicted_path_.clear();
  predict_next_ = false;
  reply(220, "Session reset; ready for a new user.");
  co_return;
}

asio::awaitable<void> Session::cmd_quit(const ftp::Command&) {
  reply(221, "Goodbye.");
  quit_ = true;
  co_return;
}

// ---------------------------------------------------------------- informational

asio::awaitable<void> Session::cmd_noop(const ftp::Command&) {
  reply(200, "NOOP ok.");
  co_return;
}

asio::awaitable<void> Session::cmd_syst(const ftp::Command&) {
  reply(215, "UNIX Type: L8");
  co_return;
}

asio::awaitable<void> Session::cmd_feat(const ftp::Command&) {
  // RFC 2389: each feature line starts with a space.
  reply(211,
        "Features:\n EPRT\n EPSV\n MDTM\n MFMT\n MLST type*;size*;modify*;perm*;unique*;\n PRET\n REST STREAM\n"
        " SIZE\n TVFS\n UTF8\n HOST\nEnd");
  co_return;
}

asio::awaitable<void> Session::cmd_opts(const ftp::Command& c) {
  auto space = c.arg.find(' ');
  std::string name = c.arg.substr(0, space);
  std::transform(name.begin(), name.end(), name.begin(), [](unsigned char ch) { return std::toupper(ch); });
  std::string value = space == std::string::npos ? "" : c.arg.substr(space + 1);
  if (name == "UTF8") {
    std::transform(value.begin(), value.end(), value.begin(), [](unsigned char ch) { return std::toupper(ch); });
    if (value == "ON" || value.empty()) reply(200, "UTF8 mode is always on.");
    else reply(504, "UTF8 cannot be turned off; paths are UTF-8.");
  } else if (name == "MLST") {
    // All facts are always sent; report the selection as the full set we support.
    reply(200, "MLST OPTS type;size;modify;perm;unique;");
  } else {
    reply(501, "OPTS: unknown option '" + name + "'.");
  }
  co_return;
}

asio::awaitable<void> Session::cmd_help(const ftp::Command& c) {
  if (!c.arg.empty()) {
    std::string verb = c.arg;
    std::transform(verb.begin(), verb.end(), verb.begin(), [](unsigned char ch) { return std::toupper(ch); });
    if (const auto* spec = find_command(verb)) reply(214, std::string("Syntax: ") + spec->help);
    else reply(502, "Unknown command '" + verb + "'.");
    co_return;
  }
  std::string text = "The following commands are recognized:\n";
  std::size_t col = 0;
  for (const auto& spec : command_table()) {
    text += ' ';
    text += spec.verb;
    text.append(5 - std::string_view(spec.verb).size(), ' ');
    if (++col % 10 == 0) text += '\n';
  }
  if (col % 10 != 0) text += '\n';
  text += "Help OK.";
  reply(214, text);
  co_return;
}

asio::awaitable<void> Session::cmd_host(const ftp::Command& c) {
  // RFC 7151: HOST must come before login; one virtual host serves every name.
  if (logged_in_ || !pending_user_.empty()) reply(503, "HOST must be sent before USER.");
  else if (c.arg.empty()) reply(501, "Syntax error: HOST needs a name.");
  else reply(220, "Host accepted.");
  co_return;
}

asio::awaitable<void> Session::cmd_site(const ftp::Command& c) {
  auto space = c.arg.find(' ');
  std::string sub = c.arg.substr(0, space);
  std::transform(sub.begin(), sub.end(), sub.begin(), [](unsigned char ch) { return std::toupper(ch); });
  if (sub == "HELP" || sub.empty()) {
    // Anonymous users are refused every other SITE command (anonymous_policy).
    reply(214, anonymous_ ? "SITE commands:\n HELP\nEnd."
                          : "SITE commands:\n HELP\n STATS\n NODES\n COPIES <path>\n NODESELECT UP|DOWN <path>\nEnd.");
  } else if (sub == "STATS") {
    const auto& s = env_.stats;
    reply(211, "Master statistics:\n"
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
    reply(211, "Nodes:\n" + nodes_report(env_.nodes, env_.store, &env_.jobs) + "End.");
  } else if (sub == "COPIES") {
    auto path = resolve(space == std::string::npos ? "" : c.arg.substr(space + 1));
    const auto text = path ? copies_report(env_.nodes, env_.store, env_.replicator.wanted(*path), *path) : "";
    if (text.empty()) reply(550, "SITE COPIES: no such file.");
    else reply(211, text + "End");
  } else if (sub == "NODESELECT") {
    // SITE NODESELECT UP|DOWN <path>: why placement would pick which node.
    std::string rest = space == std::string::npos ? "" : c.arg.substr(space + 1);
    const auto sp = rest.find(' ');
    std::string dir = rest.substr(0, sp);
    std::transform(dir.begin(), dir.end(), dir.begin(), [](unsigned char ch) { return std::toupper(ch); });
    auto path = sp == std::string::npos ? std::nullopt : resolve(rest.substr(sp + 1));
    if ((dir != "UP" && dir != "DOWN") || !path) {
      reply(501, "Syntax: SITE NODESELECT UP|DOWN <path>");
      co_return;
    }
    std::vector<std::string> holders;
    if (dir == "DOWN") {
      auto entry = env_.store.lookup(*path);
      if (!entry || entry->is_dir) {
        reply(550, *path + ": No such file.");
        co_return;
      }
      holders = entry->nodes;
    }
    const auto direction = dir == "UP" ? cluster::Direction::Upload : cluster::Direction::Download;
    auto ranking = env_.nodes.rank(direction, *path, holders);
    if (direction == cluster::Direction::Download && holders.empty()) ranking.clear();
    reply(211, cluster::explain(ranking, direction, *path) + "\nEnd.");
  } else {
    reply(500, "'SITE " + sub + "': unknown SITE command.");
  }
  co_return;
}

// ---------------------------------------------------------------- transfer parameters

asio::awaitable<void> Session::cmd_type(const ftp::Command& c) {
  std::string arg = c.arg;
  std::transform(arg.begin(), arg.end(), arg.begin(), [](unsigned char ch) { return std::toupper(ch); });
  if (arg == "I" || arg == "L 8" || arg == "L8") {
    ascii_ = false;
    reply(200, "Type set to I.");
  } else if (arg == "A" || arg == "A N") {
    ascii_ = true;
    reply(200, "Type set to A.");
  } else if (arg == "E" || arg == "E N" || arg == "A T" || arg == "A C" || arg.rfind("L ", 0) == 0) {
    reply(504, "Type not supported; use A or I.");
  } else {
    reply(501, "Syntax error: TYPE A or TYPE I.");
  }
  co_return;
}

asio::awaitable<void> Session::cmd_mode(const ftp::Command& c) {
  std::string arg = c.arg;
  std::transform(arg.begin(), arg.end(), arg.begin(), [](unsigned char ch) { return std::toupper(ch); });
  if (arg == "S") reply(200, "Mode set to S.");
  else if (arg == "B" || arg == "C" || arg == "Z") reply(504, "Only stream mode (S) is supported.");
  else reply(501, "Syntax error: MODE S.");
  co_return;
}

asio::awaitable<void> Session::cmd_stru(const ftp::Command& c) {
  std::string arg = c.arg;
  std::transform(arg.begin(), arg.end(), arg.begin(), [](unsigned char ch) { return std::toupper(ch); });
  if (arg == "F") reply(200, "Structure set to F.");
  else if (arg == "R" || arg == "P") reply(504, "Only file structure (F) is supported.");
  else reply(501, "Syntax error: STRU F.");
  co_return;
}

asio::awaitable<void> Session::cmd_allo(const ftp::Command&) {
  reply(202, "ALLO not needed; space is allocated as data arrives.");
  co_return;
}

asio::awaitable<void> Session::cmd_not_implemented(const ftp::Command& c) {
  reply(502, c.verb + " is not implemented.");
  co_return;
}

asio::awaitable<void> Session::cmd_rest(const ftp::Command& c) {
  std::uint64_t offset = 0;
  const auto* end = c.arg.data() + c.arg.size();
  auto [p, ec] = std::from_chars(c.arg.data(), end, offset);
  if (c.arg.empty() || ec != std::errc() || p != end) {
    reply(501, "REST needs a non-negative byte offset.");
    co_return;
  }
  rest_ = offset;
  reply(350, "Restarting at " + std::to_string(offset) + ". Send STOR or RETR to initiate transfer.");
}

asio::awaitable<void> Session::cmd_abor(const ftp::Command&) {
  if (!transfer_) {
    release_data_setup();
    reply(225, "No transfer to abort; data connection closed.");
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
  reply(226, "ABOR command successful.");
}

asio::awaitable<void> Session::cmd_stat(const ftp::Command& c) {
  if (c.arg.empty()) {
    std::string text = "fleetftp status:\n Connected from " + client_.ip + "\n Logged in as " + user_ +
                       "\n TYPE: " + (ascii_ ? "ASCII" : "BINARY") + ", STRUcture: File, MODE: Stream\n";
    if (transfer_) text += " Transfer in progress: " + shown(transfer_->path) + "\n";
    else text += " No data connection\n";
    reply(211, text + "End of status.");
    co_return;
  }
  if (transfer_) {
    reply(450, "A transfer is in progress; STAT <path> is not available now.");
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
    reply(550, "No such file or directory.");
    co_return;
  }
  std::string text = "Status of " + shown(*path) + ":\n";
  for (const auto& line : listing_lines(env_.store, ListingFormat::List, *path, *entry, std::time(nullptr),
                                        [this](const meta::Entry& e) { return offline(e); }, rights()))
    text += line + "\n";
  reply(213, text + "End of status.");
}

}  // namespace fleet::master
