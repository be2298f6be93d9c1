#include "meta/path_parts.hpp"

#include <gtest/gtest.h>

namespace fleet::meta {
namespace {

using Parts = std::vector<std::string_view>;

TEST(SplitPath, RootHasNoComponents) { EXPECT_EQ(split_path("/"), Parts{}); }

TEST(SplitPath, SplitsComponents) {
  EXPECT_EQ(split_path("/a"), (Parts{"a"}));
  EXPECT_EQ(split_path("/a/b c/d"), (Parts{"a", "b c", "d"}));
}

TEST(SplitPath, SkipsEmptyComponents) { EXPECT_EQ(split_path("//a///b/"), (Parts{"a", "b"})); }

TEST(SplitPath, RefusesRelativeAndDotComponents) {
  EXPECT_EQ(split_path(""), std::nullopt);
  EXPECT_EQ(split_path("a/b"), std::nullopt);
  EXPECT_EQ(split_path("/a/./b"), std::nullopt);
  EXPECT_EQ(split_path("/a/.."), std::nullopt);
  EXPECT_EQ(split_path("/..."), (Parts{"..."}));  // just a name
}

TEST(IsStrictlyBelow, ComparesWholeComponents) {
  EXPECT_TRUE(is_strictly_below(Parts{"a", "b"}, Parts{"a"}));
  EXPECT_TRUE(is_strictly_below(Parts{"a"}, Parts{}));
  EXPECT_FALSE(is_strictly_below(Parts{"a"}, Parts{"a"}));
  EXPECT_FALSE(is_strictly_below(Parts{"ab", "c"}, Parts{"a"}));
  EXPECT_FALSE(is_strictly_below(Parts{"a"}, Parts{"a", "b"}));
}

}  // namespace
}  // namespace fleet::meta
