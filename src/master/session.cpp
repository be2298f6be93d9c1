// Session core: the event loop of one control connection, command dispatch,
// the login commands' entry points, ABOR and the end of a transfer.
#include "net/use_tuple.hpp"
#include "master/session.hpp"

#include <spdlog/spdlog.h>

#include <ctime>
#include <new>
#include <unordered_map>

#include "ftp/command_table.hpp"
#include "ftp/path.hpp"
#include "ftp/reply_codes.hpp"
#include "master/stats.hpp"
#include "master/registry_gateway.hpp"

namespace fleet::master {

namespace {

std::shared_ptr<NodeGateway> gateway_of(SessionEnv& env) {
  if (!env.gateway) env.gateway = std::make_shared<RegistryGateway>(env.nodes);
  return env.gateway;
}
}  // namespace

Session::Session(asio::any_io_executor ex, SessionEnv& env, std::shared_ptr<ReplySink> sink, ClientInfo client)
    : ctx_(ex, env, gateway_of(env), std::move(sink), std::move(client)),
      login_(ctx_),
      namespace_(ctx_),
      data_(ctx_),
      router_(ctx_, data_, [this] { wake(); }),
      commit_(ctx_),
      site_(ctx_),
      wake_(ex) {}

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

void Session::wake() { wake_.cancel(); }

void Session::push_line(std::string line, bool overlong) {
  lines_.emplace_back(std::move(line), overlong);
  wake();
}

bool Session::accepts_lines() const { return lines_.size() < ctx_.env.config.control.max_queued_lines; }

// The line to handle now: the first one, or while a transfer runs the first
// ABOR or STAT, which act at once even behind other queued commands (RFC 959
// 4.1.3); end() when nothing can run yet.
std::list<std::pair<std::string, bool>>::iterator Session::next_line() {
  if (!router_.running()) return lines_.begin();
  return std::find_if(lines_.begin(), lines_.end(),
                      [](const auto& queued) { return ftp::acts_during_transfer(queued.first); });
}

void Session::push_closed() {
  closed_ = true;
  wake();
}

asio::awaitable<void> Session::run() {
  auto self = shared_from_this();
  auto& env = ctx_.env;
  ++env.stats.sessions_total;
  // Released on every way out of run(), exceptions included.
  CountHeld active(env.stats.sessions_active);
  if (env.guard.is_banned(ctx_.client.ip, auth::LoginGuard::Clock::now())) {
    reply(ftp::kServiceNotAvailable, "Too many failed logins from your address; try again later.");
    quit_ = true;
  } else if (env.stats.sessions_active > env.config.max_sessions) {
    reply(ftp::kServiceNotAvailable, "Too many connections; try again later.");
    quit_ = true;
  } else {
    reply(ftp::kServiceReady, env.config.banner);
  }
  // The login must be completed within login_timeout of the connection (or
  // of the REIN/USER that ended the previous login).
  using SteadyClock = std::chrono::steady_clock;
  const SteadyClock::duration login_timeout = env.config.control.login_timeout;
  auto login_deadline = SteadyClock::now() + login_timeout;
  bool was_logged_in = false;
  while (!quit_) {
    if (ctx_.state.logged_in()) {
      was_logged_in = true;
    } else if (was_logged_in) {
      was_logged_in = false;
      login_deadline = SteadyClock::now() + login_timeout;
    } else if (login_timeout.count() > 0 && SteadyClock::now() >= login_deadline) {
      spdlog::info("closing the control connection of {}: no login within {} s", ctx_.client.ip,
                   env.config.control.login_timeout.count());
      reply(ftp::kServiceNotAvailable, "Login timeout (" + std::to_string(env.config.control.login_timeout.count()) +
                                           " s): closing control connection.");
      break;
    }
    if (router_.finished()) {
      co_await finish_transfer();
      continue;
    }
    if (auto next = next_line(); next != lines_.end()) {
      auto [line, overlong] = std::move(*next);
      lines_.erase(next);
      ctx_.sink->resume_input();  // the queue has room again
      co_await handle_line(std::move(line), overlong);
      continue;
    }
    if (closed_) break;
    const bool idle = !router_.running();
    SteadyClock::duration wait = idle ? SteadyClock::duration(env.config.idle_timeout) : std::chrono::hours(24);
    bool login_due = false;
    if (!ctx_.state.logged_in() && login_timeout.count() > 0 && login_deadline - SteadyClock::now() < wait) {
      wait = std::max(login_deadline - SteadyClock::now(), SteadyClock::duration::zero());
      login_due = true;
    }
    wake_.expires_after(wait);
    auto [ec] = co_await wake_.async_wait(net::use_tuple);
    if (!ec && login_due) continue;  // the top of the loop decides
    if (!ec && idle && !router_.running() && lines_.empty() && !closed_) {
      reply(ftp::kServiceNotAvailable,
            "Idle timeout (" + std::to_string(env.config.idle_timeout.count()) + " s): closing control connection.");
      break;
    }
  }
  router_.abort();
  reset_login();
  ctx_.sink->close();
}

asio::awaitable<void> Session::handle_line(std::string line, bool overlong) {
  if (overlong) {
    reply(ftp::kSyntaxError, "Command line too long (limit " + std::to_string(ctx_.env.config.max_line) + " bytes).");
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
  if (spec->needs_login && !ctx_.state.logged_in()) {
    reply(ftp::kNotLoggedIn, "Please log in with USER and PASS.");
    co_return;
  }
  if (ctx_.state.anonymous() && !login_.anonymous_allows(*cmd)) co_return;
  ctx_.state.before_command(cmd->verb);
  co_await run_handler(handler_for(spec->verb), *cmd);
}

asio::awaitable<void> Session::run_handler(Handler handler, const ftp::Command& c) {
  // No silent failure: whatever a handler throws (the metadata store busy or
  // out of space, a broken invariant) is logged and answered, and the session
  // goes on; only running out of memory ends it.
  bool fatal = false;
  std::string what;
  try {
    co_await (this->*handler)(c);
    co_return;
  } catch (const std::bad_alloc&) {
    fatal = true;
    what = "out of memory";
  } catch (const std::exception& e) {
    what = e.what();
  }
  spdlog::error("{}: {} failed: {}", ctx_.client.ip, c.verb, what);
  if (fatal) {
    reply(ftp::kServiceNotAvailable, "Local error; closing control connection.");
    quit_ = true;
  } else {
    reply(ftp::kLocalError, "Requested action aborted: local error in processing.");
  }
}

asio::awaitable<void> Session::finish_transfer() {
  auto t = router_.take();
  std::string what;
  try {
    co_await commit_.finish(t);
    co_return;
  } catch (const std::exception& e) {
    what = e.what();
  }
  spdlog::error("{}: the end of the transfer of {} failed: {}", ctx_.client.ip, t->path.empty() ? "a listing" : t->path,
                what);
  ++ctx_.env.stats.transfers_failed;
  reply(ftp::kLocalError, "Requested action aborted: local error in processing.");
}

void Session::reset_login() {
  data_.release();
  login_.end();
}

// ---------------------------------------------------------------- login

asio::awaitable<void> Session::cmd_user(const ftp::Command& c) {
  login_.user(c);
  co_return;
}

asio::awaitable<void> Session::cmd_pass(const ftp::Command& c) {
  const bool session_goes_on = co_await login_.pass(c);
  if (!session_goes_on) quit_ = true;
  co_return;
}

asio::awaitable<void> Session::cmd_acct(const ftp::Command&) {
  reply(ftp::kCommandSuperfluous, "ACCT not needed on this server.");
  co_return;
}

asio::awaitable<void> Session::cmd_rein(const ftp::Command&) {
  router_.abort();
  reset_login();
  ctx_.state.reinitialize();
  reply(ftp::kServiceReady, "Session reset; ready for a new user.");
  co_return;
}

asio::awaitable<void> Session::cmd_quit(const ftp::Command&) {
  reply(ftp::kClosingControl, "Goodbye.");
  quit_ = true;
  co_return;
}

// ---------------------------------------------------------------- transfers

asio::awaitable<void> Session::cmd_abor(const ftp::Command&) {
  if (!router_.running()) {
    data_.release();
    reply(ftp::kDataOpenNoTransfer, "No transfer to abort; data connection closed.");
    co_return;
  }
  router_.abort();
  // The 426 for the transfer comes from finish_transfer() when its end is
  // confirmed; the 226 for ABOR follows it (RFC 959 §4.1.3).
  while (router_.running()) {
    if (router_.finished()) {
      co_await finish_transfer();
      break;
    }
    wake_.expires_after(std::chrono::seconds(10));
    auto [ec] = co_await wake_.async_wait(net::use_tuple);
    // A node that does not confirm within 10 s is treated as done.
    if (!ec) router_.give_up_waiting();
  }
  reply(ftp::kTransferComplete, "ABOR command successful.");
}

asio::awaitable<void> Session::cmd_retr(const ftp::Command& c) {
  auto path = namespace_.resolve_or_reply(c.arg);
  if (!path) co_return;
  co_await router_.retr(*path);
}

asio::awaitable<void> Session::cmd_stor(const ftp::Command& c) {
  auto path = namespace_.resolve_or_reply(c.arg, ftp::kFileNameNotAllowed);
  if (!path) co_return;
  co_await router_.store(TransferOp::Stor, *path);
}

asio::awaitable<void> Session::cmd_appe(const ftp::Command& c) {
  auto path = namespace_.resolve_or_reply(c.arg, ftp::kFileNameNotAllowed);
  if (!path) co_return;
  co_await router_.store(TransferOp::Appe, *path);
}

asio::awaitable<void> Session::cmd_stou(const ftp::Command& c) {
  // RFC 959: STOU takes no argument, but a name given is used as the stem.
  const std::string stem = c.arg.empty() ? "file" : ftp::base_name(ctx_.state.resolve(c.arg).value_or("/file"));
  const auto t = static_cast<long long>(std::time(nullptr));
  for (int i = 0; i < 1000; ++i) {
    auto candidate = ftp::join_path(ctx_.state.cwd(), stem + "." + std::to_string(t) + "." + std::to_string(i));
    if (!ctx_.env.store.lookup(candidate)) {
      co_await router_.store(TransferOp::Stou, candidate);
      co_return;
    }
  }
  reply(ftp::kInsufficientStorage, "Could not find a unique file name.");
}

}  // namespace fleet::master
