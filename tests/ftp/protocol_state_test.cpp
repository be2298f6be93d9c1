#include "ftp/protocol_state.hpp"

#include <gtest/gtest.h>

namespace fleet::ftp {
namespace {

TEST(ProtocolState, LoginSequence) {
  ProtocolState s;
  EXPECT_FALSE(s.logged_in());
  EXPECT_TRUE(s.host_allowed());
  s.user_given("alice", false);
  EXPECT_TRUE(s.awaiting_password());
  EXPECT_FALSE(s.host_allowed());
  EXPECT_EQ(s.take_pending_user(), "alice");
  EXPECT_FALSE(s.awaiting_password()) << "a USER is used by one PASS only";
  s.logged_in_as("alice", false, ViewRoot(), "/home/alice");
  EXPECT_TRUE(s.logged_in());
  EXPECT_EQ(s.cwd(), "/home/alice");
  // A new USER ends the login.
  s.user_given("bob", false);
  EXPECT_FALSE(s.logged_in());
  EXPECT_EQ(s.user(), "");
  EXPECT_EQ(s.cwd(), "/");
  EXPECT_EQ(s.pending_user(), "bob");
}

TEST(ProtocolState, AnonymousViewConfinesPaths) {
  ProtocolState s;
  s.user_given("anonymous", true);
  EXPECT_TRUE(s.pending_anonymous());
  s.take_pending_user();
  EXPECT_FALSE(s.pending_anonymous());
  s.logged_in_as("anonymous", true, ViewRoot("/pub"), "/pub");
  EXPECT_TRUE(s.anonymous());
  EXPECT_EQ(s.resolve("../../etc").value(), "/pub/etc");
  EXPECT_EQ(s.shown("/pub/a"), "/a");
  s.end_login();
  EXPECT_FALSE(s.anonymous());
  EXPECT_EQ(s.resolve("a").value(), "/a");
}

TEST(ProtocolState, ReinResetsEverything) {
  ProtocolState s;
  s.logged_in_as("alice", false, ViewRoot(), "/d");
  ASSERT_EQ(s.set_type("A"), ProtocolState::TypeChange::Ascii);
  ASSERT_TRUE(s.set_rest("10"));
  s.set_rename_from("/x");
  s.set_pret({"RETR", "x"});
  s.set_epsv_all();
  s.file_retrieved("/d/f");
  s.set_mlst_facts(kFactSize);
  s.reinitialize();
  EXPECT_EQ(s.mlst_facts(), kAllMlsxFacts);
  EXPECT_FALSE(s.logged_in());
  EXPECT_FALSE(s.ascii());
  EXPECT_EQ(s.rest(), 0u);
  EXPECT_FALSE(s.take_rename_from());
  EXPECT_FALSE(s.pret());
  EXPECT_FALSE(s.epsv_all());
  EXPECT_EQ(s.predicted_path(), "");
  EXPECT_EQ(s.cwd(), "/");
}

TEST(ProtocolState, Types) {
  ProtocolState s;
  using T = ProtocolState::TypeChange;
  EXPECT_EQ(s.set_type("a"), T::Ascii);
  EXPECT_TRUE(s.ascii());
  EXPECT_EQ(s.set_type("E"), T::NotSupported);
  EXPECT_EQ(s.set_type("L 7"), T::NotSupported);
  EXPECT_EQ(s.set_type("Q"), T::BadSyntax);
  EXPECT_TRUE(s.ascii()) << "a refused TYPE changes nothing";
  EXPECT_EQ(s.set_type("L 8"), T::Binary);
  EXPECT_FALSE(s.ascii());
  EXPECT_EQ(s.set_type("A N"), T::Ascii);
  EXPECT_EQ(s.set_type("I"), T::Binary);
}

TEST(ProtocolState, RestParsesOnlyDecimalOffsets) {
  ProtocolState s;
  EXPECT_FALSE(s.set_rest(""));
  EXPECT_FALSE(s.set_rest("-1"));
  EXPECT_FALSE(s.set_rest("12x"));
  EXPECT_FALSE(s.set_rest("99999999999999999999999"));
  EXPECT_TRUE(s.set_rest("18446744073709551615"));
  EXPECT_EQ(s.take_rest(), 18446744073709551615ull);
  EXPECT_EQ(s.rest(), 0u) << "taken once";
}

TEST(ProtocolState, RestSurvivesOnlyTheCommandsBeforeItsTransfer) {
  for (auto verb : {"PASV", "EPSV", "PORT", "EPRT", "PRET", "TYPE", "SIZE", "MDTM", "NOOP", "RETR", "STOR", "REST"}) {
    ProtocolState s;
    s.set_rest("5");
    s.before_command(verb);
    EXPECT_EQ(s.rest(), 5u) << verb;
  }
  for (auto verb : {"APPE", "LIST", "CWD", "DELE", "STOU", "MLSD", "ABOR"}) {
    ProtocolState s;
    s.set_rest("5");
    s.before_command(verb);
    EXPECT_EQ(s.rest(), 0u) << verb;
  }
}

TEST(ProtocolState, RnfrMustBeFollowedByRnto) {
  ProtocolState s;
  s.set_rename_from("/a");
  s.before_command("RNTO");
  EXPECT_EQ(s.take_rename_from().value(), "/a");
  EXPECT_FALSE(s.take_rename_from());
  s.set_rename_from("/a");
  s.before_command("NOOP");
  s.before_command("RNTO");
  EXPECT_FALSE(s.take_rename_from()) << "any other command in between drops the RNFR";
}

TEST(ProtocolState, PretKinds) {
  ProtocolState s;
  EXPECT_FALSE(s.pret_is_listing());
  EXPECT_FALSE(s.pret_is_upload());
  for (auto v : {"LIST", "NLST", "MLSD"}) {
    s.set_pret({v, ""});
    EXPECT_TRUE(s.pret_is_listing()) << v;
    EXPECT_FALSE(s.pret_is_upload()) << v;
  }
  for (auto v : {"STOR", "STOU", "APPE"}) {
    s.set_pret({v, "f"});
    EXPECT_TRUE(s.pret_is_upload()) << v;
  }
  s.set_pret({"RETR", "f"});
  EXPECT_FALSE(s.pret_is_listing());
  EXPECT_FALSE(s.pret_is_upload());
  s.clear_pret();
  EXPECT_FALSE(s.pret());
}

TEST(ProtocolState, Prediction) {
  ProtocolState s;
  s.file_named("/a/f");
  EXPECT_EQ(s.predicted_path(), "/a/f");
  EXPECT_FALSE(s.predict_next_in_directory());
  s.file_retrieved("/a/g");
  EXPECT_EQ(s.predicted_path(), "/a/g");
  EXPECT_TRUE(s.predict_next_in_directory());
}

}  // namespace
}  // namespace fleet::ftp
