// Password hashing for user records: argon2id through libsodium's
// crypto_pwhash_str (memory-hard, self-describing, salted). Plain passwords are
// never stored.
#pragma once

#include <string>
#include <string_view>

namespace fleet::auth {

// Hashes with argon2id at libsodium's "interactive" limits. Throws
// std::runtime_error if libsodium cannot allocate the memory it needs.
std::string hash_password(std::string_view password);

// True if `password` matches `hash` (an encoded string from hash_password).
// A malformed hash never matches.
bool verify_password(std::string_view hash, std::string_view password);

// A random password for generated accounts: 16 characters from [A-Za-z0-9].
std::string random_password();

}  // namespace fleet::auth
