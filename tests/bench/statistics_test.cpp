#include "bench/statistics.hpp"

#include <gtest/gtest.h>

namespace fleet::bench {
namespace {

TEST(Median, OddEvenEmpty) {
  EXPECT_DOUBLE_EQ(median({3, 1, 2}), 2);
  EXPECT_DOUBLE_EQ(median({5, 1, 2, 4}), 3);
  EXPECT_DOUBLE_EQ(median({7}), 7);
  EXPECT_DOUBLE_EQ(median({}), 0);
}

TEST(Median, OneOutlierDoesNotMoveIt) {
  EXPECT_DOUBLE_EQ(median({100, 101, 3}), 100);
  EXPECT_DOUBLE_EQ(median({100, 101, 1e9}), 101);
}

TEST(MinMax, Basics) {
  EXPECT_DOUBLE_EQ(minimum({3, -1, 2}), -1);
  EXPECT_DOUBLE_EQ(maximum({3, -1, 2}), 3);
  EXPECT_DOUBLE_EQ(minimum({}), 0);
}

TEST(RatioOrZero, ZeroDenominator) {
  EXPECT_DOUBLE_EQ(ratio_or_zero(1, 0), 0);
  EXPECT_DOUBLE_EQ(ratio_or_zero(3, 2), 1.5);
}

}  // namespace
}  // namespace fleet::bench
