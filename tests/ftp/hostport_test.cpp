#include "ftp/hostport.hpp"

#include <gtest/gtest.h>

#include <string>

namespace fleet::ftp {
namespace {

using namespace std::string_literals;

TEST(ParsePortArg, Basic) {
  const auto hp = parse_port_arg("192,168,1,2,4,1");
  ASSERT_TRUE(hp);
  EXPECT_EQ(hp->host, "192.168.1.2");
  EXPECT_EQ(hp->port, 4 * 256 + 1);
}

TEST(ParsePortArg, WhitespaceAroundNumbers) {
  const auto hp = parse_port_arg(" 10, 0 ,0,\t1 , 0 , 21 ");
  ASSERT_TRUE(hp);
  EXPECT_EQ(hp->host, "10.0.0.1");
  EXPECT_EQ(hp->port, 21);
}

TEST(ParsePortArg, Extremes) {
  const auto hp = parse_port_arg("255,255,255,255,255,255");
  ASSERT_TRUE(hp);
  EXPECT_EQ(hp->host, "255.255.255.255");
  EXPECT_EQ(hp->port, 65535);
  const auto low = parse_port_arg("0,0,0,0,0,1");
  ASSERT_TRUE(low);
  EXPECT_EQ(low->host, "0.0.0.0");
  EXPECT_EQ(low->port, 1);
}

TEST(ParsePortArg, LeadingZerosAreDecimal) {
  const auto hp = parse_port_arg("010,001,000,009,0,021");
  ASSERT_TRUE(hp);
  EXPECT_EQ(hp->host, "10.1.0.9");
  EXPECT_EQ(hp->port, 21);
}

TEST(ParsePortArg, RejectsPortZero) { EXPECT_FALSE(parse_port_arg("1,2,3,4,0,0")); }

TEST(ParsePortArg, RejectsOutOfRange) {
  EXPECT_FALSE(parse_port_arg("256,0,0,1,0,21"));
  EXPECT_FALSE(parse_port_arg("1,2,3,4,256,0"));
  EXPECT_FALSE(parse_port_arg("1,2,3,4,0,256"));
  EXPECT_FALSE(parse_port_arg("1,2,3,4,0,99999999999999999999999"));
  EXPECT_FALSE(parse_port_arg("4294967297,0,0,1,0,21"));  // 2^32 + 1 must not wrap to 1
}

TEST(ParsePortArg, RejectsWrongFieldCount) {
  EXPECT_FALSE(parse_port_arg(""));
  EXPECT_FALSE(parse_port_arg("1,2,3,4,5"));
  EXPECT_FALSE(parse_port_arg("1,2,3,4,5,6,7"));
  EXPECT_FALSE(parse_port_arg("1,2,3,4,5,6,"));
  EXPECT_FALSE(parse_port_arg(",1,2,3,4,5,6"));
}

TEST(ParsePortArg, RejectsNonNumbers) {
  EXPECT_FALSE(parse_port_arg("1,2,,4,5,6"));
  EXPECT_FALSE(parse_port_arg("1,2, ,4,5,6"));
  EXPECT_FALSE(parse_port_arg("-1,2,3,4,5,6"));
  EXPECT_FALSE(parse_port_arg("+1,2,3,4,5,6"));
  EXPECT_FALSE(parse_port_arg("0x1,2,3,4,5,6"));
  EXPECT_FALSE(parse_port_arg("1 2,2,3,4,5,6"));
  EXPECT_FALSE(parse_port_arg("1.2.3.4,5,6"));
  EXPECT_FALSE(parse_port_arg("1,2,3,4,5,6\0"s));
  EXPECT_FALSE(parse_port_arg("1,2,3,4,5,6\r"));
}

TEST(ParseEprtArg, IPv4) {
  const auto hp = parse_eprt_arg("|1|132.235.1.2|6275|");
  ASSERT_TRUE(hp);
  EXPECT_EQ(hp->host, "132.235.1.2");
  EXPECT_EQ(hp->port, 6275);
}

TEST(ParseEprtArg, IPv6IsCanonicalised) {
  const auto hp = parse_eprt_arg("|2|1080::8:800:200C:417A|5282|");
  ASSERT_TRUE(hp);
  EXPECT_EQ(hp->host, "1080::8:800:200c:417a");
  EXPECT_EQ(hp->port, 5282);
  const auto loop = parse_eprt_arg("|2|0:0:0:0:0:0:0:1|21|");
  ASSERT_TRUE(loop);
  EXPECT_EQ(loop->host, "::1");
  const auto mapped = parse_eprt_arg("|2|::ffff:1.2.3.4|21|");
  ASSERT_TRUE(mapped);
  EXPECT_EQ(mapped->host, "::ffff:1.2.3.4");
}

TEST(ParseEprtArg, AnyPrintableDelimiter) {
  for (const char* arg : {"!1!1.2.3.4!21!", "~1~1.2.3.4~21~", "#1#1.2.3.4#21#"}) {
    const auto hp = parse_eprt_arg(arg);
    ASSERT_TRUE(hp) << arg;
    EXPECT_EQ(hp->host, "1.2.3.4");
    EXPECT_EQ(hp->port, 21);
  }
  // A delimiter that also occurs in an IPv6 address cannot work.
  EXPECT_FALSE(parse_eprt_arg(":2:::1:21:"));
}

TEST(ParseEprtArg, RejectsNonPrintableDelimiters) {
  EXPECT_FALSE(parse_eprt_arg(" 1 1.2.3.4 21 "));
  EXPECT_FALSE(parse_eprt_arg("\x7F" "1\x7F" "1.2.3.4\x7F" "21\x7F"));
  EXPECT_FALSE(parse_eprt_arg("\t1\t1.2.3.4\t21\t"));
  EXPECT_FALSE(parse_eprt_arg("\xC2" "1\xC2" "1.2.3.4\xC2" "21\xC2"));
  EXPECT_FALSE(parse_eprt_arg(""));
}

TEST(ParseEprtArg, RejectsFamilyMismatch) {
  EXPECT_FALSE(parse_eprt_arg("|1|::1|21|"));
  EXPECT_FALSE(parse_eprt_arg("|2|1.2.3.4|21|"));
  EXPECT_FALSE(parse_eprt_arg("|3|1.2.3.4|21|"));
  EXPECT_FALSE(parse_eprt_arg("||1.2.3.4|21|"));
  EXPECT_FALSE(parse_eprt_arg("|01|1.2.3.4|21|"));
}

TEST(ParseEprtArg, RejectsBadAddresses) {
  EXPECT_FALSE(parse_eprt_arg("|1|1.2.3|21|"));
  EXPECT_FALSE(parse_eprt_arg("|1|1.2.3.256|21|"));
  EXPECT_FALSE(parse_eprt_arg("|1|localhost|21|"));
  EXPECT_FALSE(parse_eprt_arg("|1| 1.2.3.4|21|"));
  EXPECT_FALSE(parse_eprt_arg("|1||21|"));
  EXPECT_FALSE(parse_eprt_arg("|2|fe80::1%eth0|21|"));
  EXPECT_FALSE(parse_eprt_arg("|1|1.2.3.4\0junk|21|"s));
}

TEST(ParseEprtArg, RejectsBadPorts) {
  EXPECT_FALSE(parse_eprt_arg("|1|1.2.3.4|0|"));
  EXPECT_FALSE(parse_eprt_arg("|1|1.2.3.4|65536|"));
  EXPECT_FALSE(parse_eprt_arg("|1|1.2.3.4|4294967317|"));  // 2^32 + 21
  EXPECT_FALSE(parse_eprt_arg("|1|1.2.3.4||"));
  EXPECT_FALSE(parse_eprt_arg("|1|1.2.3.4|+21|"));
  EXPECT_FALSE(parse_eprt_arg("|1|1.2.3.4|21 |"));
  EXPECT_FALSE(parse_eprt_arg("|1|1.2.3.4|-1|"));
  const auto max = parse_eprt_arg("|1|1.2.3.4|65535|");
  ASSERT_TRUE(max);
  EXPECT_EQ(max->port, 65535);
}

TEST(ParseEprtArg, RejectsWrongDelimiterCount) {
  EXPECT_FALSE(parse_eprt_arg("|1|1.2.3.4|21"));
  EXPECT_FALSE(parse_eprt_arg("|1|1.2.3.4|21||"));
  EXPECT_FALSE(parse_eprt_arg("|1|1.2.3.4|21|x"));
  EXPECT_FALSE(parse_eprt_arg("|1|1.2.3.4|2|1|"));
  EXPECT_FALSE(parse_eprt_arg("|"));
  EXPECT_FALSE(parse_eprt_arg("||||"));
}

TEST(FormatPasvAddress, IPv4) {
  EXPECT_EQ(format_pasv_address({"192.168.1.2", 1025}), "192,168,1,2,4,1");
  EXPECT_EQ(format_pasv_address({"0.0.0.0", 65535}), "0,0,0,0,255,255");
  EXPECT_EQ(format_pasv_address({"10.0.0.1", 21}), "10,0,0,1,0,21");
}

TEST(FormatPasvAddress, RejectsNonIPv4) {
  EXPECT_FALSE(format_pasv_address({"::1", 21}));
  EXPECT_FALSE(format_pasv_address({"::ffff:1.2.3.4", 21}));
  EXPECT_FALSE(format_pasv_address({"example.com", 21}));
  EXPECT_FALSE(format_pasv_address({"1.2.3", 21}));
  EXPECT_FALSE(format_pasv_address({"", 21}));
  EXPECT_FALSE(format_pasv_address({"1.2.3.4\0" "5"s, 21}));
}

TEST(FormatPasvAddress, RoundTripsThroughPort) {
  for (std::uint16_t port : {1, 255, 256, 1025, 50000, 65535}) {
    const auto text = format_pasv_address({"172.16.254.3", port});
    ASSERT_TRUE(text);
    const auto back = parse_port_arg(*text);
    ASSERT_TRUE(back) << *text;
    EXPECT_EQ(back->host, "172.16.254.3");
    EXPECT_EQ(back->port, port);
  }
}

TEST(FormatEpsvPort, Form) {
  EXPECT_EQ(format_epsv_port(5282), "(|||5282|)");
  EXPECT_EQ(format_epsv_port(65535), "(|||65535|)");
}

}  // namespace
}  // namespace fleet::ftp
