#include "ftp/ascii.hpp"

#include <gtest/gtest.h>

#include <random>
#include <string>
#include <vector>

namespace fleet::ftp {
namespace {

std::string encode_chunks(const std::vector<std::string>& chunks) {
  AsciiEncoder enc;
  std::string out;
  for (const auto& c : chunks) enc.encode(c, out);
  return out;
}

std::string decode_chunks(const std::vector<std::string>& chunks) {
  AsciiDecoder dec;
  std::string out;
  for (const auto& c : chunks) dec.decode(c, out);
  dec.finish(out);
  return out;
}

// Deterministic input rich in CR and LF, so every boundary case occurs.
std::string line_noise(std::size_t n, unsigned seed) {
  std::mt19937 rng(seed);
  const std::string alphabet = "ab\r\n\n\r";
  std::uniform_int_distribution<std::size_t> pick(0, alphabet.size() - 1);
  std::string s;
  for (std::size_t i = 0; i < n; ++i) s.push_back(alphabet[pick(rng)]);
  return s;
}

TEST(AsciiEncoder, LfBecomesCrlf) {
  EXPECT_EQ(encode_chunks({"a\nb\n"}), "a\r\nb\r\n");
  EXPECT_EQ(encode_chunks({"\n\n"}), "\r\n\r\n");
  EXPECT_EQ(encode_chunks({"no newline"}), "no newline");
  EXPECT_EQ(encode_chunks({""}), "");
}

TEST(AsciiEncoder, ExistingCrlfIsKept) {
  EXPECT_EQ(encode_chunks({"a\r\nb"}), "a\r\nb");
  EXPECT_EQ(encode_chunks({"\r\r\n"}), "\r\r\n");
}

TEST(AsciiEncoder, LoneCrIsKept) { EXPECT_EQ(encode_chunks({"a\rb\r"}), "a\rb\r"); }

TEST(AsciiEncoder, CrlfSplitAcrossChunks) {
  EXPECT_EQ(encode_chunks({"a\r", "\nb"}), "a\r\nb");
  EXPECT_EQ(encode_chunks({"a\r", "", "\nb"}), "a\r\nb");
}

TEST(AsciiEncoder, StateDoesNotLeakPastOneByte) {
  EXPECT_EQ(encode_chunks({"a\n", "\n"}), "a\r\n\r\n");
  EXPECT_EQ(encode_chunks({"a\r", "b", "\n"}), "a\rb\r\n");
}

TEST(AsciiEncoder, AppendsToOutput) {
  AsciiEncoder enc;
  std::string out = "prefix:";
  enc.encode("x\n", out);
  EXPECT_EQ(out, "prefix:x\r\n");
}

TEST(AsciiDecoder, CrlfBecomesLf) {
  EXPECT_EQ(decode_chunks({"a\r\nb\r\n"}), "a\nb\n");
  EXPECT_EQ(decode_chunks({"\r\n\r\n"}), "\n\n");
}

TEST(AsciiDecoder, LoneCrAndBareLfAreKept) {
  EXPECT_EQ(decode_chunks({"a\rb"}), "a\rb");
  EXPECT_EQ(decode_chunks({"a\nb"}), "a\nb");
  EXPECT_EQ(decode_chunks({"\r\r\n"}), "\r\n");
  EXPECT_EQ(decode_chunks({"\r\r\r"}), "\r\r\r");
}

TEST(AsciiDecoder, CrlfSplitAcrossChunks) {
  EXPECT_EQ(decode_chunks({"a\r", "\nb"}), "a\nb");
  EXPECT_EQ(decode_chunks({"a\r", "", "\nb"}), "a\nb");
  EXPECT_EQ(decode_chunks({"\r", "\r", "\n"}), "\r\n");
}

TEST(AsciiDecoder, CrAtChunkEndFollowedByOtherByte) { EXPECT_EQ(decode_chunks({"a\r", "b"}), "a\rb"); }

TEST(AsciiDecoder, HeldBackCrIsNotEmittedEarly) {
  AsciiDecoder dec;
  std::string out;
  dec.decode("abc\r", out);
  EXPECT_EQ(out, "abc");
  dec.decode("\n", out);
  EXPECT_EQ(out, "abc\n");
}

TEST(AsciiDecoder, FinishEmitsPendingCrOnce) {
  AsciiDecoder dec;
  std::string out;
  dec.decode("end\r", out);
  dec.finish(out);
  EXPECT_EQ(out, "end\r");
  dec.finish(out);
  EXPECT_EQ(out, "end\r");
}

TEST(AsciiDecoder, FinishWithoutPendingCrAddsNothing) {
  AsciiDecoder dec;
  std::string out;
  dec.decode("line\r\n", out);
  dec.finish(out);
  EXPECT_EQ(out, "line\n");
}

TEST(AsciiConversion, EveryChunkingGivesTheWholeResult) {
  const std::string input = line_noise(64, 7);
  const std::string encoded = encode_chunks({input});
  const std::string decoded = decode_chunks({input});
  for (std::size_t a = 0; a <= input.size(); ++a) {
    for (std::size_t b = a; b <= input.size(); ++b) {
      const std::vector<std::string> chunks = {input.substr(0, a), input.substr(a, b - a), input.substr(b)};
      ASSERT_EQ(encode_chunks(chunks), encoded) << "split at " << a << "," << b;
      ASSERT_EQ(decode_chunks(chunks), decoded) << "split at " << a << "," << b;
    }
  }
}

TEST(AsciiConversion, ByteAtATime) {
  const std::string input = line_noise(2000, 11);
  std::vector<std::string> bytes;
  for (char c : input) bytes.emplace_back(1, c);
  EXPECT_EQ(encode_chunks(bytes), encode_chunks({input}));
  EXPECT_EQ(decode_chunks(bytes), decode_chunks({input}));
}

TEST(AsciiConversion, UnixTextRoundTrips) {
  // Stored text without CRs survives the trip to the wire and back.
  std::string input = line_noise(5000, 3);
  std::erase(input, '\r');
  const std::string wire = encode_chunks({input});
  for (std::size_t i = 0; i < wire.size(); ++i) {
    if (wire[i] == '\n') {
      ASSERT_EQ(wire[i - 1], '\r') << "bare LF on the wire at " << i;
    }
  }
  EXPECT_EQ(decode_chunks({wire}), input);
}

TEST(AsciiConversion, BinaryBytesPassThrough) {
  std::string all;
  for (int c = 0; c < 256; ++c) {
    if (c != '\r' && c != '\n') all.push_back(static_cast<char>(c));
  }
  EXPECT_EQ(encode_chunks({all}), all);
  EXPECT_EQ(decode_chunks({all}), all);
}

}  // namespace
}  // namespace fleet::ftp
