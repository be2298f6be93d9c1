#include "auth/password.hpp"

#include <sodium.h>

#include <stdexcept>
#include <string>

namespace fleet::auth {
namespace {

// sodium_init is idempotent and thread-safe, and cheap after the first call,
// so calling it on every use avoids a global "initialized" flag.
void ensure_sodium() {
  if (sodium_init() < 0) throw std::runtime_error("libsodium failed to initialize");
}

constexpr std::string_view kPasswordAlphabet =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
constexpr std::size_t kRandomPasswordLength = 16;

}  // namespace

std::string hash_password(std::string_view password) {
  ensure_sodium();
  char out[crypto_pwhash_STRBYTES];
  if (crypto_pwhash_str(out, password.data(), password.size(), crypto_pwhash_OPSLIMIT_INTERACTIVE,
                        crypto_pwhash_MEMLIMIT_INTERACTIVE) != 0) {
    throw std::runtime_error("password hashing failed: not enough memory for argon2id");
  }
  return std::string(out);
}

bool verify_password(std::string_view hash, std::string_view password) {
  ensure_sodium();
  // libsodium reads the hash up to its NUL; an embedded NUL would let a
  // hash with trailing garbage pass, and an overlong one cannot be valid.
  if (hash.empty() || hash.size() >= crypto_pwhash_STRBYTES || hash.find('\0') != std::string_view::npos) {
    return false;
  }
  char terminated[crypto_pwhash_STRBYTES] = {};
  hash.copy(terminated, hash.size());
  return crypto_pwhash_str_verify(terminated, password.data(), password.size()) == 0;
}

std::string random_password() {
  ensure_sodium();
  std::string password;
  password.reserve(kRandomPasswordLength);
  for (std::size_t i = 0; i < kRandomPasswordLength; ++i) {
    // randombytes_uniform avoids the modulo bias of reducing a random byte.
    password.push_back(kPasswordAlphabet[randombytes_uniform(static_cast<std::uint32_t>(kPasswordAlphabet.size()))]);
  }
  return password;
}

}  // namespace fleet::auth
