// What anonymous sessions may do: reading always; creating new files and
// directories only with [anonymous] upload; deleting, renaming, changing
// times and operator SITE commands never.
#include "master/anonymous_policy.hpp"

#include <gtest/gtest.h>

#include <string>

namespace fleet::master {
namespace {

using Kind = AnonymousDecision::Kind;

Kind decide(const std::string& line, bool upload) {
  auto c = ftp::parse_command(line);
  EXPECT_TRUE(c) << line;
  return c ? anonymous_decision(*c, upload).kind : Kind::Denied;
}

TEST(AnonymousPolicyTest, AnonymousNamesAreCaseInsensitive) {
  EXPECT_TRUE(is_anonymous_name("anonymous"));
  EXPECT_TRUE(is_anonymous_name("ANONYMOUS"));
  EXPECT_TRUE(is_anonymous_name("Anonymous"));
  EXPECT_TRUE(is_anonymous_name("ftp"));
  EXPECT_TRUE(is_anonymous_name("FTP"));
  EXPECT_FALSE(is_anonymous_name("anon"));
  EXPECT_FALSE(is_anonymous_name("ftpuser"));
  EXPECT_FALSE(is_anonymous_name("anonymous "));
  EXPECT_FALSE(is_anonymous_name(""));
}

TEST(AnonymousPolicyTest, ReadingIsAlwaysAllowed) {
  for (bool upload : {false, true})
    for (const char* line : {"RETR a", "LIST", "NLST /", "MLSD", "MLST a", "SIZE a", "MDTM a", "CWD ..", "CDUP",
                             "PWD", "STAT", "STAT a", "PASV", "EPSV", "TYPE I", "REST 5", "ABOR", "QUIT",
                             "PRET RETR a", "PRET LIST", "SITE HELP", "SITE", "HELP", "NOOP"})
      EXPECT_EQ(decide(line, upload), Kind::Allowed) << line << " upload=" << upload;
}

TEST(AnonymousPolicyTest, ChangesToWhatExistsAreNeverAllowed) {
  for (bool upload : {false, true})
    for (const char* line : {"DELE a", "RMD d", "XRMD d", "RNFR a", "RNTO b", "MFMT 20240101000000 a",
                             "SITE CHMOD 777 a", "SITE STATS", "SITE NODES", "SITE COPIES /a",
                             "SITE NODESELECT UP /a", "site nodes", "PRET SITE NODES"})
      EXPECT_EQ(decide(line, upload), Kind::Denied) << line << " upload=" << upload;
}

TEST(AnonymousPolicyTest, CreatingNeedsUpload) {
  for (const char* line : {"STOR a", "APPE a", "STOU", "MKD d", "XMKD d", "PRET STOR a", "PRET APPE a", "PRET STOU"})
    EXPECT_EQ(decide(line, false), Kind::Denied) << line;
  for (const char* line : {"STOU", "STOU x", "MKD d", "XMKD d", "PRET STOU"})
    EXPECT_EQ(decide(line, true), Kind::Allowed) << line;
}

TEST(AnonymousPolicyTest, UploadsMayOnlyCreateNewFiles) {
  for (const char* line : {"STOR dir/a b.txt", "APPE dir/a b.txt", "PRET STOR dir/a b.txt"}) {
    auto c = ftp::parse_command(line);
    ASSERT_TRUE(c);
    const auto d = anonymous_decision(*c, true);
    EXPECT_EQ(d.kind, Kind::NewFileOnly) << line;
    EXPECT_EQ(d.target, "dir/a b.txt") << line;
  }
}

TEST(AnonymousPolicyTest, OtherWriteAllowsChangesButNotClusterInternals) {
  for (const char* line : {"DELE a", "RMD d", "XRMD d", "RNFR a", "RNTO b", "MFMT 20240101000000 a", "PRET STOR a"}) {
    auto c = ftp::parse_command(line);
    ASSERT_TRUE(c);
    EXPECT_EQ(anonymous_decision(*c, true, true).kind, Kind::Allowed) << line;
  }
  for (const char* line : {"STOR a", "APPE a"}) {
    auto c = ftp::parse_command(line);
    ASSERT_TRUE(c);
    EXPECT_EQ(anonymous_decision(*c, true, true).kind, Kind::Allowed) << line << ": overwrite allowed";
    EXPECT_EQ(anonymous_decision(*c, false, true).kind, Kind::Denied) << line << ": still needs upload";
  }
  for (const char* line : {"SITE CHMOD 777 a", "SITE NODES", "SMNT /x"}) {
    auto c = ftp::parse_command(line);
    ASSERT_TRUE(c);
    EXPECT_EQ(anonymous_decision(*c, true, true).kind, Kind::Denied) << line;
  }
}

TEST(AnonymousPolicyTest, PasswordsAreMadeSafeForTheLog) {
  EXPECT_EQ(loggable_password("joe@example.org"), "joe@example.org");
  EXPECT_EQ(loggable_password(""), "");
  EXPECT_EQ(loggable_password("a\"b\\c"), "a\\\"b\\\\c");
  EXPECT_EQ(loggable_password(std::string("x\ny\0z\x7f", 6)), "x\\x0ay\\x00z\\x7f");
  EXPECT_EQ(loggable_password("caf\xc3\xa9@x"), "caf\xc3\xa9@x");
  const std::string longer(100, 'a');
  EXPECT_EQ(loggable_password(longer), std::string(64, 'a') + "...");
  EXPECT_EQ(loggable_password(std::string(64, 'a')), std::string(64, 'a'));
}

}  // namespace
}  // namespace fleet::master
