// Reconciling a returning node's inventory with the namespace: every verdict
// a reported file can get, pending changes, and generations.
#include <gtest/gtest.h>

#include <limits>

#include "store_fixture.hpp"

namespace fleet::meta {
namespace {

using Names = std::vector<std::string>;
using Kind = NodeOp::Kind;
using Policy = UnknownFilePolicy;

class InventoryTest : public testing::StoreTest {
 protected:
  // One whole inventory of `node`: begin, one batch, end. Returns the batch's
  // verdicts; the copies the end forgot go to `lost_`.
  ReconcileResult inventory(const std::string& node, const std::vector<InventoryItem>& items,
                            Policy policy = Policy::Adopt) {
    const std::int64_t gen = store_->begin_inventory(node);
    ReconcileResult r = store_->reconcile_batch(node, gen, items, policy);
    lost_ = store_->end_inventory(node, gen);
    return r;
  }
  ReconcileResult batch(const std::string& node, std::int64_t gen, const std::vector<InventoryItem>& items,
                        Policy policy = Policy::Adopt) {
    return store_->reconcile_batch(node, gen, items, policy);
  }

  Names lost_;
};

InventoryItem item(const std::string& path, std::uint64_t size = 10, std::int64_t mtime = 5000) {
  return InventoryItem{path, size, mtime};
}

void expect_counts(const ReconcileResult& r, std::size_t known, std::size_t adopted, std::size_t conflicts,
                   std::size_t skipped) {
  EXPECT_EQ(r.known, known);
  EXPECT_EQ(r.adopted, adopted);
  EXPECT_EQ(r.conflicts, conflicts);
  EXPECT_EQ(r.skipped, skipped);
}

// --- generations ---

TEST_F(InventoryTest, GenerationsCountUpPerNodeAndSurviveReopen) {
  EXPECT_EQ(store_->begin_inventory("n1"), 1);
  EXPECT_EQ(store_->begin_inventory("n1"), 2);
  EXPECT_EQ(store_->begin_inventory("n2"), 1);
  reopen();
  EXPECT_EQ(store_->begin_inventory("n1"), 3);
  EXPECT_EQ(store_->begin_inventory("n2"), 2);
}

// --- known files ---

TEST_F(InventoryTest, KnownFileKeepsItsCopy) {
  ASSERT_EQ(mkdir("/d"), Status::Ok);
  ASSERT_EQ(put("/d/f", 10, "n1"), Status::Ok);
  auto r = inventory("n1", {item("/d/f")});
  expect_counts(r, 1, 0, 0, 0);
  EXPECT_TRUE(r.quarantine.empty());
  EXPECT_TRUE(lost_.empty());
  EXPECT_EQ(nodes("/d/f"), Names{"n1"});
}

TEST_F(InventoryTest, KnownFileOnAnotherNodeGainsACopy) {
  ASSERT_EQ(put("/f", 10, "n1"), Status::Ok);
  auto r = inventory("n2", {item("/f")});
  expect_counts(r, 1, 0, 0, 0);
  EXPECT_EQ(nodes("/f"), (Names{"n1", "n2"}));
  // The entry itself is untouched: reporting a copy is not an upload.
  auto f = store_->lookup("/f");
  EXPECT_EQ(f->mtime, 2000);
  EXPECT_EQ(f->owner, "alice");
  EXPECT_TRUE(f->has_crc);
}

TEST_F(InventoryTest, EndForgetsCopiesTheNodeNoLongerHas) {
  ASSERT_EQ(mkdir("/d"), Status::Ok);
  ASSERT_EQ(put("/d/kept", 10, "n1"), Status::Ok);
  ASSERT_EQ(put("/d/shared", 10, "n1"), Status::Ok);
  ASSERT_EQ(store_->add_copy("/d/shared", "n2"), Status::Ok);
  ASSERT_EQ(put("/only-here", 10, "n1"), Status::Ok);
  ASSERT_EQ(put("/other-node", 10, "n2"), Status::Ok);

  auto r = inventory("n1", {item("/d/kept")});
  expect_counts(r, 1, 0, 0, 0);
  EXPECT_EQ(lost_, (Names{"/d/shared", "/only-here"}));
  EXPECT_EQ(nodes("/d/kept"), Names{"n1"});
  EXPECT_EQ(nodes("/d/shared"), Names{"n2"});
  EXPECT_EQ(nodes("/other-node"), Names{"n2"});
  // A file whose last copy went stays in the namespace, with none.
  ASSERT_TRUE(store_->lookup("/only-here"));
  EXPECT_EQ(nodes("/only-here"), Names{});
}

TEST_F(InventoryTest, EachReconnectJudgesOnlyItsOwnReports) {
  ASSERT_EQ(put("/a", 10, "n1"), Status::Ok);
  ASSERT_EQ(put("/b", 10, "n1"), Status::Ok);
  ASSERT_EQ(put("/c", 10, "n1"), Status::Ok);

  // First return: everything is there.
  expect_counts(inventory("n1", {item("/a"), item("/b"), item("/c")}), 3, 0, 0, 0);
  EXPECT_TRUE(lost_.empty());
  // Second return: /b was seen last time but not now, so it is gone.
  expect_counts(inventory("n1", {item("/a"), item("/c")}), 2, 0, 0, 0);
  EXPECT_EQ(lost_, Names{"/b"});
  EXPECT_EQ(nodes("/b"), Names{});
  // Third return with an empty disk.
  expect_counts(inventory("n1", {}), 0, 0, 0, 0);
  EXPECT_EQ(lost_, (Names{"/a", "/c"}));
  EXPECT_TRUE(store_->node_usage().empty());
}

TEST_F(InventoryTest, SeveralBatchesMakeOneInventory) {
  for (int i = 0; i < 6; ++i) ASSERT_EQ(put("/f" + std::to_string(i), 10, "n1"), Status::Ok);
  const auto gen = store_->begin_inventory("n1");
  expect_counts(batch("n1", gen, {item("/f0"), item("/f1")}), 2, 0, 0, 0);
  expect_counts(batch("n1", gen, {item("/f2"), item("/f3")}), 2, 0, 0, 0);
  expect_counts(batch("n1", gen, {item("/f5"), item("/new")}), 1, 1, 0, 0);
  EXPECT_EQ(store_->end_inventory("n1", gen), Names{"/f4"});
  EXPECT_EQ(store_->end_inventory("n1", gen), Names{});  // nothing left to forget
}

TEST_F(InventoryTest, AnInterruptedInventoryChangesNothing) {
  ASSERT_EQ(put("/a", 10, "n1"), Status::Ok);
  ASSERT_EQ(put("/b", 10, "n1"), Status::Ok);
  const auto old_gen = store_->begin_inventory("n1");
  expect_counts(batch("n1", old_gen, {item("/a")}), 1, 0, 0, 0);
  // The node reconnected and started over; late work of the old inventory is void.
  const auto gen = store_->begin_inventory("n1");
  EXPECT_GT(gen, old_gen);
  auto late = batch("n1", old_gen, {item("/b"), item("/unknown")});
  expect_counts(late, 0, 0, 0, 0);
  EXPECT_TRUE(late.quarantine.empty());
  EXPECT_FALSE(store_->lookup("/unknown"));
  EXPECT_TRUE(store_->end_inventory("n1", old_gen).empty());
  EXPECT_EQ(nodes("/a"), Names{"n1"});
  EXPECT_EQ(nodes("/b"), Names{"n1"});
  // A generation that was never begun is void as well.
  expect_counts(batch("n1", gen + 1, {item("/unknown")}), 0, 0, 0, 0);
  EXPECT_TRUE(store_->end_inventory("n9", 1).empty());

  expect_counts(batch("n1", gen, {item("/b")}), 1, 0, 0, 0);
  EXPECT_EQ(store_->end_inventory("n1", gen), Names{"/a"});
}

TEST_F(InventoryTest, CopiesRecordedDuringAnInventoryAreNotForgotten) {
  ASSERT_EQ(put("/old", 10, "n1"), Status::Ok);
  ASSERT_EQ(put("/replica", 10, "n2"), Status::Ok);
  const auto gen = store_->begin_inventory("n1");
  expect_counts(batch("n1", gen, {item("/old")}), 1, 0, 0, 0);
  // An upload and a replica land on n1 after its disk walk passed them by.
  ASSERT_EQ(put("/uploaded", 10, "n1"), Status::Ok);
  ASSERT_EQ(store_->add_copy("/replica", "n1"), Status::Ok);
  EXPECT_TRUE(store_->end_inventory("n1", gen).empty());
  EXPECT_EQ(nodes("/uploaded"), Names{"n1"});
  EXPECT_EQ(nodes("/replica"), (Names{"n1", "n2"}));
}

// --- unknown files ---

TEST_F(InventoryTest, AdoptionCreatesTheFileAndItsParents) {
  ASSERT_EQ(mkdir("/existing"), Status::Ok);
  auto r = inventory("n1", {item("/x/y/z.bin", 1234, 777), item("/existing/new/f", 5, 888)});
  expect_counts(r, 0, 2, 0, 0);
  EXPECT_TRUE(r.quarantine.empty());
  EXPECT_TRUE(lost_.empty());

  for (const char* dir : {"/x", "/x/y", "/existing/new"}) {
    auto d = store_->lookup(dir);
    ASSERT_TRUE(d) << dir;
    EXPECT_TRUE(d->is_dir);
    EXPECT_EQ(d->owner, "ftp");
  }
  EXPECT_EQ(store_->lookup("/x")->mtime, 777);
  EXPECT_EQ(store_->lookup("/existing")->owner, "alice");  // existing directories are left alone

  auto f = store_->lookup("/x/y/z.bin");
  ASSERT_TRUE(f);
  EXPECT_FALSE(f->is_dir);
  EXPECT_EQ(f->size, 1234u);
  EXPECT_EQ(f->mtime, 777);
  EXPECT_EQ(f->owner, "ftp");
  EXPECT_FALSE(f->has_crc);
  EXPECT_EQ(f->nodes, Names{"n1"});
  auto refs = store_->files_on_node_batch("n1", 0, 10);
  ASSERT_EQ(refs.size(), 2u);
  EXPECT_EQ(refs[0].path, "/x/y/z.bin");
  EXPECT_EQ(refs[0].replicas, 1);

  // Adopted copies are ordinary copies from then on.
  expect_counts(inventory("n1", {item("/x/y/z.bin", 1234)}), 1, 0, 0, 0);
  EXPECT_EQ(lost_, Names{"/existing/new/f"});
}

TEST_F(InventoryTest, AdoptionSharesParentsMadeEarlierInTheBatch) {
  auto r = inventory("n1", {item("/p/a"), item("/p/b"), item("/p/q/c"), item("/p/a", 10), item("/p/a", 11)});
  // The repeated report is the file just adopted; the third disagrees with it.
  expect_counts(r, 1, 3, 1, 0);
  EXPECT_EQ(r.quarantine, Names{"/p/a"});
  EXPECT_EQ(names("/p"), (Names{"a", "b", "q"}));
}

TEST_F(InventoryTest, QuarantinePolicyLeavesTheNamespaceAlone) {
  ASSERT_EQ(put("/known", 10, "n1"), Status::Ok);
  auto r = inventory("n1", {item("/known"), item("/u1"), item("/dir/u2")}, Policy::Quarantine);
  expect_counts(r, 1, 0, 0, 0);
  EXPECT_EQ(r.quarantine, (Names{"/u1", "/dir/u2"}));
  EXPECT_FALSE(store_->lookup("/u1"));
  EXPECT_FALSE(store_->lookup("/dir"));
  EXPECT_EQ(names("/"), Names{"known"});
}

// --- conflicts ---

TEST_F(InventoryTest, SizeMismatchIsAConflict) {
  ASSERT_EQ(put("/f", 10, "n1"), Status::Ok);
  ASSERT_EQ(store_->add_copy("/f", "n2"), Status::Ok);
  auto r = inventory("n1", {item("/f", 11)});
  expect_counts(r, 0, 0, 1, 0);
  EXPECT_EQ(r.quarantine, Names{"/f"});
  // The node's copy is not the file, so it is no longer recorded.
  EXPECT_EQ(lost_, Names{"/f"});
  EXPECT_EQ(nodes("/f"), Names{"n2"});
  EXPECT_EQ(store_->lookup("/f")->size, 10u);
}

TEST_F(InventoryTest, SizeMismatchOnAnotherNodesFileAddsNoCopy) {
  ASSERT_EQ(put("/f", 10, "n1"), Status::Ok);
  auto r = inventory("n2", {item("/f", 0)});
  expect_counts(r, 0, 0, 1, 0);
  EXPECT_EQ(r.quarantine, Names{"/f"});
  EXPECT_EQ(nodes("/f"), Names{"n1"});
}

TEST_F(InventoryTest, DirectoryAtTheReportedPathIsAConflict) {
  ASSERT_EQ(mkdir("/d"), Status::Ok);
  for (Policy policy : {Policy::Adopt, Policy::Quarantine}) {
    auto r = inventory("n1", {item("/d")}, policy);
    expect_counts(r, 0, 0, 1, 0);
    EXPECT_EQ(r.quarantine, Names{"/d"});
    EXPECT_TRUE(store_->lookup("/d")->is_dir);
  }
}

TEST_F(InventoryTest, FileAboveTheReportedPathIsAConflict) {
  ASSERT_EQ(mkdir("/d"), Status::Ok);
  ASSERT_EQ(put("/d/f", 10, "n1"), Status::Ok);
  for (Policy policy : {Policy::Adopt, Policy::Quarantine}) {
    auto r = inventory("n2", {item("/d/f/below"), item("/d/f/deeper/still")}, policy);
    expect_counts(r, 0, 0, 2, 0);
    EXPECT_EQ(r.quarantine, (Names{"/d/f/below", "/d/f/deeper/still"}));
  }
  EXPECT_FALSE(store_->lookup("/d/f")->is_dir);
}

TEST_F(InventoryTest, ANameThatIsBothFileAndDirectoryInOneBatch) {
  // Only a damaged report can say this; the first word wins and the rest
  // conflict, without failing the batch.
  auto r = inventory("n1", {item("/p/q"), item("/p")});
  expect_counts(r, 0, 1, 1, 0);
  EXPECT_EQ(r.quarantine, Names{"/p"});
  auto r2 = inventory("n2", {item("/s"), item("/s/t")});
  expect_counts(r2, 0, 1, 1, 0);
  EXPECT_EQ(r2.quarantine, Names{"/s/t"});
}

TEST_F(InventoryTest, ADirectoryLookedUpAsMissingCanStillBeAdoptedAsAFile) {
  // The rename's new name makes the batch look at "/s" as a directory (not
  // there); then "/s" itself is reported as a file and adopted, and a report
  // below it must see a file, not try to create "/s" again.
  store_->enqueue_node_op("n1", Kind::Rename, "/x", "/s/t");
  auto r = inventory("n1", {item("/x"), item("/s"), item("/s/u")});
  expect_counts(r, 0, 1, 1, 1);
  EXPECT_EQ(r.quarantine, Names{"/s/u"});
  EXPECT_FALSE(store_->lookup("/s")->is_dir);
}

TEST_F(InventoryTest, PathsTheNamespaceCannotHoldAreIgnored) {
  const std::string long_name(256, 'x');
  auto r = inventory("n1", {item("relative"), item(""), item("/"), item("/a//b"), item("/a/"), item("/a/./b"),
                            item("/a/../b"), item("/cr\rlf"), item(std::string("/nul\0x", 6)),
                            item("/bad\xff utf8"), item("/" + long_name), item("/ok/" + long_name)});
  expect_counts(r, 0, 0, 0, 0);
  EXPECT_TRUE(r.quarantine.empty());
  EXPECT_EQ(names("/"), Names{});
  // The longest name allowed is fine.
  expect_counts(inventory("n1", {item("/" + std::string(255, 'y'))}), 0, 1, 0, 0);
}

// --- pending changes ---

TEST_F(InventoryTest, PendingDeleteSkipsThePath) {
  ASSERT_EQ(put("/gone", 10, "n1"), Status::Ok);
  ASSERT_EQ(store_->remove_file("/gone", nullptr), Status::Ok);
  store_->enqueue_node_op("n1", Kind::Delete, "/gone", "");
  auto r = inventory("n1", {item("/gone"), item("/gone-not")});
  expect_counts(r, 0, 1, 0, 1);
  EXPECT_FALSE(store_->lookup("/gone"));  // not adopted back
  EXPECT_TRUE(store_->lookup("/gone-not"));
  // Another node's queue does not apply.
  expect_counts(inventory("n2", {item("/gone")}), 0, 1, 0, 0);
}

TEST_F(InventoryTest, PendingDeleteOfAFileUploadedAgainElsewhere) {
  ASSERT_EQ(put("/f", 10, "n1"), Status::Ok);
  ASSERT_EQ(store_->remove_file("/f", nullptr), Status::Ok);
  store_->enqueue_node_op("n1", Kind::Delete, "/f", "");
  ASSERT_EQ(put("/f", 10, "n2"), Status::Ok);
  // Same name and size, but the node's bytes are the deleted file.
  expect_counts(inventory("n1", {item("/f")}), 0, 0, 0, 1);
  EXPECT_EQ(nodes("/f"), Names{"n2"});
}

TEST_F(InventoryTest, PendingRenameSkipsOldAndNewNamesAndKeepsTheCopy) {
  ASSERT_EQ(put("/old", 10, "n1"), Status::Ok);
  ASSERT_EQ(store_->rename("/old", "/new", nullptr), Status::Ok);
  store_->enqueue_node_op("n1", Kind::Rename, "/old", "/new");

  auto r = inventory("n1", {item("/old")});
  expect_counts(r, 0, 0, 0, 1);
  // The replay will move the node's file to /new, so its copy stays recorded.
  EXPECT_TRUE(lost_.empty());
  EXPECT_EQ(nodes("/new"), Names{"n1"});
  EXPECT_FALSE(store_->lookup("/old"));

  // A file already under the new name on the node is also left to the replay.
  auto r2 = inventory("n1", {item("/old"), item("/new")});
  expect_counts(r2, 0, 0, 0, 2);
  EXPECT_TRUE(lost_.empty());
}

TEST_F(InventoryTest, PendingRenameOnlyKeepsACopyThatStillMatches) {
  ASSERT_EQ(put("/old", 10, "n1"), Status::Ok);
  ASSERT_EQ(store_->rename("/old", "/new", nullptr), Status::Ok);
  store_->enqueue_node_op("n1", Kind::Rename, "/old", "/new");
  // The node reports a different size under the old name: not that file.
  expect_counts(inventory("n1", {item("/old", 99)}), 0, 0, 0, 1);
  EXPECT_EQ(lost_, Names{"/new"});
}

TEST_F(InventoryTest, PendingRenameOfADirectorySkipsEverythingBelowIt) {
  ASSERT_EQ(mkdir("/d"), Status::Ok);
  ASSERT_EQ(mkdir("/d/sub"), Status::Ok);
  ASSERT_EQ(put("/d/sub/f", 10, "n1"), Status::Ok);
  ASSERT_EQ(put("/d/g", 20, "n1"), Status::Ok);
  ASSERT_EQ(store_->rename("/d", "/e", nullptr), Status::Ok);
  store_->enqueue_node_op("n1", Kind::Rename, "/d", "/e");
  // Then /e/g moved on again, also while the node was away.
  ASSERT_EQ(store_->rename("/e/g", "/h", nullptr), Status::Ok);
  store_->enqueue_node_op("n1", Kind::Rename, "/e/g", "/h");

  auto r = inventory("n1", {item("/d/sub/f"), item("/d/g", 20), item("/d/unknown"), item("/dd/f")});
  expect_counts(r, 0, 1, 0, 3);
  EXPECT_TRUE(lost_.empty());
  EXPECT_EQ(nodes("/e/sub/f"), Names{"n1"});
  EXPECT_EQ(nodes("/h"), Names{"n1"});
  EXPECT_FALSE(store_->lookup("/d"));
  EXPECT_TRUE(store_->lookup("/dd/f"));  // "/dd" is not below "/d"
}

TEST_F(InventoryTest, RenamedThenDeletedIsNotKept) {
  ASSERT_EQ(put("/a", 10, "n1"), Status::Ok);
  ASSERT_EQ(store_->rename("/a", "/b", nullptr), Status::Ok);
  store_->enqueue_node_op("n1", Kind::Rename, "/a", "/b");
  ASSERT_EQ(put("/b", 10, "n2"), Status::Ok);  // overwritten elsewhere: n1's copy is dropped
  expect_counts(inventory("n1", {item("/a")}), 0, 0, 0, 1);
  EXPECT_EQ(nodes("/b"), Names{"n2"});

  store_->enqueue_node_op("n1", Kind::Delete, "/b", "");
  expect_counts(inventory("n1", {item("/a")}), 0, 0, 0, 1);
  EXPECT_EQ(nodes("/b"), Names{"n2"});
}

TEST_F(InventoryTest, PendingRemoveDirSkipsEverythingBelowIt) {
  store_->enqueue_node_op("n1", Kind::RemoveDir, "/gone", "");
  auto r = inventory("n1", {item("/gone/a"), item("/gone/deep/er/b"), item("/gonex/f")});
  expect_counts(r, 0, 1, 0, 2);
  EXPECT_FALSE(store_->lookup("/gone"));
  EXPECT_TRUE(store_->lookup("/gonex/f"));
}

TEST_F(InventoryTest, AcknowledgedOpsNoLongerSkip) {
  store_->enqueue_node_op("n1", Kind::Delete, "/f", "");
  expect_counts(inventory("n1", {item("/f")}), 0, 0, 0, 1);
  for (const auto& op : store_->node_ops("n1", 10)) store_->ack_node_op(op.seq);
  expect_counts(inventory("n1", {item("/f")}), 0, 1, 0, 0);
}

TEST_F(InventoryTest, OpsQueuedDuringTheInventoryApplyToLaterBatches) {
  ASSERT_EQ(put("/a", 10, "n1"), Status::Ok);
  ASSERT_EQ(put("/b", 10, "n1"), Status::Ok);
  const auto gen = store_->begin_inventory("n1");
  expect_counts(batch("n1", gen, {item("/a")}), 1, 0, 0, 0);
  ASSERT_EQ(store_->remove_file("/b", nullptr), Status::Ok);
  store_->enqueue_node_op("n1", Kind::Delete, "/b", "");
  expect_counts(batch("n1", gen, {item("/b")}), 0, 0, 0, 1);
  EXPECT_TRUE(store_->end_inventory("n1", gen).empty());
}

}  // namespace
}  // namespace fleet::meta
