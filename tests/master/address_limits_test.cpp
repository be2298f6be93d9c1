#include "master/address_limits.hpp"

#include <gtest/gtest.h>

namespace fleet::master {
namespace {

using namespace std::chrono_literals;
using Verdict = AddressLimits::Verdict;
const auto t0 = AddressLimits::Clock::time_point{} + 1000s;

AddressLimits::Key key(const char* text) { return AddressLimits::key_for(asio::ip::make_address(text)); }

TEST(AddressLimits, RefusesPastTheSessionCapUntilOneEnds) {
  AddressLimits limits({.sessions_per_address = 2, .connections_per_second = 0});
  const auto a = key("192.0.2.7");
  EXPECT_EQ(limits.admit(a, t0).verdict, Verdict::Admitted);
  EXPECT_EQ(limits.admit(a, t0).verdict, Verdict::Admitted);
  EXPECT_EQ(limits.admit(a, t0).verdict, Verdict::TooManySessions);
  // Another address is not affected.
  EXPECT_EQ(limits.admit(key("192.0.2.8"), t0).verdict, Verdict::Admitted);
  limits.release(a, t0 + 1s);
  EXPECT_EQ(limits.sessions(a), 1u);
  EXPECT_EQ(limits.admit(a, t0 + 1s).verdict, Verdict::Admitted);
}

TEST(AddressLimits, OnlyTheFirstRefusalOfABurstIsToBeLogged) {
  AddressLimits limits({.sessions_per_address = 1, .connections_per_second = 0});
  const auto a = key("192.0.2.7");
  ASSERT_EQ(limits.admit(a, t0).verdict, Verdict::Admitted);
  EXPECT_TRUE(limits.admit(a, t0).first_refusal);
  EXPECT_FALSE(limits.admit(a, t0).first_refusal);
  EXPECT_FALSE(limits.admit(a, t0).first_refusal);
  limits.release(a, t0);
  // The admission that ends the burst reports its size; the next burst logs again.
  EXPECT_EQ(limits.admit(a, t0).refused_in_burst, 3u);
  EXPECT_TRUE(limits.admit(a, t0).first_refusal);
}

TEST(AddressLimits, MetersNewConnectionsPerSecond) {
  AddressLimits limits({.sessions_per_address = 0, .connections_per_second = 4});
  const auto a = key("192.0.2.7");
  for (int i = 0; i < 4; ++i) ASSERT_EQ(limits.admit(a, t0).verdict, Verdict::Admitted) << i;
  EXPECT_EQ(limits.admit(a, t0).verdict, Verdict::TooFast);
  EXPECT_EQ(limits.admit(a, t0 + 100ms).verdict, Verdict::TooFast);
  // A quarter of a second refills one connection, whether or not the others ended.
  EXPECT_EQ(limits.admit(a, t0 + 250ms).verdict, Verdict::Admitted);
  EXPECT_EQ(limits.admit(a, t0 + 260ms).verdict, Verdict::TooFast);
  // Waiting longer never saves up more than one second's worth.
  for (int i = 0; i < 4; ++i) ASSERT_EQ(limits.admit(a, t0 + 60s).verdict, Verdict::Admitted) << i;
  EXPECT_EQ(limits.admit(a, t0 + 60s).verdict, Verdict::TooFast);
}

TEST(AddressLimits, CountsIpv6ByItsSlash64AndIpv4MappedAsIpv4) {
  AddressLimits limits({.sessions_per_address = 1, .connections_per_second = 0});
  EXPECT_EQ(limits.admit(key("2001:db8:1:2::1"), t0).verdict, Verdict::Admitted);
  EXPECT_EQ(limits.admit(key("2001:db8:1:2:ffff::9"), t0).verdict, Verdict::TooManySessions);
  EXPECT_EQ(limits.admit(key("2001:db8:1:3::1"), t0).verdict, Verdict::Admitted);
  EXPECT_EQ(limits.admit(key("192.0.2.7"), t0).verdict, Verdict::Admitted);
  EXPECT_EQ(limits.admit(key("::ffff:192.0.2.7"), t0).verdict, Verdict::TooManySessions);
  EXPECT_EQ(AddressLimits::describe(key("2001:db8:1:2::1")), "2001:db8:1:2::/64");
  EXPECT_EQ(AddressLimits::describe(key("::ffff:192.0.2.7")), "192.0.2.7");
}

TEST(AddressLimits, ForgetsAddressesThatNoLongerMatter) {
  AddressLimits limits({.sessions_per_address = 5, .connections_per_second = 10});
  const auto a = key("192.0.2.7");
  ASSERT_EQ(limits.admit(a, t0).verdict, Verdict::Admitted);
  limits.release(a, t0);
  // Its bucket is not full yet: the entry still matters.
  EXPECT_EQ(limits.tracked(), 1u);
  // Once it is, the next sweep (on a later admission) forgets it.
  ASSERT_EQ(limits.admit(key("192.0.2.8"), t0 + 30s).verdict, Verdict::Admitted);
  EXPECT_EQ(limits.tracked(), 1u);
  EXPECT_EQ(limits.sessions(key("192.0.2.8")), 1u);
}

TEST(AddressLimits, StaysBoundedUnderAFloodOfAddresses) {
  AddressLimits limits({.sessions_per_address = 5, .connections_per_second = 10, .max_tracked = 64});
  const auto held = key("198.51.100.1");
  ASSERT_EQ(limits.admit(held, t0).verdict, Verdict::Admitted);
  for (int i = 0; i < 10000; ++i) {
    const std::string address = "10.0." + std::to_string(i / 256) + "." + std::to_string(i % 256);
    const auto k = key(address.c_str());
    ASSERT_EQ(limits.admit(k, t0).verdict, Verdict::Admitted);
    limits.release(k, t0);
    ASSERT_LE(limits.tracked(), 64u);
  }
  // The address with an open session was never forgotten.
  EXPECT_EQ(limits.sessions(held), 1u);
}

TEST(AddressLimits, NoLimitsKeepNoState) {
  AddressLimits limits({.sessions_per_address = 0, .connections_per_second = 0});
  for (int i = 0; i < 100; ++i) EXPECT_EQ(limits.admit(key("192.0.2.7"), t0).verdict, Verdict::Admitted);
  EXPECT_EQ(limits.tracked(), 0u);
}

}  // namespace
}  // namespace fleet::master
