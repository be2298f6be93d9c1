#include "cluster/link_auth.hpp"

#include <openssl/crypto.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>

#include <stdexcept>

namespace fleet::cluster {

std::string random_nonce() {
  std::string nonce(32, '\0');
  if (RAND_bytes(reinterpret_cast<unsigned char*>(nonce.data()), static_cast<int>(nonce.size())) != 1)
    throw std::runtime_error("the OS random source failed");
  return nonce;
}

std::string link_proof(std::string_view key, std::string_view role, std::string_view first_nonce,
                       std::string_view second_nonce) {
  std::string message;
  message.reserve(role.size() + first_nonce.size() + second_nonce.size());
  message.append(role).append(first_nonce).append(second_nonce);
  unsigned char out[EVP_MAX_MD_SIZE];
  unsigned int out_len = 0;
  HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
       reinterpret_cast<const unsigned char*>(message.data()), message.size(), out, &out_len);
  return std::string(reinterpret_cast<const char*>(out), out_len);
}

bool proofs_equal(std::string_view a, std::string_view b) {
  return a.size() == b.size() && CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

}  // namespace fleet::cluster
