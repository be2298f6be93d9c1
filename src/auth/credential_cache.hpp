// CredentialCache: remembers, for a while, that a user's password was
// verified, so repeated logins (scripts, load balancer checks, mirror jobs
// reconnecting) skip the deliberately slow argon2id hash. Only a keyed MAC of
// user and password is kept — with a random key that lives in this process
// alone — never the password; an entry is tied to the stored hash it was
// checked against, so changing the password invalidates it at once.
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

  // Entries live `ttl`; at most `capacity` users are remembered (the entry
  // closest to expiry is forgotten first). ttl 0 turns the cache off.
  CredentialCache(std::chrono::seconds ttl, std::size_t capacity = 100000);

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
  std::unordered_map<std::string, Entry> by_user_;
};

}  // namespace fleet::auth
