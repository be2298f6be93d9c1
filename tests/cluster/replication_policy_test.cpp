#include "cluster/replication_policy.hpp"

#include <gtest/gtest.h>

namespace fleet::cluster {
namespace {

TEST(ReplicationPolicy, DefaultWhenNoRuleMatches) {
  ReplicationPolicy p;
  EXPECT_EQ(p.copies_for("/pub/a.iso"), 1);
  p.default_copies = 3;
  p.rules = {{"/archive/**", 2}};
  EXPECT_EQ(p.copies_for("/pub/a.iso"), 3);
}

TEST(ReplicationPolicy, FirstMatchingRuleWins) {
  ReplicationPolicy p;
  p.default_copies = 1;
  p.rules = {{"/archive/tmp/**", 1}, {"/archive/**", 3}, {"/**/*.iso", 2}};
  EXPECT_EQ(p.copies_for("/archive/tmp/x.iso"), 1);
  EXPECT_EQ(p.copies_for("/archive/x.iso"), 3);
  EXPECT_EQ(p.copies_for("/archive"), 3);
  EXPECT_EQ(p.copies_for("/pub/x.iso"), 2);
  EXPECT_EQ(p.copies_for("/pub/x.txt"), 1);
}

}  // namespace
}  // namespace fleet::cluster
