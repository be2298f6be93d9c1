// CredentialCache: remembers, for a while, that a user's password was
// verified, so repeated logins (scripts, load balancer checks, mirror jobs
// reconnecting) skip the deliberately slow argon2id hash. Only a keyed MAC of
// user and password is kept — with a random key that lives in this process
// alone — never the password; an entry is tied to the stored hash it was
// checked against, so changing the password invalidates it at once.
//
// It also holds the stand-in hash that logins naming an unknown (or disabled)
// user are verified against: argon2id runs for them as for a real user's
// wrong password, so the time a failed login takes does not tell whether the
// user exists. A cache hit only ever shortens a login that succeeds.
//
// Used from one thread (the master's event loop); stand_in_hash() may be read
// from any thread, it never changes.
#pragma once

#include <chrono>
#include <cstddef>
#include <string>
#include <string_view>
#include <unordered_map>

namespace fleet::auth {

class CredentialCache {
 public:
  using Clock = std::chrono::steady_clock;

  static constexpr std::size_t kDefaultCapacity = 100000;

  // Entries live `ttl`; at most `capacity` users are remembered (the entry
  // closest to expiry is forgotten first). ttl 0 turns the cache off.
  // `stand_in_hash`: an argon2id hash of a password nobody knows (the master
  // makes one with hash_password(random_password()) when it starts); empty
  // where timing does not matter (tests), and then unknown users fail at once.
  explicit CredentialCache(std::chrono::seconds ttl, std::size_t capacity = kDefaultCapacity,
                           std::string stand_in_hash = {});

  const std::string& stand_in_hash() const { return stand_in_hash_; }

  // True if `password` was verified for `user` against `stored_hash` less than
  // ttl ago.
  bool recently_verified(std::string_view user, std::string_view password, std::string_view stored_hash,
                         Clock::time_point now) const;
  void remember(std::string_view user, std::string_view password, std::string_view stored_hash,
                Clock::time_point now);
  void forget(std::string_view user);

 private:
  std::string mac(std::string_view user, std::string_view password, std::string_view stored_hash) const;

  struct Entry {
    std::string mac;
    Clock::time_point expires;
  };
  std::chrono::seconds ttl_;
  std::size_t capacity_;
  std::string key_;
  std::string stand_in_hash_;
  std::unordered_map<std::string, Entry> by_user_;
};

}  // namespace fleet::auth
