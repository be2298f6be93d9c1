// Login: the whole login of a control session in one place — USER, PASS
// (password users: the credential cache, else argon2id off the event loop;
// failures counted by the LoginGuard, delayed, and banned past its limit),
// anonymous logins ([anonymous]: no password, confined to its root) and
// what an anonymous session may do afterwards (anonymous_policy).
//
// One per session, on the event loop; replies go to the client itself.
// Store errors propagate as exceptions (the session answers 451).
#pragma once

#include <asio.hpp>
#include <optional>
#include <string_view>

#include "ftp/command.hpp"
#include "master/stats.hpp"
#include "master/session_context.hpp"

namespace fleet::master {

class Login {
 public:
  explicit Login(SessionContext& ctx) : ctx_(ctx) {}

  void user(const ftp::Command& c);
  // false: the client is banned now and the session must close (421 sent).
  asio::awaitable<bool> pass(const ftp::Command& c);
  // Back to "not logged in" (USER again, REIN, end of session).
  void end();
  // Anonymous sessions: whether [anonymous] lets `c` run; replies 550 if not.
  bool anonymous_allows(const ftp::Command& c);

 private:
  void login_anonymous(std::string_view password);

  SessionContext& ctx_;
  // Held while logged in anonymously: [anonymous] max_sessions counts these.
  std::optional<CountHeld> anonymous_slot_;
};

}  // namespace fleet::master
