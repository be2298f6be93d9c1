// CountHeld: a gauge raised by a guard is lowered on every way out of its
// scope (return, exception, early release, move into a longer-lived owner),
// exactly once.
#include <gtest/gtest.h>

#include <optional>
#include <stdexcept>
#include <utility>
#include <vector>

#include "master/stats.hpp"

namespace fleet::master {
namespace {

TEST(CountHeldTest, AScopeHoldsTheGaugeUntilItEnds) {
  MasterStats stats;
  {
    CountHeld session(stats.sessions_active);
    EXPECT_EQ(stats.sessions_active, 1u);
    CountHeld another(stats.sessions_active);
    EXPECT_EQ(stats.sessions_active, 2u);
  }
  EXPECT_EQ(stats.sessions_active, 0u);
}

TEST(CountHeldTest, AnExceptionReleasesTheGauge) {
  MasterStats stats;
  auto failing_command = [&] {
    CountHeld session(stats.sessions_active);
    throw std::runtime_error("database is locked");
  };
  EXPECT_THROW(failing_command(), std::runtime_error);
  EXPECT_EQ(stats.sessions_active, 0u);
}

TEST(CountHeldTest, AnEarlyReleaseLowersOnce) {
  MasterStats stats;
  {
    CountHeld anonymous(stats.anonymous_active);
    anonymous.release();
    EXPECT_EQ(stats.anonymous_active, 0u);
    EXPECT_FALSE(anonymous.held());
    anonymous.release();
  }
  EXPECT_EQ(stats.anonymous_active, 0u);
}

TEST(CountHeldTest, AMovedGuardIsReleasedByItsNewOwnerOnly) {
  MasterStats stats;
  std::vector<CountHeld> owners;
  {
    CountHeld taken(stats.sessions_active);
    owners.push_back(std::move(taken));
    EXPECT_FALSE(taken.held());  // NOLINT(bugprone-use-after-move): the point of the test
  }
  EXPECT_EQ(stats.sessions_active, 1u);
  std::optional<CountHeld> slot;
  slot.emplace(stats.sessions_active);
  EXPECT_EQ(stats.sessions_active, 2u);
  *slot = std::move(owners.back());  // the slot's own hold is released first
  EXPECT_EQ(stats.sessions_active, 1u);
  owners.clear();
  EXPECT_EQ(stats.sessions_active, 1u);
  slot.reset();
  EXPECT_EQ(stats.sessions_active, 0u);
}

}  // namespace
}  // namespace fleet::master
