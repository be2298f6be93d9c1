#include "ftp/command.hpp"

#include <gtest/gtest.h>

#include <string>

namespace fleet::ftp {
namespace {

using namespace std::string_literals;

Command must_parse(std::string_view line) {
  auto cmd = parse_command(line);
  EXPECT_TRUE(cmd.has_value()) << "line: " << line;
  return cmd.value_or(Command{});
}

TEST(ParseCommand, VerbAndArgument) {
  const Command c = must_parse("RETR file.txt");
  EXPECT_EQ(c.verb, "RETR");
  EXPECT_EQ(c.arg, "file.txt");
}

TEST(ParseCommand, VerbIsUpperCased) {
  EXPECT_EQ(must_parse("retr x").verb, "RETR");
  EXPECT_EQ(must_parse("mKd x").verb, "MKD");
  // The argument is not touched: paths are case-sensitive.
  EXPECT_EQ(must_parse("cwd MixedCase").arg, "MixedCase");
}

TEST(ParseCommand, NoArgument) {
  const Command c = must_parse("PWD");
  EXPECT_EQ(c.verb, "PWD");
  EXPECT_EQ(c.arg, "");
  EXPECT_EQ(must_parse("NOOP ").arg, "");
}

TEST(ParseCommand, OneToFourLetterVerbs) {
  EXPECT_EQ(must_parse("A").verb, "A");
  EXPECT_EQ(must_parse("CDUP").verb, "CDUP");
  EXPECT_FALSE(parse_command("RETRX file"));
  EXPECT_FALSE(parse_command("XXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX"));
}

TEST(ParseCommand, OnlyTheFirstSpaceIsRemoved) {
  EXPECT_EQ(must_parse("STOR  leading").arg, " leading");
  EXPECT_EQ(must_parse("STOR my file .txt  ").arg, "my file .txt  ");
  EXPECT_EQ(must_parse("SITE CHMOD 755 a b").arg, "CHMOD 755 a b");
}

TEST(ParseCommand, TrailingCarriageReturnIsStripped) {
  EXPECT_EQ(must_parse("USER bob\r").arg, "bob");
  EXPECT_EQ(must_parse("PWD\r").verb, "PWD");
  // Only one: a second CR belongs to the argument.
  EXPECT_EQ(must_parse("USER bob\r\r").arg, "bob\r");
}

TEST(ParseCommand, RejectsEmptyLines) {
  EXPECT_FALSE(parse_command(""));
  EXPECT_FALSE(parse_command("\r"));
  EXPECT_FALSE(parse_command(" "));
  EXPECT_FALSE(parse_command("\xFF\xF4\xFF\xF2"));
}

TEST(ParseCommand, RejectsBadVerbs) {
  EXPECT_FALSE(parse_command(" RETR x"));      // leading space: empty verb
  EXPECT_FALSE(parse_command("RET1 x"));       // digit
  EXPECT_FALSE(parse_command("RE-R x"));       // punctuation
  EXPECT_FALSE(parse_command("RETR\tx"));      // tab is not the separator
  EXPECT_FALSE(parse_command("R\xC3\x89TR"));  // non-ASCII letter
  EXPECT_FALSE(parse_command("RE\0TR"s));      // NUL
  EXPECT_FALSE(parse_command("\x01\x02"));
}

TEST(ParseCommand, StripsInterruptAndSynchBeforeAbor) {
  const Command c = must_parse("\xFF\xF4\xFF\xF2" "ABOR");
  EXPECT_EQ(c.verb, "ABOR");
  EXPECT_EQ(c.arg, "");
}

TEST(ParseCommand, StripsOptionNegotiationWithItsOptionByte) {
  // The option byte is consumed even when it looks like a letter.
  EXPECT_EQ(must_parse("\xFF\xFB" "ANOOP").verb, "NOOP");  // WILL
  EXPECT_EQ(must_parse("\xFF\xFC" "BNOOP").verb, "NOOP");  // WONT
  EXPECT_EQ(must_parse("\xFF\xFD" "CNOOP").verb, "NOOP");  // DO
  EXPECT_EQ(must_parse("\xFF\xFE" "DNOOP").verb, "NOOP");  // DONT
}

TEST(ParseCommand, StripsSequencesInsideTheLine) {
  const Command c = must_parse("AB\xFF\xF4OR");
  EXPECT_EQ(c.verb, "ABOR");
  EXPECT_EQ(must_parse("RETR a\xFF\xF2" "b").arg, "ab");
}

TEST(ParseCommand, DoubledIacIsALiteralByte) {
  EXPECT_EQ(must_parse("STOR a\xFF\xFF" "b").arg, "a\xFF" "b");
  EXPECT_EQ(must_parse("STOR \xFF\xFF\xFF\xFF").arg, "\xFF\xFF");
}

TEST(ParseCommand, TruncatedSequencesAtTheEndAreDropped) {
  EXPECT_EQ(must_parse("NOOP\xFF").verb, "NOOP");
  EXPECT_EQ(must_parse("NOOP\xFF\xFB").verb, "NOOP");
}

TEST(ParseCommand, ArgumentBytesAreVerbatim) {
  // Validation of names happens when they are resolved, not here.
  EXPECT_EQ(must_parse("RETR a\0b"s).arg, "a\0b"s);
  EXPECT_EQ(must_parse("RETR \xE6\x97\xA5\xE6\x9C\xAC.txt").arg, "\xE6\x97\xA5\xE6\x9C\xAC.txt");
  EXPECT_EQ(must_parse("CWD ../../etc").arg, "../../etc");
}

}  // namespace
}  // namespace fleet::ftp
