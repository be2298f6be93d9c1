// Crc32 must give exactly zlib's crc32(): the master compares the values
// nodes report with those recorded before, and scrub compares copies.
#include "node/crc32.hpp"

#include <gtest/gtest.h>
#include <zlib.h>

#include <string>

namespace fleet::node {
namespace {

std::uint32_t zlib_crc(const std::string& s) {
  return static_cast<std::uint32_t>(
      ::crc32(::crc32(0L, Z_NULL, 0), reinterpret_cast<const Bytef*>(s.data()), static_cast<uInt>(s.size())));
}

TEST(Crc32Test, StandardCheckValue) {
  Crc32 c;
  c.update(std::string_view("123456789"));
  EXPECT_EQ(c.value(), 0xCBF43926u);
}

TEST(Crc32Test, EmptyInputIsZero) {
  Crc32 c;
  c.update(std::string_view());
  EXPECT_EQ(c.value(), 0u);
}

TEST(Crc32Test, PiecesGiveTheSameValueAsTheWhole) {
  std::string data;
  for (int i = 0; i < 300'000; ++i) data.push_back(static_cast<char>((i * 131) ^ (i >> 7)));
  Crc32 whole;
  whole.update(data);
  Crc32 pieces;
  // Odd piece sizes cross every alignment the vector code cares about.
  for (std::size_t at = 0, step = 1; at < data.size(); at += step, step = step * 3 % 65'521 + 1)
    pieces.update(std::string_view(data).substr(at, step));
  EXPECT_EQ(whole.value(), zlib_crc(data));
  EXPECT_EQ(pieces.value(), whole.value());
}

}  // namespace
}  // namespace fleet::node
