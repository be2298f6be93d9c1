// Lists of strings handed to SQLite as one JSON parameter.
#include "meta/json_array.hpp"

#include <gtest/gtest.h>

#include "meta/sqlite_db.hpp"
#include "support/temp_dir.hpp"

namespace fleet::meta {
namespace {

TEST(JsonArray, Encodes) {
  EXPECT_EQ(json_string_array({}), "[]");
  EXPECT_EQ(json_string_array({"a"}), "[\"a\"]");
  EXPECT_EQ(json_string_array({"a", "", "b c"}), "[\"a\",\"\",\"b c\"]");
  EXPECT_EQ(json_string_array({"q\"b\\s"}), "[\"q\\\"b\\\\s\"]");
  EXPECT_EQ(json_string_array({"\x01\n\x1f"}), "[\"\\u0001\\u000a\\u001f\"]");
}

TEST(JsonArray, SqliteReadsBackTheSameStrings) {
  fleet::testing::TempDir dir;
  Database db(dir.file("json.sqlite"));
  const std::vector<std::string> items = {"plain", "q\"uote", "back\\slash", "ctl\x01\t\n", "ü日本", ""};
  Query q = db.query("SELECT value FROM json_each(?1) ORDER BY key");
  q.bind(json_string_array(items));
  std::vector<std::string> back;
  while (q.step()) back.push_back(q.text(0));
  EXPECT_EQ(back, items);
}

}  // namespace
}  // namespace fleet::meta
