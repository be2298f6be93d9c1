// How pending changes for a node map the paths its inventory reports.
#include "meta/pending_ops.hpp"

#include <gtest/gtest.h>

namespace fleet::meta {
namespace {

using Kind = NodeOp::Kind;

NodeOp op(Kind kind, std::string path, std::string path2 = "") {
  NodeOp o;
  o.kind = kind;
  o.path = std::move(path);
  o.path2 = std::move(path2);
  return o;
}

TEST(PendingOps, NothingPendingTouchesNothing) {
  PendingOps ops({});
  EXPECT_TRUE(ops.empty());
  EXPECT_FALSE(ops.touches("/a"));
  EXPECT_FALSE(ops.after_replay("/a"));
}

TEST(PendingOps, TouchesNamedPathsAndWhatLiesBelowThem) {
  PendingOps ops({op(Kind::Delete, "/f"), op(Kind::Rename, "/old", "/new/place"), op(Kind::RemoveDir, "/d/e")});
  EXPECT_FALSE(ops.empty());
  for (const char* p : {"/f", "/old", "/old/x/y", "/new/place", "/new/place/z", "/d/e", "/d/e/f/g"}) {
    EXPECT_TRUE(ops.touches(p)) << p;
  }
  for (const char* p : {"/ff", "/f2/x", "/olde", "/new", "/new/placed", "/d", "/d/ee", "/x/f"}) {
    EXPECT_FALSE(ops.touches(p)) << p;
  }
}

TEST(PendingOps, AfterReplayFollowsRenamesInOrder) {
  PendingOps ops({op(Kind::Rename, "/a", "/b"), op(Kind::Rename, "/b/sub", "/c"), op(Kind::Delete, "/b/gone")});
  EXPECT_EQ(ops.after_replay("/a"), "/b");
  EXPECT_EQ(ops.after_replay("/a/x"), "/b/x");
  EXPECT_EQ(ops.after_replay("/a/sub/f"), "/c/f");
  EXPECT_EQ(ops.after_replay("/b/sub/f"), "/c/f");  // moved by the second rename alone
  EXPECT_FALSE(ops.after_replay("/a/gone"));         // moved, then deleted
  EXPECT_FALSE(ops.after_replay("/b/gone"));
  EXPECT_FALSE(ops.after_replay("/ab"));             // not below "/a"
  EXPECT_FALSE(ops.after_replay("/untouched"));
}

TEST(PendingOps, AfterReplayOfARemovedDirectory) {
  PendingOps ops({op(Kind::RemoveDir, "/d"), op(Kind::Rename, "/x", "/d/x")});
  EXPECT_FALSE(ops.after_replay("/d/f"));
  // Renamed into a directory after that directory was removed and made again.
  EXPECT_EQ(ops.after_replay("/x"), "/d/x");
}

}  // namespace
}  // namespace fleet::meta
