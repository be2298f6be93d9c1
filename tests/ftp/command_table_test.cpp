#include "ftp/command_table.hpp"

#include <gtest/gtest.h>

#include <set>

namespace fleet::ftp {
namespace {

TEST(CommandTable, VerbsAreUniqueUpperCaseAndHaveHelp) {
  std::set<std::string_view> seen;
  for (const auto& c : command_table()) {
    EXPECT_TRUE(seen.insert(c.verb).second) << c.verb;
    EXPECT_GE(c.verb.size(), 3u);
    EXPECT_LE(c.verb.size(), 4u);
    for (char ch : c.verb) EXPECT_TRUE(ch >= 'A' && ch <= 'Z') << c.verb;
    EXPECT_EQ(c.help.substr(0, c.verb.size()), c.verb);
  }
}

TEST(CommandTable, OnlyTheLoginAndInformationalCommandsWorkBeforeLogin) {
  std::set<std::string_view> before;
  for (const auto& c : command_table())
    if (!c.needs_login) before.insert(c.verb);
  EXPECT_EQ(before, (std::set<std::string_view>{"USER", "PASS", "ACCT", "REIN", "QUIT", "NOOP", "SYST", "FEAT",
                                                "OPTS", "HELP", "HOST", "AUTH"}));
}

TEST(CommandTable, AborAndStatActAtOnceDuringATransfer) {
  EXPECT_TRUE(acts_during_transfer("ABOR"));
  EXPECT_TRUE(acts_during_transfer("stat"));
  EXPECT_TRUE(acts_during_transfer("\xff\xf4\xff\xf2" "ABOR"));  // Telnet IP + DM before ABOR
  EXPECT_FALSE(acts_during_transfer("NOOP"));
  EXPECT_FALSE(acts_during_transfer("RETR x"));
  EXPECT_FALSE(acts_during_transfer(""));
}

TEST(CommandTable, HelpListsEveryVerb) {
  const auto text = help_text();
  for (const auto& c : command_table()) EXPECT_NE(text.find(" " + std::string(c.verb)), std::string::npos) << c.verb;
  EXPECT_EQ(help_text("MFMT"), "Syntax: MFMT <YYYYMMDDHHMMSS> <path>");
  EXPECT_EQ(help_text("XYZZ"), "");
}

TEST(CommandTable, FeatComesFromTheTable) {
  const auto text = feat_text();
  EXPECT_EQ(text.rfind("Features:\n", 0), 0u);
  for (auto line : {" EPRT\n", " EPSV\n", " HOST\n", " MDTM\n", " MFMT\n", " MLST type*;size*;modify*;perm*;unique*;\n",
                    " PRET\n", " REST STREAM\n", " SIZE\n", " TVFS\n", " UTF8\n"})
    EXPECT_NE(text.find(line), std::string::npos) << line;
  EXPECT_EQ(text.substr(text.size() - 3), "End");
  EXPECT_EQ(feat_text(false).find(" EPSV\n"), std::string::npos);
  EXPECT_NE(feat_text(false).find(" EPRT\n"), std::string::npos);
}

}  // namespace
}  // namespace fleet::ftp

namespace fleet::ftp {
namespace {

TEST(CommandTable, FeatStarsTheSelectedMlstFacts) {
  EXPECT_NE(feat_text(true, kFactType | kFactSize).find(" MLST type*;size*;modify;perm;unique;\n"), std::string::npos);
}

}  // namespace
}  // namespace fleet::ftp
