#include "ftp/reply.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace fleet::ftp {
namespace {

std::vector<std::string> split_crlf(const std::string& s) {
  std::vector<std::string> lines;
  std::size_t pos = 0;
  while (pos < s.size()) {
    const std::size_t end = s.find("\r\n", pos);
    if (end == std::string::npos) {
      ADD_FAILURE() << "unterminated line in: " << s;
      break;
    }
    lines.push_back(s.substr(pos, end - pos));
    pos = end + 2;
  }
  return lines;
}

TEST(FormatReply, SingleLine) {
  EXPECT_EQ(format_reply(200, "Command okay."), "200 Command okay.\r\n");
  EXPECT_EQ(format_reply(550, "No such file"), "550 No such file\r\n");
}

TEST(FormatReply, EmptyText) { EXPECT_EQ(format_reply(200, ""), "200 \r\n"); }

TEST(FormatReply, MultiLine) {
  EXPECT_EQ(format_reply(211, "Features:\n MDTM\n SIZE\nEnd"),
            "211-Features:\r\n MDTM\r\n SIZE\r\n211 End\r\n");
}

TEST(FormatReply, TwoLines) { EXPECT_EQ(format_reply(230, "Welcome\nLogged in"), "230-Welcome\r\n230 Logged in\r\n"); }

TEST(FormatReply, MiddleLineStartingWithDigitIsIndented) {
  EXPECT_EQ(format_reply(214, "Help follows\n214 is not the end\n2 more\nEnd"),
            "214-Help follows\r\n 214 is not the end\r\n 2 more\r\n214 End\r\n");
}

TEST(FormatReply, OnlyTheLastLineLooksLikeAnEnd) {
  // A client reads until a line "CODE ": no earlier line may match that.
  const std::string r = format_reply(211, "211 fake end\n211 fake end\n211-x\n\nreal end");
  const auto lines = split_crlf(r);
  ASSERT_EQ(lines.size(), 5u);
  EXPECT_EQ(lines.front(), "211-211 fake end");
  for (std::size_t i = 0; i + 1 < lines.size(); ++i) {
    EXPECT_NE(lines[i].rfind("211 ", 0), 0u) << "line " << i << ": " << lines[i];
  }
  EXPECT_EQ(lines.back(), "211 real end");
}

TEST(FormatReply, CarriageReturnsAreDropped) {
  EXPECT_EQ(format_reply(200, "a\r\nb"), "200-a\r\n200 b\r\n");
  // A CR cannot be used to smuggle a fake reply line.
  EXPECT_EQ(format_reply(250, "ok\r226 forged"), "250 ok226 forged\r\n");
}

TEST(FormatReply, TrailingNewlineGivesAnEmptyLastLine) {
  EXPECT_EQ(format_reply(211, "status\n"), "211-status\r\n211 \r\n");
}

TEST(FormatReply, EveryLineIsCrlfTerminated) {
  const std::string r = format_reply(257, "a\nb\nc\nd");
  EXPECT_EQ(split_crlf(r).size(), 4u);
  EXPECT_EQ(r.find('\n', 0), r.find("\r\n") + 1);
  for (std::size_t i = 0; i < r.size(); ++i) {
    if (r[i] == '\n') {
      EXPECT_EQ(r[i - 1], '\r');
    }
    if (r[i] == '\r') {
      EXPECT_EQ(r[i + 1], '\n');
    }
  }
}

}  // namespace
}  // namespace fleet::ftp
