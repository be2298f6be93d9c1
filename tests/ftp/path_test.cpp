#include "ftp/path.hpp"

#include <gtest/gtest.h>

#include <string>

namespace fleet::ftp {
namespace {

using namespace std::string_literals;

std::string resolved(std::string_view cwd, std::string_view arg) {
  auto p = resolve_path(cwd, arg);
  EXPECT_TRUE(p.has_value()) << "cwd=" << cwd << " arg=" << arg;
  return p.value_or("<rejected>");
}

TEST(ResolvePath, RelativeAndAbsolute) {
  EXPECT_EQ(resolved("/", "a"), "/a");
  EXPECT_EQ(resolved("/a", "b"), "/a/b");
  EXPECT_EQ(resolved("/a", "b/c"), "/a/b/c");
  EXPECT_EQ(resolved("/a", "/b"), "/b");
  EXPECT_EQ(resolved("/a/b", "/"), "/");
}

TEST(ResolvePath, EmptyAndDotMeanCwd) {
  EXPECT_EQ(resolved("/a/b", ""), "/a/b");
  EXPECT_EQ(resolved("/a/b", "."), "/a/b");
  EXPECT_EQ(resolved("/a/b", "./"), "/a/b");
  EXPECT_EQ(resolved("/", ""), "/");
}

TEST(ResolvePath, DotDotGoesUp) {
  EXPECT_EQ(resolved("/a/b", ".."), "/a");
  EXPECT_EQ(resolved("/a/b", "../c"), "/a/c");
  EXPECT_EQ(resolved("/a/b", "./../c/./d/.."), "/a/c");
}

TEST(ResolvePath, SlashesCollapseAndTrailingSlashGoes) {
  EXPECT_EQ(resolved("/", "a//b///c"), "/a/b/c");
  EXPECT_EQ(resolved("/", "a/"), "/a");
  EXPECT_EQ(resolved("/", "//"), "/");
  EXPECT_EQ(resolved("/x", "//a"), "/a");
}

TEST(ResolvePath, TraversalIsClampedAtRoot) {
  EXPECT_EQ(resolved("/", ".."), "/");
  EXPECT_EQ(resolved("/", "../../etc/passwd"), "/etc/passwd");
  EXPECT_EQ(resolved("/home/u", "../../../../etc/passwd"), "/etc/passwd");
  EXPECT_EQ(resolved("/", "/..//../x"), "/x");
  EXPECT_EQ(resolved("/a", "b/../../.."), "/");
  EXPECT_EQ(resolved("/a", "/../../a/../../b"), "/b");
}

TEST(ResolvePath, DotLikeNamesAreOrdinary) {
  EXPECT_EQ(resolved("/", "..."), "/...");
  EXPECT_EQ(resolved("/", "..a"), "/..a");
  EXPECT_EQ(resolved("/", ".hidden"), "/.hidden");
  EXPECT_EQ(resolved("/a", ". ."), "/a/. .");
}

TEST(ResolvePath, BackslashIsAnOrdinaryCharacter) {
  EXPECT_EQ(resolved("/", "..\\..\\etc\\passwd"), "/..\\..\\etc\\passwd");
  EXPECT_EQ(resolved("/a", "b\\..\\c"), "/a/b\\..\\c");
}

TEST(ResolvePath, SpacesArePartOfNames) {
  EXPECT_EQ(resolved("/", " a b "), "/ a b ");
  EXPECT_EQ(resolved("/", "dir /file "), "/dir /file ");
}

TEST(ResolvePath, RejectsNul) {
  EXPECT_FALSE(resolve_path("/", "a\0b"s));
  EXPECT_FALSE(resolve_path("/", "../\0"s));
  EXPECT_FALSE(resolve_path("/", "\0"s));
}

TEST(ResolvePath, RejectsLineBreaksThatCouldForgeListingLines) {
  EXPECT_FALSE(resolve_path("/", "evil\r\n-rw-r--r-- 1 root root 0 Jan 01 00:00 fake"));
  EXPECT_FALSE(resolve_path("/", "a\nb"));
  EXPECT_FALSE(resolve_path("/", "a\rb"));
}

TEST(ResolvePath, ComponentLengthLimit) {
  const std::string max_name(kMaxNameBytes, 'n');
  EXPECT_EQ(resolved("/", max_name), "/" + max_name);
  EXPECT_FALSE(resolve_path("/", max_name + "n"));
  EXPECT_FALSE(resolve_path("/", "a/" + max_name + "n/b"));
  // Even a component removed again by ".." must not be oversized.
  EXPECT_FALSE(resolve_path("/", max_name + "n/.."));
}

TEST(ResolvePath, TotalLengthLimit) {
  const std::string name(kMaxNameBytes, 'n');
  std::string arg;
  // 16 * ("/" + 255 bytes) is exactly 4096 bytes.
  for (int i = 0; i < 16; ++i) arg += "/" + name;
  ASSERT_EQ(arg.size(), kMaxPathBytes);
  EXPECT_EQ(resolved("/", arg), arg);
  EXPECT_FALSE(resolve_path("/", arg + "/x"));
  // The limit applies to the joined result, including the cwd part.
  EXPECT_FALSE(resolve_path(arg, "x"));
  EXPECT_EQ(resolved(arg, ".."), arg.substr(0, arg.size() - 256));
}

TEST(ResolvePath, LengthLimitAppliesToTheResult) {
  // Longer than the limit on the way, short at the end.
  const std::string name(200, 'n');
  std::string arg;
  for (int i = 0; i < 30; ++i) arg += name + "/";
  for (int i = 0; i < 29; ++i) arg += "../";
  EXPECT_EQ(resolved("/", arg), "/" + name);
}

TEST(ResolvePath, AcceptsValidUtf8) {
  EXPECT_EQ(resolved("/", "\xC3\xBC" "ber/\xE6\x97\xA5\xE6\x9C\xAC/\xF0\x9F\x98\x80"),
            "/\xC3\xBC" "ber/\xE6\x97\xA5\xE6\x9C\xAC/\xF0\x9F\x98\x80");
  EXPECT_TRUE(resolve_path("/", "\xC2\x80"));          // U+0080, smallest 2-byte
  EXPECT_TRUE(resolve_path("/", "\xE0\xA0\x80"));      // U+0800, smallest 3-byte
  EXPECT_TRUE(resolve_path("/", "\xED\x9F\xBF"));      // U+D7FF, just below surrogates
  EXPECT_TRUE(resolve_path("/", "\xEE\x80\x80"));      // U+E000, just above surrogates
  EXPECT_TRUE(resolve_path("/", "\xF0\x90\x80\x80"));  // U+10000, smallest 4-byte
  EXPECT_TRUE(resolve_path("/", "\xF4\x8F\xBF\xBF"));  // U+10FFFF, the last code point
}

TEST(ResolvePath, RejectsOverlongEncodings) {
  // Overlong "/" and ".." are classic ways past naive traversal filters.
  EXPECT_FALSE(resolve_path("/", "\xC0\xAF" "etc"));
  EXPECT_FALSE(resolve_path("/", "\xC0\xAE\xC0\xAE/etc"));
  EXPECT_FALSE(resolve_path("/", "\xC1\xBF"));
  EXPECT_FALSE(resolve_path("/", "\xE0\x80\xAF"));
  EXPECT_FALSE(resolve_path("/", "\xE0\x9F\xBF"));
  EXPECT_FALSE(resolve_path("/", "\xF0\x80\x80\xAF"));
  EXPECT_FALSE(resolve_path("/", "\xF0\x8F\xBF\xBF"));
}

TEST(ResolvePath, RejectsSurrogatesAndOutOfRange) {
  EXPECT_FALSE(resolve_path("/", "\xED\xA0\x80"));      // U+D800
  EXPECT_FALSE(resolve_path("/", "\xED\xBF\xBF"));      // U+DFFF
  EXPECT_FALSE(resolve_path("/", "\xF4\x90\x80\x80"));  // U+110000
  EXPECT_FALSE(resolve_path("/", "\xF5\x80\x80\x80"));
  EXPECT_FALSE(resolve_path("/", "\xFF"));
  EXPECT_FALSE(resolve_path("/", "\xFE"));
}

TEST(ResolvePath, RejectsMalformedSequences) {
  EXPECT_FALSE(resolve_path("/", "\x80"));              // stray continuation
  EXPECT_FALSE(resolve_path("/", "a\xBF" "b"));
  EXPECT_FALSE(resolve_path("/", "\xE6\x97"));          // truncated at the end
  EXPECT_FALSE(resolve_path("/", "\xE6\x97/x"));        // truncated mid-string
  EXPECT_FALSE(resolve_path("/", "\xC3"));
  EXPECT_FALSE(resolve_path("/", "\xF0\x9F\x98"));
  EXPECT_FALSE(resolve_path("/", "\xC3\xC3\xBC"));      // lead where continuation expected
  EXPECT_FALSE(resolve_path("/", "\xF0\x9F\x98\x41"));  // ASCII as 4th byte
}

TEST(PathHelpers, ParentPath) {
  EXPECT_EQ(parent_path("/a/b"), "/a");
  EXPECT_EQ(parent_path("/a"), "/");
  EXPECT_EQ(parent_path("/"), "/");
  EXPECT_EQ(parent_path("/a/b/c"), "/a/b");
}

TEST(PathHelpers, BaseName) {
  EXPECT_EQ(base_name("/a/b"), "b");
  EXPECT_EQ(base_name("/a"), "a");
  EXPECT_EQ(base_name("/"), "");
  EXPECT_EQ(base_name("/a/with space.txt"), "with space.txt");
}

TEST(PathHelpers, JoinPath) {
  EXPECT_EQ(join_path("/", "x"), "/x");
  EXPECT_EQ(join_path("/a", "x"), "/a/x");
  EXPECT_EQ(join_path("/a/b", "c d"), "/a/b/c d");
}

TEST(PathHelpers, JoinThenSplitRoundTrips) {
  for (const char* dir : {"/", "/a", "/a/b"}) {
    const std::string joined = join_path(dir, "name");
    EXPECT_EQ(parent_path(joined), dir);
    EXPECT_EQ(base_name(joined), "name");
  }
}

TEST(PathHelpers, Quote257) {
  EXPECT_EQ(quote_257("/"), "\"/\"");
  EXPECT_EQ(quote_257("/usr/dm"), "\"/usr/dm\"");
  // RFC 959 appendix II: embedded quotes are doubled.
  EXPECT_EQ(quote_257("/a\"b"), "\"/a\"\"b\"");
  EXPECT_EQ(quote_257("/\"\""), "\"/\"\"\"\"\"");
}

}  // namespace
}  // namespace fleet::ftp
