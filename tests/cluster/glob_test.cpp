#include "cluster/glob.hpp"

#include <gtest/gtest.h>

#include <string>

namespace fleet::cluster {
namespace {

TEST(Glob, LiteralPatternsMatchExactlyAndCaseSensitively) {
  EXPECT_TRUE(glob_match("/pub/a.iso", "/pub/a.iso"));
  EXPECT_FALSE(glob_match("/pub/a.iso", "/pub/A.iso"));
  EXPECT_FALSE(glob_match("/pub/a.iso", "/pub/a.iso2"));
  EXPECT_FALSE(glob_match("/pub/a.iso", "/pub/a.is"));
  EXPECT_TRUE(glob_match("", ""));
  EXPECT_FALSE(glob_match("", "/"));
}

TEST(Glob, StarStaysWithinOneComponent) {
  EXPECT_TRUE(glob_match("/pub/*.iso", "/pub/a.iso"));
  EXPECT_TRUE(glob_match("/pub/*.iso", "/pub/.iso"));
  EXPECT_FALSE(glob_match("/pub/*.iso", "/pub/x/a.iso"));
  EXPECT_FALSE(glob_match("/pub/*", "/pub/x/a"));
  EXPECT_TRUE(glob_match("/pub/*", "/pub/"));
  EXPECT_TRUE(glob_match("/*/a", "/pub/a"));
  EXPECT_FALSE(glob_match("/*/a", "/pub/x/a"));
}

TEST(Glob, DoubleStarCrossesDirectories) {
  EXPECT_TRUE(glob_match("/pub/**.iso", "/pub/x/y/a.iso"));
  EXPECT_TRUE(glob_match("/pub/**.iso", "/pub/a.iso"));
  EXPECT_FALSE(glob_match("/pub/**.iso", "/pub/a.iso.part"));
  EXPECT_TRUE(glob_match("/**", "/"));
  EXPECT_TRUE(glob_match("/**", "/any/depth/at/all"));
  EXPECT_TRUE(glob_match("/a***b", "/a/x/b"));  // a longer run of stars is still "**"
}

TEST(Glob, TrailingDoubleStarAlsoMatchesTheDirectoryItself) {
  EXPECT_TRUE(glob_match("/a/**", "/a"));
  EXPECT_TRUE(glob_match("/a/**", "/a/"));
  EXPECT_TRUE(glob_match("/a/**", "/a/b"));
  EXPECT_TRUE(glob_match("/a/**", "/a/b/c/d"));
  EXPECT_FALSE(glob_match("/a/**", "/ab"));
  EXPECT_FALSE(glob_match("/a/**", "/"));
  EXPECT_FALSE(glob_match("/a/**", "/b/a"));
  EXPECT_TRUE(glob_match("/a*/**", "/abc"));
  EXPECT_TRUE(glob_match("/a*/**", "/abc/d"));
  EXPECT_FALSE(glob_match("/a*/**", "/b/abc"));
}

TEST(Glob, SlashDoubleStarSlashMatchesZeroOrMoreDirectories) {
  EXPECT_TRUE(glob_match("/a/**/b", "/a/b"));
  EXPECT_TRUE(glob_match("/a/**/b", "/a/x/b"));
  EXPECT_TRUE(glob_match("/a/**/b", "/a/x/y/b"));
  EXPECT_FALSE(glob_match("/a/**/b", "/a/xb"));
  EXPECT_FALSE(glob_match("/a/**/b", "/a/x/yb"));
  EXPECT_FALSE(glob_match("/a/**/b", "/ab"));
  EXPECT_TRUE(glob_match("/**/*.iso", "/x.iso"));
  EXPECT_TRUE(glob_match("/**/*.iso", "/a/b/x.iso"));
  EXPECT_FALSE(glob_match("/**/*.iso", "/a/b/x.iso.part"));
}

TEST(Glob, QuestionMarkIsOneCharacterOtherThanSlash) {
  EXPECT_TRUE(glob_match("/a?c", "/abc"));
  EXPECT_FALSE(glob_match("/a?c", "/ac"));
  EXPECT_FALSE(glob_match("/a?c", "/abbc"));
  EXPECT_FALSE(glob_match("/a?c", "/a/c"));
}

TEST(Glob, Sets) {
  EXPECT_TRUE(glob_match("/[abc].txt", "/b.txt"));
  EXPECT_FALSE(glob_match("/[abc].txt", "/d.txt"));
  EXPECT_TRUE(glob_match("/disk[0-9]/x", "/disk7/x"));
  EXPECT_FALSE(glob_match("/disk[0-9]/x", "/diskA/x"));
  EXPECT_TRUE(glob_match("/[a-cx-z]", "/y"));
  EXPECT_FALSE(glob_match("/[a-cx-z]", "/m"));
  EXPECT_TRUE(glob_match("/[!a]", "/b"));
  EXPECT_FALSE(glob_match("/[!a]", "/a"));
  EXPECT_TRUE(glob_match("/[^a]", "/b"));
  EXPECT_TRUE(glob_match("/[]x]", "/]"));   // a leading ']' is a member
  EXPECT_TRUE(glob_match("/[a-]", "/-"));   // a trailing '-' is a member
  EXPECT_FALSE(glob_match("/a[!x]b", "/a/b"));  // no set matches '/'
  EXPECT_FALSE(glob_match("/a[/]b", "/a/b"));
}

TEST(Glob, UnclosedBracketIsLiteral) {
  EXPECT_TRUE(glob_match("/a[b", "/a[b"));
  EXPECT_FALSE(glob_match("/a[b", "/ab"));
}

TEST(Glob, BackslashEscapes) {
  EXPECT_TRUE(glob_match("/a\\*b", "/a*b"));
  EXPECT_FALSE(glob_match("/a\\*b", "/axb"));
  EXPECT_TRUE(glob_match("/\\[x]", "/[x]"));
}

TEST(Glob, NoExponentialBlowUp) {
  // Backtracking would try about C(4000, 10) splits here before failing.
  const std::string path = "/" + std::string(4000, 'a');
  EXPECT_FALSE(glob_match("/*a*a*a*a*a*a*a*a*a*a*b", path));
  EXPECT_FALSE(glob_match("/**a**a**a**a**a**a**a**a**b", path));
  EXPECT_TRUE(glob_match("/*a*a*a*a*a*a*a*a*a*a*a", path));
}

}  // namespace
}  // namespace fleet::cluster
