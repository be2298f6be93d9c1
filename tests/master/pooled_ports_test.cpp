#include "master/pooled_ports.hpp"

#include <gtest/gtest.h>

namespace fleet::master {
namespace {

TEST(PooledPorts, GivesEachPortOnceInTheOrderTheyCame) {
  PooledPorts pool;
  pool.add(30001);
  pool.add(30002);
  EXPECT_EQ(pool.size(), 2u);
  EXPECT_EQ(pool.take(), 30001);
  pool.add(30003);  // the replacement of a used one
  EXPECT_EQ(pool.take(), 30002);
  EXPECT_EQ(pool.take(), 30003);
  EXPECT_FALSE(pool.take());
}

TEST(PooledPorts, IgnoresPortsThatCannotBe) {
  PooledPorts pool;
  pool.add(0);
  pool.add(65536);
  pool.add(4000000000u);
  pool.add(2000);
  pool.add(2000);  // said twice
  EXPECT_EQ(pool.size(), 1u);
  EXPECT_EQ(pool.take(), 2000);
  EXPECT_FALSE(pool.take());
}

TEST(PooledPorts, HasASizeLimit) {
  PooledPorts pool;
  for (std::uint32_t p = 1; p <= PooledPorts::kMaxPorts + 50; ++p) pool.add(p);
  EXPECT_EQ(pool.size(), PooledPorts::kMaxPorts);
}

}  // namespace
}  // namespace fleet::master
