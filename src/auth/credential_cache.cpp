#include "auth/credential_cache.hpp"

#include <sodium.h>

#include <algorithm>
#include <stdexcept>
#include <utility>

namespace fleet::auth {

CredentialCache::CredentialCache(std::chrono::seconds ttl, std::size_t capacity, std::string stand_in_hash)
    : ttl_(ttl),
      capacity_(std::max<std::size_t>(capacity, 1)),
      key_(crypto_auth_hmacsha256_KEYBYTES, '\0'),
      stand_in_hash_(std::move(stand_in_hash)) {
  if (sodium_init() < 0) throw std::runtime_error("libsodium could not be initialised");
  crypto_auth_hmacsha256_keygen(reinterpret_cast<unsigned char*>(key_.data()));
}

std::string CredentialCache::mac(std::string_view user, std::string_view password,
                                 std::string_view stored_hash) const {
  crypto_auth_hmacsha256_state state;
  crypto_auth_hmacsha256_init(&state, reinterpret_cast<const unsigned char*>(key_.data()), key_.size());
  // Lengths first, so that no two (user, password, hash) triples feed the same bytes.
  for (std::string_view part : {user, password, stored_hash}) {
    const auto n = static_cast<std::uint64_t>(part.size());
    crypto_auth_hmacsha256_update(&state, reinterpret_cast<const unsigned char*>(&n), sizeof n);
    crypto_auth_hmacsha256_update(&state, reinterpret_cast<const unsigned char*>(part.data()), part.size());
  }
  std::string out(crypto_auth_hmacsha256_BYTES, '\0');
  crypto_auth_hmacsha256_final(&state, reinterpret_cast<unsigned char*>(out.data()));
  return out;
}

bool CredentialCache::recently_verified(std::string_view user, std::string_view password,
                                        std::string_view stored_hash, Clock::time_point now) const {
  if (ttl_.count() == 0) return false;
  auto it = by_user_.find(std::string(user));
  if (it == by_user_.end() || it->second.expires <= now) return false;
  const auto expected = mac(user, password, stored_hash);
  return sodium_memcmp(expected.data(), it->second.mac.data(), expected.size()) == 0;
}

void CredentialCache::remember(std::string_view user, std::string_view password, std::string_view stored_hash,
                               Clock::time_point now) {
  if (ttl_.count() == 0) return;
  if (by_user_.size() >= capacity_ && !by_user_.contains(std::string(user))) {
    auto oldest = std::min_element(by_user_.begin(), by_user_.end(),
                                   [](const auto& a, const auto& b) { return a.second.expires < b.second.expires; });
    by_user_.erase(oldest);
  }
  by_user_[std::string(user)] = Entry{mac(user, password, stored_hash), now + ttl_};
}

void CredentialCache::forget(std::string_view user) { by_user_.erase(std::string(user)); }

}  // namespace fleet::auth
