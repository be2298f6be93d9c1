// What the store keeps about nodes themselves: the changes waiting for an
// offline node, and operator flags.
#include <gtest/gtest.h>

#include <limits>

#include "store_fixture.hpp"

namespace fleet::meta {
namespace {

using testing::StoreTest;
using Kind = NodeOp::Kind;

constexpr std::size_t kAll = std::numeric_limits<std::size_t>::max();

// --- node op queue ---

TEST_F(StoreTest, NodeOpsComeBackOldestFirstPerNode) {
  store_->enqueue_node_op("n1", Kind::Delete, "/a", "");
  store_->enqueue_node_op("n2", Kind::Delete, "/other", "");
  store_->enqueue_node_op("n1", Kind::Rename, "/b", "/c");
  store_->enqueue_node_op("n1", Kind::RemoveDir, "/d", "");

  auto ops = store_->node_ops("n1", 10);
  ASSERT_EQ(ops.size(), 3u);
  EXPECT_EQ(ops[0].kind, Kind::Delete);
  EXPECT_EQ(ops[0].path, "/a");
  EXPECT_EQ(ops[0].path2, "");
  EXPECT_EQ(ops[0].node, "n1");
  EXPECT_EQ(ops[1].kind, Kind::Rename);
  EXPECT_EQ(ops[1].path, "/b");
  EXPECT_EQ(ops[1].path2, "/c");
  EXPECT_EQ(ops[2].kind, Kind::RemoveDir);
  EXPECT_EQ(ops[2].path, "/d");
  EXPECT_LT(ops[0].seq, ops[1].seq);
  EXPECT_LT(ops[1].seq, ops[2].seq);

  auto first_two = store_->node_ops("n1", 2);
  ASSERT_EQ(first_two.size(), 2u);
  EXPECT_EQ(first_two[1].seq, ops[1].seq);
  EXPECT_TRUE(store_->node_ops("n1", 0).empty());
  ASSERT_EQ(store_->node_ops("n2", kAll).size(), 1u);
  EXPECT_EQ(store_->node_ops("n2", kAll)[0].path, "/other");
  EXPECT_TRUE(store_->node_ops("n3", kAll).empty());
}

TEST_F(StoreTest, AckRemovesOneOpOnly) {
  store_->enqueue_node_op("n1", Kind::Delete, "/a", "");
  store_->enqueue_node_op("n1", Kind::Delete, "/b", "");
  auto ops = store_->node_ops("n1", kAll);
  ASSERT_EQ(ops.size(), 2u);
  store_->ack_node_op(ops[0].seq);
  auto left = store_->node_ops("n1", kAll);
  ASSERT_EQ(left.size(), 1u);
  EXPECT_EQ(left[0].path, "/b");
  store_->ack_node_op(ops[0].seq);  // a repeated acknowledgement changes nothing
  store_->ack_node_op(123456);
  EXPECT_EQ(store_->node_ops("n1", kAll).size(), 1u);
}

TEST_F(StoreTest, NodeOpsSurviveReopenAndSequenceNumbersAreNeverReused) {
  store_->enqueue_node_op("n1", Kind::Rename, "/x", "/y");
  store_->enqueue_node_op("n1", Kind::Delete, "/z", "");
  auto ops = store_->node_ops("n1", kAll);
  ASSERT_EQ(ops.size(), 2u);
  // Acknowledging the newest must not let the next op take its number: a
  // late duplicate acknowledgement would then remove the wrong op.
  store_->ack_node_op(ops[1].seq);
  reopen();
  store_->enqueue_node_op("n1", Kind::Delete, "/w", "");
  auto after = store_->node_ops("n1", kAll);
  ASSERT_EQ(after.size(), 2u);
  EXPECT_EQ(after[0].seq, ops[0].seq);
  EXPECT_EQ(after[0].path2, "/y");
  EXPECT_GT(after[1].seq, ops[1].seq);
  EXPECT_EQ(after[1].path, "/w");
}

// --- node flags ---

TEST_F(StoreTest, NodeFlagsAreIndependentBooleans) {
  EXPECT_FALSE(store_->node_flag("n1", "draining"));
  store_->set_node_flag("n1", "draining", true);
  store_->set_node_flag("n1", "draining", true);  // setting twice is fine
  EXPECT_TRUE(store_->node_flag("n1", "draining"));
  EXPECT_FALSE(store_->node_flag("n2", "draining"));
  EXPECT_FALSE(store_->node_flag("n1", "other"));
  store_->set_node_flag("n1", "draining", false);
  EXPECT_FALSE(store_->node_flag("n1", "draining"));
  store_->set_node_flag("n1", "never-set", false);  // clearing an unset flag is fine
  EXPECT_FALSE(store_->node_flag("n1", "never-set"));
}

TEST_F(StoreTest, NodeFlagsPersistAcrossReopen) {
  store_->set_node_flag("n1", "draining", true);
  store_->set_node_flag("n2", "draining", true);
  store_->set_node_flag("n2", "draining", false);
  reopen();
  EXPECT_TRUE(store_->node_flag("n1", "draining"));
  EXPECT_FALSE(store_->node_flag("n2", "draining"));
}

}  // namespace
}  // namespace fleet::meta
