// Which reported paths can be files of the namespace.
#include "meta/inventory_path.hpp"

#include "ftp/path.hpp"

#include <gtest/gtest.h>

#include <string>

namespace fleet::meta {
namespace {

TEST(InventoryPath, AcceptsNormalizedFilePaths) {
  for (const std::string p : {"/a", "/a/b", "/a b/c d", "/.hidden", "/a/..b", "/x...", "/ü/日本", "/\xF0\x9F\x98\x80"}) {
    EXPECT_TRUE(is_inventory_file_path(p)) << p;
  }
  EXPECT_TRUE(is_inventory_file_path("/" + std::string(ftp::kMaxNameBytes, 'n')));
  std::string longest;
  while (longest.size() + 101 <= ftp::kMaxPathBytes) {
    longest += '/';
    longest.append(100, 'p');
  }
  longest += '/';
  longest.append(ftp::kMaxPathBytes - longest.size(), 'q');
  ASSERT_EQ(longest.size(), ftp::kMaxPathBytes);
  EXPECT_TRUE(is_inventory_file_path(longest));
  EXPECT_FALSE(is_inventory_file_path(longest + "r"));
}

TEST(InventoryPath, RefusesWhatTheNamespaceCannotHold) {
  for (const std::string p : {"", "/", "a", "a/b", "//a", "/a//b", "/a/", "/./a", "/a/.", "/a/../b", "/..",
                              "/cr\r", "/lf\n", "/bad\xC3", "/overlong\xC0\xAF", "/surrogate\xED\xA0\x80",
                              "/beyond\xF4\x90\x80\x80", "/stray\x80"}) {
    EXPECT_FALSE(is_inventory_file_path(p)) << p;
  }
  EXPECT_FALSE(is_inventory_file_path(std::string("/nul\0byte", 9)));
  EXPECT_FALSE(is_inventory_file_path("/" + std::string(ftp::kMaxNameBytes + 1, 'n')));
}

}  // namespace
}  // namespace fleet::meta
