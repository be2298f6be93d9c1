// Session: anonymous logins ([anonymous] in the master config). The login
// costs no password hash and no store access: the root was made (or found)
// when the master started. What an anonymous session may do afterwards is
// decided by anonymous_decision(); where it may look, by the session's view (ProtocolState).
#include <spdlog/spdlog.h>

#include "master/anonymous_policy.hpp"
#include "master/session.hpp"

namespace fleet::master {

void Session::login_anonymous(std::string_view password) {
  const auto& anon = env_.config.anonymous;
  if (anon.max_sessions != 0 && env_.stats.anonymous_active >= anon.max_sessions) {
    spdlog::info("anonymous login from {} refused: already {} anonymous sessions ([anonymous] max_sessions)",
                 client_.ip, env_.stats.anonymous_active);
    reply(ftp::kNotLoggedIn, "Too many anonymous users; try again later.");
    return;
  }
  // Not a proof of identity, so it does not clear the address's failed
  // password logins in the guard (that would let a guesser dodge the ban).
  ++env_.stats.logins_ok;
  ++env_.stats.anonymous_active;
  state_.logged_in_as("anonymous", true, ftp::ViewRoot(anon.root), anon.root);
  spdlog::info("anonymous login from {} (password \"{}\")", client_.ip, loggable_password(password));
  reply(ftp::kLoggedIn, fmt::format("Anonymous access granted: {}.", anonymous_rights_text(anon.upload, anon.other_write)));
}

bool Session::anonymous_allows(const ftp::Command& c) {
  const auto& anon = env_.config.anonymous;
  auto decision = anonymous_decision(c, anon.upload, anon.other_write);
  using Kind = AnonymousDecision::Kind;
  if (decision.kind == Kind::NewFileOnly) {
    // Only a name that exists is refused here; a bad path or a missing
    // directory gets the command's own reply.
    auto path = decision.target.empty() ? std::nullopt : resolve(decision.target);
    if (!path || !env_.store.lookup(*path)) return true;
  } else if (decision.kind == Kind::Allowed) {
    return true;
  }
  reply(ftp::kFileUnavailable, "Permission denied.");
  return false;
}

Rights Session::rights() const {
  if (!state_.anonymous()) return Rights::Full;
  const auto& anon = env_.config.anonymous;
  if (anon.upload && anon.other_write) return Rights::Full;
  return anon.upload ? Rights::ReadCreate : Rights::ReadOnly;
}

}  // namespace fleet::master
