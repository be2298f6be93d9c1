#include "auth/login_guard.hpp"

#include <gtest/gtest.h>

#include <string>

namespace fleet::auth {
namespace {

using std::chrono::seconds;
using TimePoint = LoginGuard::Clock::time_point;

// An arbitrary origin, so tests read as offsets in seconds.
TimePoint at(int s) { return TimePoint{} + std::chrono::hours(1000) + seconds(s); }

TEST(LoginGuard, BansAfterEnoughFailuresInTheWindow) {
  LoginGuard guard(3, seconds(60), seconds(300));
  EXPECT_FALSE(guard.record_failure("1.2.3.4", at(0)));
  EXPECT_FALSE(guard.record_failure("1.2.3.4", at(10)));
  EXPECT_FALSE(guard.is_banned("1.2.3.4", at(20)));
  EXPECT_TRUE(guard.record_failure("1.2.3.4", at(59)));
  EXPECT_TRUE(guard.is_banned("1.2.3.4", at(59)));
  EXPECT_FALSE(guard.is_banned("5.6.7.8", at(59)));  // per address
}

TEST(LoginGuard, BanExpiresAfterBanTime) {
  LoginGuard guard(2, seconds(60), seconds(300));
  guard.record_failure("ip", at(0));
  ASSERT_TRUE(guard.record_failure("ip", at(1)));
  EXPECT_TRUE(guard.is_banned("ip", at(300)));
  EXPECT_FALSE(guard.is_banned("ip", at(301)));
  // Counting starts over after a ban.
  EXPECT_FALSE(guard.record_failure("ip", at(302)));
  EXPECT_TRUE(guard.record_failure("ip", at(303)));
}

TEST(LoginGuard, FailuresWhileBannedDoNotExtendTheBan) {
  LoginGuard guard(1, seconds(60), seconds(100));
  ASSERT_TRUE(guard.record_failure("ip", at(0)));
  EXPECT_FALSE(guard.record_failure("ip", at(50)));
  EXPECT_FALSE(guard.record_failure("ip", at(99)));
  EXPECT_FALSE(guard.is_banned("ip", at(100)));
}

TEST(LoginGuard, WindowRestartsAfterItExpires) {
  LoginGuard guard(3, seconds(60), seconds(300));
  guard.record_failure("ip", at(0));
  guard.record_failure("ip", at(30));
  // The window that began at 0 is over: this failure starts a new one.
  EXPECT_FALSE(guard.record_failure("ip", at(60)));
  EXPECT_FALSE(guard.record_failure("ip", at(100)));
  EXPECT_FALSE(guard.is_banned("ip", at(100)));
  EXPECT_TRUE(guard.record_failure("ip", at(119)));
}

TEST(LoginGuard, SuccessClearsFailures) {
  LoginGuard guard(3, seconds(60), seconds(300));
  guard.record_failure("ip", at(0));
  guard.record_failure("ip", at(1));
  guard.record_success("ip");
  EXPECT_FALSE(guard.record_failure("ip", at(2)));
  EXPECT_FALSE(guard.record_failure("ip", at(3)));
  EXPECT_TRUE(guard.record_failure("ip", at(4)));
  guard.record_success("never-seen");  // harmless
}

TEST(LoginGuard, ZeroDisablesBanning) {
  LoginGuard guard(0, seconds(60), seconds(300));
  for (int i = 0; i < 100; ++i) EXPECT_FALSE(guard.record_failure("ip", at(i)));
  EXPECT_FALSE(guard.is_banned("ip", at(100)));
}

TEST(LoginGuard, FullTableDropsExpiredEntriesFirst) {
  LoginGuard guard(2, seconds(60), seconds(300), 3);
  guard.record_failure("old", at(0));     // window over at 60
  guard.record_failure("banned", at(0));
  ASSERT_TRUE(guard.record_failure("banned", at(1)));  // banned until 301
  guard.record_failure("recent", at(90));
  // Full at 100: "old" no longer matters and is the one forgotten.
  guard.record_failure("new", at(100));
  EXPECT_TRUE(guard.is_banned("banned", at(100)));
  EXPECT_TRUE(guard.record_failure("recent", at(101)));  // its count was kept
  EXPECT_TRUE(guard.record_failure("new", at(102)));
}

TEST(LoginGuard, FullTableThenDropsTheOldest) {
  LoginGuard guard(2, seconds(60), seconds(300), 3);
  guard.record_failure("a", at(0));
  guard.record_failure("b", at(10));
  guard.record_failure("c", at(20));
  // Nothing has expired at 30; "a" is the oldest and goes.
  guard.record_failure("d", at(30));
  EXPECT_FALSE(guard.record_failure("a", at(31)));  // forgotten: counts from one again
  // Adding "a" back made room by forgetting "b", the oldest then.
  EXPECT_FALSE(guard.record_failure("b", at(32)));
  EXPECT_TRUE(guard.record_failure("d", at(33)));  // "d" was kept throughout
}

TEST(LoginGuard, BannedEntriesOutliveIdleOnes) {
  LoginGuard guard(2, seconds(60), seconds(1000), 2);
  guard.record_failure("attacker", at(0));
  ASSERT_TRUE(guard.record_failure("attacker", at(1)));  // matters until 1001
  LoginGuard::Clock::time_point t = at(10);
  // A stream of new addresses must not flush the ban out.
  for (int i = 0; i < 20; ++i) {
    guard.record_failure("x" + std::to_string(i), t + seconds(i));
  }
  EXPECT_TRUE(guard.is_banned("attacker", at(100)));
}

}  // namespace
}  // namespace fleet::auth
