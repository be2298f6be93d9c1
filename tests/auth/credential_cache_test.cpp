#include "auth/credential_cache.hpp"

#include <gtest/gtest.h>

namespace fleet::auth {
namespace {

using namespace std::chrono_literals;
const auto t0 = CredentialCache::Clock::time_point{} + 1000s;

TEST(CredentialCache, RemembersTheRightPasswordUntilItExpires) {
  CredentialCache cache(60s);
  EXPECT_FALSE(cache.recently_verified("alice", "secret", "$hash1", t0));
  cache.remember("alice", "secret", "$hash1", t0);
  EXPECT_TRUE(cache.recently_verified("alice", "secret", "$hash1", t0 + 59s));
  EXPECT_FALSE(cache.recently_verified("alice", "secret", "$hash1", t0 + 60s));
}

TEST(CredentialCache, AnotherPasswordUserOrStoredHashDoesNotMatch) {
  CredentialCache cache(60s);
  cache.remember("alice", "secret", "$hash1", t0);
  EXPECT_FALSE(cache.recently_verified("alice", "Secret", "$hash1", t0));
  EXPECT_FALSE(cache.recently_verified("alice", "secret", "$hash2", t0));  // password changed since
  EXPECT_FALSE(cache.recently_verified("bob", "secret", "$hash1", t0));
  // Shifting bytes between the fields gives another key.
  cache.remember("ab", "c", "$h", t0);
  EXPECT_FALSE(cache.recently_verified("a", "bc", "$h", t0));
}

TEST(CredentialCache, ForgetAndDisabled) {
  CredentialCache cache(60s);
  cache.remember("alice", "secret", "$h", t0);
  cache.forget("alice");
  EXPECT_FALSE(cache.recently_verified("alice", "secret", "$h", t0));
  CredentialCache off(0s);
  off.remember("alice", "secret", "$h", t0);
  EXPECT_FALSE(off.recently_verified("alice", "secret", "$h", t0));
}

TEST(CredentialCache, CapacityDropsTheEntryClosestToExpiry) {
  CredentialCache cache(60s, 2);
  cache.remember("a", "p", "$h", t0);
  cache.remember("b", "p", "$h", t0 + 10s);
  cache.remember("c", "p", "$h", t0 + 20s);
  EXPECT_FALSE(cache.recently_verified("a", "p", "$h", t0 + 21s));
  EXPECT_TRUE(cache.recently_verified("b", "p", "$h", t0 + 21s));
  EXPECT_TRUE(cache.recently_verified("c", "p", "$h", t0 + 21s));
}

}  // namespace
}  // namespace fleet::auth
