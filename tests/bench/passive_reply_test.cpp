#include "bench/passive_reply.hpp"

#include <gtest/gtest.h>

namespace fleet::bench {
namespace {

TEST(ParsePasvReply, Parenthesised) {
  const auto e = parse_pasv_reply("Entering Passive Mode (127,0,0,2,238,72).");
  ASSERT_TRUE(e);
  EXPECT_EQ(e->host, "127.0.0.2");
  EXPECT_EQ(e->port, 238 * 256 + 72);
}

TEST(ParsePasvReply, BareAndAfterOtherDigits) {
  // RFC 1123 §4.1.2.6: scan for the numbers; other digits may come first.
  const auto e = parse_pasv_reply("=10,0,0,1,4,1");
  ASSERT_TRUE(e);
  EXPECT_EQ(e->host, "10.0.0.1");
  EXPECT_EQ(e->port, 1025);
  const auto f = parse_pasv_reply("Mode 2 ok 192,168,1,20,117,49 here");
  ASSERT_TRUE(f);
  EXPECT_EQ(f->host, "192.168.1.20");
  EXPECT_EQ(f->port, 117 * 256 + 49);
}

TEST(ParsePasvReply, Rejects) {
  EXPECT_FALSE(parse_pasv_reply("Entering Passive Mode"));
  EXPECT_FALSE(parse_pasv_reply("(127,0,0,1,4)"));
  EXPECT_FALSE(parse_pasv_reply("(256,0,0,1,4,1)"));
  EXPECT_FALSE(parse_pasv_reply("(127,0,0,1,0,0)"));  // port 0
  EXPECT_FALSE(parse_pasv_reply("(1270,0,0,1,4,1)"));
}

TEST(ParseEpsvReply, StandardAndOtherDelimiters) {
  EXPECT_EQ(parse_epsv_reply("Entering Extended Passive Mode (|||6446|)"), 6446);
  EXPECT_EQ(parse_epsv_reply("ok (!!!65535!)"), 65535);
  EXPECT_EQ(parse_epsv_reply("(x) then (|||21|)"), 21);
}

TEST(ParseEpsvReply, Rejects) {
  EXPECT_FALSE(parse_epsv_reply("Entering Extended Passive Mode"));
  EXPECT_FALSE(parse_epsv_reply("(|||0|)"));
  EXPECT_FALSE(parse_epsv_reply("(|||65536|)"));
  EXPECT_FALSE(parse_epsv_reply("(||6446|)"));
  EXPECT_FALSE(parse_epsv_reply("(|||6446)"));
  EXPECT_FALSE(parse_epsv_reply("(|!|6446|)"));
  EXPECT_FALSE(parse_epsv_reply("(11164461)"));  // digits cannot delimit
}

TEST(FormatPortArgument, RoundTrip) {
  EXPECT_EQ(format_port_argument({"127.0.0.1", 1025}), "127,0,0,1,4,1");
  const auto e = parse_pasv_reply(*format_port_argument({"10.20.30.40", 65535}));
  ASSERT_TRUE(e);
  EXPECT_EQ(e->host, "10.20.30.40");
  EXPECT_EQ(e->port, 65535);
  EXPECT_FALSE(format_port_argument({"::1", 21}));
  EXPECT_FALSE(format_port_argument({"1.2.3", 21}));
  EXPECT_FALSE(format_port_argument({"1.2.3.4.5", 21}));
}

}  // namespace
}  // namespace fleet::bench
