#include "master/login.hpp"

#include <spdlog/spdlog.h>

#include "auth/password.hpp"
#include "ftp/path.hpp"
#include "ftp/reply_codes.hpp"
#include "master/anonymous_policy.hpp"
#include "net/use_tuple.hpp"

namespace fleet::master {

void Login::user(const ftp::Command& c) {
  if (c.arg.empty()) {
    ctx_.reply(ftp::kSyntaxErrorInArgs, "Syntax error: USER needs a name.");
    return;
  }
  // A new USER starts a new login (like REIN).
  if (ctx_.state.logged_in()) end();
  ctx_.state.user_given(c.arg, ctx_.env.config.anonymous.enabled && is_anonymous_name(c.arg));
  if (ctx_.state.pending_anonymous()) ctx_.reply(ftp::kNeedPassword, "Anonymous login ok, send your e-mail address as password.");
  else ctx_.reply(ftp::kNeedPassword, "Password required for " + ctx_.state.pending_user() + ".");
}

asio::awaitable<bool> Login::pass(const ftp::Command& c) {
  if (ctx_.state.logged_in()) {
    ctx_.reply(ftp::kLoggedIn, "Already logged in.");
    co_return true;
  }
  if (!ctx_.state.awaiting_password()) {
    ctx_.reply(ftp::kBadSequence, "Login with USER first.");
    co_return true;
  }
  if (ctx_.state.pending_anonymous()) {
    ctx_.state.take_pending_user();
    login_anonymous(c.arg);
    co_return true;
  }
  const std::string name = ctx_.state.take_pending_user();
  auto record = ctx_.env.store.get_user(name);
  const bool known = record && record->enabled;
  // An unknown or disabled user is verified against the stand-in hash, so
  // that the failure takes as long as a real user's wrong password: the
  // reply's timing must not tell which user names exist. The cache only
  // ever shortens a known user's successful login.
  const std::string hash = known ? record->password_hash : ctx_.env.credentials.stand_in_hash();
  const std::string password = c.arg;
  const auto now = auth::CredentialCache::Clock::now();
  bool ok = known && ctx_.env.credentials.recently_verified(name, password, hash, now);
  if (!ok) {
    // argon2id is deliberately slow and memory-hard: verify off the event loop.
    co_await asio::post(ctx_.env.hash_pool, asio::use_awaitable);
    ok = auth::verify_password(hash, password) && known;
    co_await asio::post(ctx_.ex, asio::use_awaitable);
    if (ok) ctx_.env.credentials.remember(name, password, hash, now);
  }
  if (!ok) {
    ++ctx_.env.stats.logins_failed;
    const bool banned = ctx_.env.guard.record_failure(ctx_.client.ip, auth::LoginGuard::Clock::now());
    spdlog::warn("failed login for \"{}\" from {}{}", name, ctx_.client.ip, banned ? "; address banned for a while" : "");
    asio::steady_timer delay(ctx_.ex, ctx_.env.config.login_fail_delay);
    co_await delay.async_wait(net::use_tuple);
    if (banned) {
      ctx_.reply(ftp::kServiceNotAvailable, "Too many failed logins; closing connection.");
      co_return false;
    }
    ctx_.reply(ftp::kNotLoggedIn, "Login incorrect.");
    co_return true;
  }
  auto home = ftp::resolve_path("/", record->home);
  auto home_entry = home ? ctx_.env.store.lookup(*home) : std::nullopt;
  ctx_.env.guard.record_success(ctx_.client.ip);
  ++ctx_.env.stats.logins_ok;
  ctx_.state.logged_in_as(name, false, ftp::ViewRoot(), home_entry && home_entry->is_dir ? *home : "/");
  spdlog::info("user {} logged in from {}", name, ctx_.client.ip);
  ctx_.reply(ftp::kLoggedIn, "User " + name + " logged in.");
  co_return true;
}

void Login::end() {
  anonymous_slot_.reset();
  ctx_.state.end_login();
}

void Login::login_anonymous(std::string_view password) {
  const auto& anon = ctx_.env.config.anonymous;
  if (anon.max_sessions != 0 && ctx_.env.stats.anonymous_active >= anon.max_sessions) {
    spdlog::info("anonymous login from {} refused: already {} anonymous sessions ([anonymous] max_sessions)",
                 ctx_.client.ip, ctx_.env.stats.anonymous_active);
    ctx_.reply(ftp::kNotLoggedIn, "Too many anonymous users; try again later.");
    return;
  }
  // Not a proof of identity, so it does not clear the address's failed
  // password logins in the guard (that would let a guesser dodge the ban).
  ++ctx_.env.stats.logins_ok;
  anonymous_slot_.emplace(ctx_.env.stats.anonymous_active);
  ctx_.state.logged_in_as("anonymous", true, ftp::ViewRoot(anon.root), anon.root);
  spdlog::info("anonymous login from {} (password \"{}\")", ctx_.client.ip, loggable_password(password));
  ctx_.reply(ftp::kLoggedIn, fmt::format("Anonymous access granted: {}.", anonymous_rights_text(anon.upload, anon.other_write)));
}

bool Login::anonymous_allows(const ftp::Command& c) {
  const auto& anon = ctx_.env.config.anonymous;
  auto decision = anonymous_decision(c, anon.upload, anon.other_write);
  using Kind = AnonymousDecision::Kind;
  if (decision.kind == Kind::NewFileOnly) {
    // Only a name that exists is refused here; a bad path or a missing
    // directory gets the command's own reply.
    auto path = decision.target.empty() ? std::nullopt : ctx_.state.resolve(decision.target);
    if (!path || !ctx_.env.store.lookup(*path)) return true;
  } else if (decision.kind == Kind::Allowed) {
    return true;
  }
  ctx_.reply(ftp::kFileUnavailable, "Permission denied.");
  return false;
}

}  // namespace fleet::master
