// Mutual authentication of the node link with a shared key (HMAC-SHA256
// challenge-response in both directions, see proto/link.proto). Neither side
// ever sends the key; each proves it knows it over fresh nonces.
#pragma once

#include <string>
#include <string_view>

namespace fleet::cluster {

// 32 bytes from the OS random source.
std::string random_nonce();

// HMAC-SHA256(key, role | first_nonce | second_nonce). role is "master" or "node".
std::string link_proof(std::string_view key, std::string_view role, std::string_view first_nonce,
                       std::string_view second_nonce);

// Constant-time comparison.
bool proofs_equal(std::string_view a, std::string_view b);

}  // namespace fleet::cluster
