#include "config/toml_reader.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <random>
#include <stdexcept>
#include <string>
#include <vector>

namespace fleet::config {
namespace {

// Writes test.toml into a fresh directory, removed after the test.
class TomlReaderTest : public ::testing::Test {
 protected:
  TomlReaderTest() {
    std::random_device rd;
    dir_ = std::filesystem::temp_directory_path() /
           ("fleetftp-toml-" + std::to_string(::getpid()) + "-" + std::to_string(rd()) + std::to_string(rd()));
    std::filesystem::create_directories(dir_);
  }
  ~TomlReaderTest() override {
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
  }

  TomlReader reader(const std::string& text) {
    const auto file = dir_ / "test.toml";
    std::ofstream(file) << text;
    return TomlReader(file);
  }

  std::filesystem::path dir_;
};

template <typename F>
std::string error_of(F&& f) {
  try {
    f();
  } catch (const std::runtime_error& e) {
    return e.what();
  }
  return "";
}

bool ends_with(const std::string& text, const std::string& tail) {
  return text.size() >= tail.size() && text.compare(text.size() - tail.size(), tail.size(), tail) == 0;
}

TEST_F(TomlReaderTest, SectionErrorsKeepTheirFormat) {
  auto r = reader("[ftp]\nport = 70000\n");
  int port = 21;
  const std::string e = error_of([&] { r.read_int("ftp", "port", port, 1, 65535); });
  EXPECT_TRUE(ends_with(e, "test.toml: [ftp] port must be an integer from 1 to 65535")) << e;
  EXPECT_EQ(port, 21);
}

TEST_F(TomlReaderTest, DottedSectionsAreNestedTables) {
  auto r = reader("[a.b]\nname = \"x\"\n[a]\nname = \"y\"\n");
  std::string nested, outer, missing = "default";
  r.read("a.b", "name", nested);
  r.read("a", "name", outer);
  r.read("a.c", "name", missing);
  EXPECT_EQ(nested, "x");
  EXPECT_EQ(outer, "y");
  EXPECT_EQ(missing, "default");
  EXPECT_TRUE(r.section("a.b").has("name"));
  EXPECT_FALSE(r.section("nope.b").has("name"));
}

TEST_F(TomlReaderTest, StringArrays) {
  auto r = reader("[s]\nlist = [\"a\", \"b\"]\nempty = []\nmixed = [\"a\", 1]\nscalar = \"a\"\n");
  std::vector<std::string> list, empty = {"keep?"}, absent = {"kept"};
  r.read_strings("s", "list", list);
  r.read_strings("s", "empty", empty);
  r.read_strings("s", "absent", absent);
  EXPECT_EQ(list, (std::vector<std::string>{"a", "b"}));
  EXPECT_TRUE(empty.empty());
  EXPECT_EQ(absent, (std::vector<std::string>{"kept"}));
  std::vector<std::string> out = {"untouched"};
  EXPECT_TRUE(ends_with(error_of([&] { r.read_strings("s", "mixed", out); }),
                        "test.toml: [s] mixed must be an array of strings, like [\"a\", \"b\"]"));
  EXPECT_TRUE(ends_with(error_of([&] { r.read_strings("s", "scalar", out); }),
                        "test.toml: [s] scalar must be an array of strings, like [\"a\", \"b\"]"));
  EXPECT_EQ(out, (std::vector<std::string>{"untouched"}));
}

TEST_F(TomlReaderTest, ArraysOfTablesInFileOrderWithNumberedErrors) {
  auto r = reader("[[x.item]]\nn = 1\n[[x.item]]\nn = 2\n[[top]]\nn = 3\n");
  auto items = r.tables("x.item");
  ASSERT_EQ(items.size(), 2u);
  int first = 0, second = 0, top = 0;
  items[0].read_int("n", first, 0, 10);
  items[1].read_int("n", second, 0, 10);
  EXPECT_EQ(first, 1);
  EXPECT_EQ(second, 2);
  auto tops = r.tables("top");
  ASSERT_EQ(tops.size(), 1u);
  tops[0].read_int("n", top, 0, 10);
  EXPECT_EQ(top, 3);
  EXPECT_TRUE(r.tables("x.none").empty());
  EXPECT_TRUE(r.tables("none.item").empty());
  EXPECT_TRUE(ends_with(error_of([&] { items[1].read_int("n", second, 5, 10); }),
                        "test.toml: [[x.item]] #2 n must be an integer from 5 to 10"));
  EXPECT_TRUE(ends_with(error_of([&] { items[0].fail_element("n", "odd"); }), "test.toml: [[x.item]] #1 n: odd"));
  EXPECT_TRUE(ends_with(error_of([&] { items[0].fail_table("is useless"); }), "test.toml: [[x.item]] #1 is useless"));
}

TEST_F(TomlReaderTest, ArrayOfTablesMustBeOne) {
  auto r = reader("[x]\nitem = 5\nlist = [1, 2]\n[y.item]\nn = 1\n");
  EXPECT_TRUE(ends_with(error_of([&] { r.tables("x.item"); }), "test.toml: x.item must be written as [[x.item]] tables"));
  EXPECT_TRUE(ends_with(error_of([&] { r.tables("x.list"); }), "test.toml: x.list must be written as [[x.list]] tables"));
  EXPECT_TRUE(ends_with(error_of([&] { r.tables("y.item"); }), "test.toml: y.item must be written as [[y.item]] tables"));
}

}  // namespace
}  // namespace fleet::config
