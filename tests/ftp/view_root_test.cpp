// ViewRoot: the mapping between a client's paths and the namespace for a
// session confined to one directory (anonymous logins), and the identity view
// of password users.
#include "ftp/view_root.hpp"

#include <gtest/gtest.h>

#include <string>

#include "ftp/path.hpp"

namespace fleet::ftp {
namespace {

TEST(ViewRootTest, TheDefaultViewIsTheIdentity) {
  const ViewRoot v;
  EXPECT_TRUE(v.is_identity());
  EXPECT_EQ(v.to_vfs("/a/b"), "/a/b");
  EXPECT_EQ(v.to_client("/a/b"), "/a/b");
  EXPECT_EQ(v.to_client("/"), "/");
  EXPECT_EQ(v.resolve("/a", "b"), "/a/b");
  EXPECT_EQ(v.resolve("/a", "../../.."), "/");
  EXPECT_TRUE(v.contains("/anything"));
}

TEST(ViewRootTest, ClientPathsMapBelowTheRoot) {
  const ViewRoot v("/pub");
  EXPECT_FALSE(v.is_identity());
  EXPECT_EQ(v.to_vfs("/"), "/pub");
  EXPECT_EQ(v.to_vfs("/a"), "/pub/a");
  EXPECT_EQ(v.to_vfs("/a/b c"), "/pub/a/b c");
}

TEST(ViewRootTest, NamespacePathsMapBackForReplies) {
  const ViewRoot v("/pub/ftp");
  EXPECT_EQ(v.to_client("/pub/ftp"), "/");
  EXPECT_EQ(v.to_client("/pub/ftp/x"), "/x");
  EXPECT_EQ(v.to_client("/pub/ftp/x/y"), "/x/y");
}

TEST(ViewRootTest, PathsOutsideTheRootNeverShow) {
  const ViewRoot v("/pub");
  // A sibling that merely starts with the root's name is outside it.
  EXPECT_FALSE(v.contains("/public"));
  EXPECT_EQ(v.to_client("/public/x"), "/");
  EXPECT_FALSE(v.contains("/"));
  EXPECT_EQ(v.to_client("/"), "/");
  EXPECT_EQ(v.to_client("/etc/passwd"), "/");
  EXPECT_TRUE(v.contains("/pub"));
  EXPECT_TRUE(v.contains("/pub/a"));
}

TEST(ViewRootTest, DotDotClampsAtTheClientsRoot) {
  const ViewRoot v("/pub");
  EXPECT_EQ(v.resolve("/pub", ".."), "/pub");
  EXPECT_EQ(v.resolve("/pub", "../../etc"), "/pub/etc");
  EXPECT_EQ(v.resolve("/pub/a/b", "../../../.."), "/pub");
  EXPECT_EQ(v.resolve("/pub/a", ".."), "/pub");
  EXPECT_EQ(v.resolve("/pub/a", "./x/../y"), "/pub/a/y");
}

TEST(ViewRootTest, AbsoluteArgumentsAreInTheClientsView) {
  const ViewRoot v("/pub");
  EXPECT_EQ(v.resolve("/pub/a", "/"), "/pub");
  EXPECT_EQ(v.resolve("/pub/a", "/etc/passwd"), "/pub/etc/passwd");
  EXPECT_EQ(v.resolve("/pub/a", "/pub"), "/pub/pub");
  EXPECT_EQ(v.resolve("/pub", "file.txt"), "/pub/file.txt");
}

TEST(ViewRootTest, BadArgumentsStayRefused) {
  const ViewRoot v("/pub");
  EXPECT_FALSE(v.resolve("/pub", std::string("a\0b", 3)));
  EXPECT_FALSE(v.resolve("/pub", "a\r\nDELE x"));
  EXPECT_FALSE(v.resolve("/pub", std::string(300, 'x')));
  // Within the client's limit, but too long once the root is in front.
  std::string deep;
  for (int i = 0; i < 40; ++i) deep += "/" + std::string(99, 'a');
  deep += "/" + std::string(kMaxPathBytes - 1 - deep.size() - 1, 'b');  // one byte short of the limit
  ASSERT_TRUE(resolve_path("/", deep));
  EXPECT_FALSE(v.resolve("/pub", deep));
}

TEST(ViewRootTest, RoundTrips) {
  const ViewRoot v("/srv/anon");
  for (const char* client : {"/", "/a", "/a/b", "/x y/z"}) EXPECT_EQ(v.to_client(v.to_vfs(client)), client);
}

}  // namespace
}  // namespace fleet::ftp
