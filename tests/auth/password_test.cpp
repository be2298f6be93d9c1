#include "auth/password.hpp"

#include <gtest/gtest.h>

#include <set>
#include <string>

namespace fleet::auth {
namespace {

TEST(Password, HashVerifies) {
  std::string hash = hash_password("correct horse");
  EXPECT_EQ(hash.rfind("$argon2id$", 0), 0u) << hash;
  EXPECT_TRUE(verify_password(hash, "correct horse"));
}

TEST(Password, WrongPasswordFails) {
  std::string hash = hash_password("correct horse");
  EXPECT_FALSE(verify_password(hash, "correct horse "));
  EXPECT_FALSE(verify_password(hash, "Correct horse"));
  EXPECT_FALSE(verify_password(hash, ""));
}

TEST(Password, SaltedSoEqualPasswordsHashDifferently) {
  std::string a = hash_password("same");
  std::string b = hash_password("same");
  EXPECT_NE(a, b);
  EXPECT_TRUE(verify_password(a, "same"));
  EXPECT_TRUE(verify_password(b, "same"));
}

TEST(Password, EmptyAndBinaryPasswords) {
  EXPECT_TRUE(verify_password(hash_password(""), ""));
  const std::string binary("a\0b", 3);
  std::string hash = hash_password(binary);
  EXPECT_TRUE(verify_password(hash, binary));
  EXPECT_FALSE(verify_password(hash, "a"));  // the NUL does not end the password
}

TEST(Password, MalformedHashNeverMatches) {
  std::string hash = hash_password("pw");
  EXPECT_FALSE(verify_password("", "pw"));
  EXPECT_FALSE(verify_password("pw", "pw"));
  EXPECT_FALSE(verify_password("$argon2id$garbage", "pw"));
  EXPECT_FALSE(verify_password(hash.substr(0, hash.size() - 5), "pw"));
  EXPECT_FALSE(verify_password(hash + std::string(1, '\0') + "tail", "pw"));
  EXPECT_FALSE(verify_password(hash + std::string(200, 'x'), "pw"));
}

TEST(Password, RandomPasswordShape) {
  std::set<std::string> seen;
  for (int i = 0; i < 50; ++i) {
    std::string p = random_password();
    ASSERT_EQ(p.size(), 16u);
    for (char c : p) {
      ASSERT_TRUE((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) << p;
    }
    seen.insert(p);
  }
  EXPECT_EQ(seen.size(), 50u);
}

}  // namespace
}  // namespace fleet::auth
