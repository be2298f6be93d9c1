#include "bench/reply_parser.hpp"

#include <gtest/gtest.h>

#include <stdexcept>
#include <string>

namespace fleet::bench {
namespace {

TEST(ReplyParser, SingleLine) {
  ReplyParser p;
  p.feed("220 ready\r\n");
  const auto r = p.next();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->code, 220);
  EXPECT_EQ(r->text, "ready");
  EXPECT_FALSE(p.next());
}

TEST(ReplyParser, BareCodeAndLfOnly) {
  ReplyParser p;
  p.feed("200\n221 bye\n");
  auto a = p.next();
  auto b = p.next();
  ASSERT_TRUE(a && b);
  EXPECT_EQ(a->code, 200);
  EXPECT_EQ(a->text, "");
  EXPECT_EQ(b->code, 221);
}

TEST(ReplyParser, SplitAcrossReads) {
  ReplyParser p;
  p.feed("22");
  EXPECT_FALSE(p.next());
  p.feed("7 Entering Passive Mode (127,0,0,1,");
  EXPECT_FALSE(p.has_reply());
  p.feed("4,1).\r");
  EXPECT_FALSE(p.has_reply());
  p.feed("\n");
  const auto r = p.next();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->code, 227);
  EXPECT_EQ(r->text, "Entering Passive Mode (127,0,0,1,4,1).");
}

TEST(ReplyParser, MultiLineJoined) {
  ReplyParser p;
  p.feed("211-Features:\r\n EPSV\r\n MDTM\r\n211 End\r\n");
  const auto r = p.next();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->code, 211);
  EXPECT_EQ(r->text, "Features:\n EPSV\n MDTM\nEnd");
}

TEST(ReplyParser, MultiLineInnerLinesThatLookLikeCodes) {
  // RFC 959 §4.2: only "<same code><space>" ends the reply; other codes
  // and "<same code>-" inside are text.
  ReplyParser p;
  p.feed("230-Welcome\r\n123 not the end\r\n230-still text\r\n230 done\r\n150 next\r\n");
  const auto r = p.next();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->code, 230);
  EXPECT_EQ(r->text, "Welcome\n123 not the end\n230-still text\ndone");
  const auto next = p.next();
  ASSERT_TRUE(next);
  EXPECT_EQ(next->code, 150);
}

TEST(ReplyParser, SeveralRepliesInOneRead) {
  ReplyParser p;
  p.feed("150 opening\r\n226 done\r\n");
  EXPECT_EQ(p.next()->code, 150);
  EXPECT_EQ(p.next()->code, 226);
  EXPECT_FALSE(p.next());
}

TEST(ReplyParser, Classes) {
  EXPECT_TRUE((Reply{150, ""}).preliminary());
  EXPECT_TRUE((Reply{226, ""}).positive());
  EXPECT_TRUE((Reply{331, ""}).intermediate());
  EXPECT_FALSE((Reply{550, ""}).positive());
}

TEST(ReplyParser, MalformedLineThrows) {
  ReplyParser p;
  EXPECT_THROW(p.feed("hello\r\n"), std::runtime_error);
  ReplyParser q;
  EXPECT_THROW(q.feed("22x oops\r\n"), std::runtime_error);
  ReplyParser r;
  EXPECT_THROW(r.feed("220xready\r\n"), std::runtime_error);
}

TEST(ReplyParser, OverlongLineThrows) {
  ReplyParser p;
  EXPECT_THROW(p.feed("220 " + std::string(ReplyParser::kMaxLine + 10, 'a')), std::runtime_error);
}

}  // namespace
}  // namespace fleet::bench
