// The FTP session state machine driven without a control socket: command
// lines go in, replies come out of a recording sink. The metadata store is a
// real SQLite file; no storage node is connected.
#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <random>

#include "auth/password.hpp"
#include "master/session.hpp"

namespace fleet::master {
namespace {

namespace fs = std::filesystem;

struct RecordingSink : ReplySink {
  std::string out;
  bool closed = false;
  void send(std::string bytes) override { out += bytes; }
  void close() override { closed = true; }
};

class SessionTest : public ::testing::Test {
 protected:
  SessionTest()
      : dir_(fs::temp_directory_path() / ("fleet-session-" + std::to_string(std::random_device{}()))),
        guard_(3, std::chrono::seconds(60), std::chrono::seconds(60)),
        pool_(1),
        ports_(config::PortRange{0, 0}) {
    fs::create_directories(dir_);
    config_.state_dir = dir_;
    config_.login_fail_delay = std::chrono::milliseconds(1);
    config_.max_line = 512;
    config_.passive_ports = {32000, 32099};  // below the ephemeral port range
    ports_ = net::PortCursor(config_.passive_ports);
    store_ = meta::open_sqlite_store(dir_ / "meta.sqlite");
    xferlog_ = std::make_unique<TransferLog>(dir_ / "xferlog");
    transfers_ = std::make_unique<TransferRecorder>(io_.get_executor(), *store_, *xferlog_);
    meta::UserRecord alice;
    alice.name = "alice";
    alice.password_hash = auth::hash_password("secret");
    store_->add_user(alice);
    replicator_ = std::make_unique<Replicator>(io_.get_executor(), nodes_, *store_, config_.cluster);
    jobs_ = std::make_unique<ClusterJobs>(io_.get_executor(), nodes_, *store_, *replicator_);
    env_ = std::make_unique<SessionEnv>(
        SessionEnv{config_, *store_, nodes_, stats_, guard_, credentials_, pool_, ports_, *transfers_, *replicator_, *jobs_});
  }
  ~SessionTest() override {
    pool_.join();
    fs::remove_all(dir_);
  }

  // Feeds `lines`, then closes the control connection, and returns every
  // reply line the session wrote.
  std::vector<std::string> converse(const std::vector<std::string>& lines, std::string client_ip = "127.0.0.1") {
    io_.restart();  // a previous conversation's work guard stopped it
    auto sink = std::make_shared<RecordingSink>();
    auto session = std::make_shared<Session>(io_.get_executor(), *env_, sink,
                                             ClientInfo{client_ip, false, "127.0.0.1"});
    bool done = false;
    asio::co_spawn(io_, session->run(), [&](std::exception_ptr e) {
      if (e) std::rethrow_exception(e);
      done = true;
    });
    for (const auto& l : lines) session->push_line(l, l.size() > config_.max_line);
    session->push_closed();
    auto guard = asio::make_work_guard(io_);
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
    while (!done && std::chrono::steady_clock::now() < deadline) io_.run_one_for(std::chrono::milliseconds(50));
    EXPECT_TRUE(done) << "session did not finish";
    EXPECT_TRUE(sink->closed);
    std::vector<std::string> replies;
    std::size_t start = 0, end;
    while ((end = sink->out.find("\r\n", start)) != std::string::npos) {
      replies.push_back(sink->out.substr(start, end - start));
      start = end + 2;
    }
    return replies;
  }

  // The final line of each reply (skipping multi-line continuation lines).
  static std::vector<int> codes(const std::vector<std::string>& replies) {
    std::vector<int> out;
    for (const auto& r : replies)
      if (r.size() >= 4 && std::isdigit(static_cast<unsigned char>(r[0])) && r[3] == ' ') out.push_back(std::stoi(r));
    return out;
  }

  fs::path dir_;
  config::MasterConfig config_;
  std::unique_ptr<meta::MetaStore> store_;
  NodeRegistry nodes_;
  MasterStats stats_;
  auth::LoginGuard guard_;
  auth::CredentialCache credentials_{std::chrono::seconds(60)};
  asio::thread_pool pool_;
  net::PortCursor ports_;
  std::unique_ptr<TransferLog> xferlog_;
  asio::io_context io_;
  std::unique_ptr<TransferRecorder> transfers_;
  std::unique_ptr<Replicator> replicator_;
  std::unique_ptr<ClusterJobs> jobs_;
  std::unique_ptr<SessionEnv> env_;
};

TEST_F(SessionTest, GreetsAndLogsIn) {
  auto r = converse({"USER alice", "PASS secret", "PWD", "QUIT"});
  EXPECT_EQ(codes(r), (std::vector<int>{220, 331, 230, 257, 221}));
  EXPECT_EQ(r[3], "257 \"/\" is the current directory.");
}

TEST_F(SessionTest, WrongPasswordIsRefused) {
  auto r = converse({"USER alice", "PASS wrong", "PWD"});
  EXPECT_EQ(codes(r), (std::vector<int>{220, 331, 530, 530}));
  EXPECT_EQ(stats_.logins_failed, 1u);
}

TEST_F(SessionTest, ACachedLoginDoesNotOutliveAPasswordChange) {
  EXPECT_EQ(codes(converse({"USER alice", "PASS secret"})), (std::vector<int>{220, 331, 230}));
  EXPECT_EQ(codes(converse({"USER alice", "PASS secret"})), (std::vector<int>{220, 331, 230}));  // from the cache
  store_->set_password("alice", auth::hash_password("changed"));
  EXPECT_EQ(codes(converse({"USER alice", "PASS secret"})), (std::vector<int>{220, 331, 530}));
  EXPECT_EQ(codes(converse({"USER alice", "PASS changed"})), (std::vector<int>{220, 331, 230}));
}

TEST_F(SessionTest, RepeatedFailuresBanTheAddress) {
  converse({"USER alice", "PASS a", "USER alice", "PASS b", "USER alice", "PASS c"}, "10.9.9.9");
  auto r = converse({"USER alice"}, "10.9.9.9");
  ASSERT_FALSE(r.empty());
  EXPECT_EQ(codes(r).front(), 421);
  // Another address is not affected.
  EXPECT_EQ(codes(converse({"NOOP"}, "10.9.9.8")).front(), 220);
}

TEST_F(SessionTest, CommandsBeforeLoginNeedLogin) {
  auto r = converse({"PWD", "LIST", "RETR x", "FEAT", "SYST"});
  auto c = codes(r);
  ASSERT_EQ(c.size(), 6u);
  EXPECT_EQ(c[1], 530);
  EXPECT_EQ(c[2], 530);
  EXPECT_EQ(c[3], 530);
  EXPECT_EQ(c[4], 211);
  EXPECT_EQ(c[5], 215);
}

TEST_F(SessionTest, UnknownAndOverlongCommands) {
  auto r = converse({"USER alice", "PASS secret", "XYZZY", std::string(600, 'A'), "NOOP"});
  EXPECT_EQ(codes(r), (std::vector<int>{220, 331, 230, 500, 500, 200}));
}

TEST_F(SessionTest, DirectoriesAndTraversalClampAtRoot) {
  auto r = converse({"USER alice", "PASS secret", "MKD pub", "MKD pub", "CWD pub", "PWD", "CWD ../../..", "PWD",
                     "CWD nowhere", "RMD pub", "RMD pub"});
  EXPECT_EQ(codes(r), (std::vector<int>{220, 331, 230, 257, 550, 250, 257, 250, 257, 550, 250, 550}));
  EXPECT_EQ(r[6], "257 \"/pub\" is the current directory.");
  EXPECT_EQ(r[8], "257 \"/\" is the current directory.");
}

TEST_F(SessionTest, RenameSequencing) {
  auto r = converse({"USER alice", "PASS secret", "RNTO x", "MKD a", "RNFR a", "NOOP", "RNTO b", "RNFR a", "RNTO b",
                     "CWD b"});
  // RNTO without RNFR, and RNTO after an intervening command: 503.
  EXPECT_EQ(codes(r), (std::vector<int>{220, 331, 230, 503, 257, 350, 200, 503, 350, 250, 250}));
}

TEST_F(SessionTest, BounceProtectionRefusesForeignAndPrivilegedPorts) {
  auto r = converse({"USER alice", "PASS secret", "PORT 10,1,2,3,40,1", "PORT 127,0,0,1,0,80",
                     "EPRT |1|10.1.2.3|5000|", "EPRT |1|127.0.0.1|80|", "PORT 127,0,0,1,40,1",
                     "EPRT |3|x|1|"});
  EXPECT_EQ(codes(r), (std::vector<int>{220, 331, 230, 500, 500, 500, 500, 200, 522}));
}

TEST_F(SessionTest, TransferCommandsNeedADataConnectionOrAFile) {
  auto r = converse({"USER alice", "PASS secret", "LIST", "RETR missing", "STOR nodir/file", "PRET RETR missing",
                     "PRET STOR nodir/x", "PRET NOOP", "PRET LIST"});
  EXPECT_EQ(codes(r), (std::vector<int>{220, 331, 230, 425, 550, 553, 550, 553, 504, 200}));
}

TEST_F(SessionTest, PasvWithoutNodesListensOnTheMaster) {
  auto r = converse({"USER alice", "PASS secret", "PASV"});
  ASSERT_EQ(codes(r).back(), 227);
  EXPECT_NE(r.back().find("(127,0,0,1,"), std::string::npos) << r.back();
}

TEST_F(SessionTest, SizeMdtmAndTypes) {
  store_->put_file("/f.bin", 1234, 1700000000, "alice", 0xdeadbeef, "n1");
  auto r = converse({"USER alice", "PASS secret", "SIZE f.bin", "MDTM /f.bin", "SIZE nope", "TYPE A", "TYPE E",
                     "TYPE Q", "MODE S", "MODE B", "STRU F", "STRU R", "REST 100", "REST x"});
  EXPECT_EQ(codes(r), (std::vector<int>{220, 331, 230, 213, 213, 550, 200, 504, 501, 200, 504, 200, 504, 350, 501}));
  EXPECT_EQ(r[3], "213 1234");
  EXPECT_EQ(r[4], "213 20231114221320");
}

TEST_F(SessionTest, FeatListsPretAndMlst) {
  auto r = converse({"FEAT"});
  std::string all;
  for (const auto& l : r) all += l + "\n";
  EXPECT_NE(all.find("211-Features:"), std::string::npos);
  EXPECT_NE(all.find(" PRET\n"), std::string::npos);
  EXPECT_NE(all.find(" MLST type*;size*;modify*;perm*;unique*;\n"), std::string::npos);
  EXPECT_NE(all.find("211 End"), std::string::npos);
}

TEST_F(SessionTest, IdleSessionsTimeOut) {
  config_.idle_timeout = std::chrono::seconds(1);
  auto sink = std::make_shared<RecordingSink>();
  auto session = std::make_shared<Session>(io_.get_executor(), *env_, sink, ClientInfo{"127.0.0.1", false, "127.0.0.1"});
  bool done = false;
  asio::co_spawn(io_, session->run(), [&](std::exception_ptr) { done = true; });
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
  while (!done && std::chrono::steady_clock::now() < deadline) io_.run_one_for(std::chrono::milliseconds(50));
  ASSERT_TRUE(done);
  EXPECT_NE(sink->out.find("421 Idle timeout"), std::string::npos) << sink->out;
  EXPECT_TRUE(sink->closed);
}


// ---------------------------------------------------------------- anonymous logins

// [anonymous] enabled with root /pub, which holds a file and a directory;
// /top.bin lies outside it.
class AnonymousSessionTest : public SessionTest {
 protected:
  AnonymousSessionTest() {
    config_.anonymous.enabled = true;
    store_->make_dir("/pub", "", 1700000000);
    store_->make_dir("/pub/sub", "alice", 1700000000);
    store_->put_file("/pub/f.bin", 42, 1700000000, "alice", 1, "n1");
    store_->put_file("/top.bin", 7, 1700000000, "alice", 1, "n1");
  }
  // Joined reply lines, for searching.
  static std::string text(const std::vector<std::string>& replies) {
    std::string all;
    for (const auto& l : replies) all += l + "\n";
    return all;
  }
};

TEST_F(SessionTest, AnonymousIsAnUnknownUserWhenDisabled) {
  auto r = converse({"USER anonymous", "PASS guest@example.org", "PWD"});
  EXPECT_EQ(codes(r), (std::vector<int>{220, 331, 530, 530}));
  EXPECT_EQ(r[1], "331 Password required for anonymous.");
  EXPECT_EQ(stats_.logins_failed, 1u);
}

TEST_F(AnonymousSessionTest, AnyPasswordLogsInAtTheRoot) {
  auto r = converse({"USER anonymous", "PASS guest@example.org", "PWD", "QUIT"});
  EXPECT_EQ(codes(r), (std::vector<int>{220, 331, 230, 257, 221}));
  EXPECT_EQ(r[1], "331 Anonymous login ok, send your e-mail address as password.");
  EXPECT_EQ(r[2], "230 Anonymous access granted: read-only.");
  EXPECT_EQ(r[3], "257 \"/\" is the current directory.");
  EXPECT_EQ(stats_.logins_ok, 1u);
  EXPECT_EQ(stats_.anonymous_active, 0u);  // the session ended
  // "ftp" in any case is the same account, and an empty password will do.
  EXPECT_EQ(codes(converse({"USER FTP", "PASS", "PWD"})), (std::vector<int>{220, 331, 230, 257}));
}

TEST_F(AnonymousSessionTest, NavigationStaysInsideTheRoot) {
  auto r = converse({"USER anonymous", "PASS x@y", "CWD ..", "PWD", "CWD sub", "PWD", "CDUP", "CDUP", "PWD",
                     "CWD /sub/../../..", "PWD", "CWD /pub", "XPWD"});
  EXPECT_EQ(codes(r), (std::vector<int>{220, 331, 230, 250, 257, 250, 257, 200, 200, 257, 250, 257, 550, 257}));
  EXPECT_EQ(r[3], "250 Directory changed to /.");
  EXPECT_EQ(r[4], "257 \"/\" is the current directory.");
  EXPECT_EQ(r[5], "250 Directory changed to /sub.");
  EXPECT_EQ(r[6], "257 \"/sub\" is the current directory.");
  EXPECT_EQ(r[8], "200 Directory changed to /.");
  EXPECT_EQ(r[9], "257 \"/\" is the current directory.");
  EXPECT_EQ(r[11], "257 \"/\" is the current directory.");
  EXPECT_EQ(r[13], "257 \"/\" is the current directory.");
}

TEST_F(AnonymousSessionTest, PathArgumentsMapIntoTheRoot) {
  auto r = converse({"USER anonymous", "PASS x@y", "SIZE f.bin", "SIZE /f.bin", "SIZE /top.bin", "SIZE ../top.bin",
                     "MDTM /sub/../f.bin", "MLST /f.bin", "MLST", "STAT /", "PRET RETR /f.bin", "PRET RETR /top.bin",
                     "RETR /top.bin"});
  EXPECT_EQ(codes(r), (std::vector<int>{220, 331, 230, 213, 213, 550, 550, 213, 250, 250, 213, 200, 550, 550}));
  EXPECT_EQ(r[3], "213 42");
  const auto all = text(r);
  // Paths in replies are the client's: no "/pub" anywhere.
  EXPECT_EQ(all.find("/pub"), std::string::npos) << all;
  EXPECT_NE(all.find("250-Listing /f.bin\n"), std::string::npos) << all;
  EXPECT_NE(all.find(";perm=r;"), std::string::npos) << all;
  EXPECT_NE(all.find("; /f.bin\n"), std::string::npos) << all;
  EXPECT_NE(all.find("250-Listing /\n"), std::string::npos) << all;
  EXPECT_NE(all.find(";perm=el;"), std::string::npos) << all;
  EXPECT_NE(all.find("213-Status of /:\n"), std::string::npos) << all;
  EXPECT_NE(all.find(" f.bin\n"), std::string::npos) << all;
  EXPECT_EQ(all.find("top.bin\n"), std::string::npos) << all;
  EXPECT_NE(all.find("550 /top.bin: No such file."), std::string::npos) << all;
}

TEST_F(AnonymousSessionTest, ReadOnlyRefusesEveryWrite) {
  auto r = converse({"USER anonymous", "PASS x@y", "STOR new.bin", "APPE new.bin", "STOU", "MKD d", "XMKD d",
                     "DELE f.bin", "RMD sub", "RNFR f.bin", "RNTO g.bin", "MFMT 20240101000000 f.bin",
                     "SITE CHMOD 777 f.bin", "SITE NODES", "SITE STATS", "SITE COPIES f.bin", "PRET STOR new.bin",
                     "SITE HELP"});
  std::vector<int> expected{220, 331, 230};
  expected.insert(expected.end(), 15, 550);
  expected.push_back(214);
  EXPECT_EQ(codes(r), expected);
  EXPECT_EQ(r[3], "550 Permission denied.");
  EXPECT_EQ(r.back(), "214 End.");
  EXPECT_FALSE(store_->lookup("/pub/d"));
  EXPECT_TRUE(store_->lookup("/pub/f.bin"));
}

TEST_F(AnonymousSessionTest, UploadCreatesButNeverOverwritesOrRemoves) {
  config_.anonymous.upload = true;
  auto r = converse({"USER anonymous", "PASS x@y", "STOR new.bin", "STOR f.bin", "APPE /f.bin", "REST 5",
                     "STOR sub/../f.bin", "PRET STOR f.bin", "PRET STOR new.bin", "MKD d", "CWD d", "PWD", "DELE /f.bin",
                     "RMD /d", "RNFR /f.bin", "SITE NODES", "MKD /sub"});
  // STOR of a new name passes the check and stops at the missing data
  // connection (425); an existing name is refused (550).
  EXPECT_EQ(codes(r),
            (std::vector<int>{220, 331, 230, 425, 550, 550, 350, 550, 550, 200, 257, 250, 257, 550, 550, 550, 550, 550}));
  EXPECT_EQ(r[2], "230 Anonymous access granted: read, and upload of new files.");
  EXPECT_EQ(r[10], "257 \"/d\" directory created.");
  EXPECT_EQ(r[12], "257 \"/d\" is the current directory.");
  auto made = store_->lookup("/pub/d");
  ASSERT_TRUE(made);
  EXPECT_TRUE(made->is_dir);
  EXPECT_EQ(made->owner, "anonymous");
  EXPECT_TRUE(store_->lookup("/pub/f.bin"));
}

TEST_F(AnonymousSessionTest, OtherWriteMayChangeWhatExistsButSeesNoClusterInternals) {
  config_.anonymous.upload = true;
  config_.anonymous.other_write = true;
  auto r = converse({"USER anonymous", "PASS x@y", "DELE /f.bin", "SITE NODES", "SITE HELP", "MLST /"});
  EXPECT_EQ(codes(r), (std::vector<int>{220, 331, 230, 250, 550, 214, 250}));
  EXPECT_EQ(r[2], "230 Anonymous access granted: read, upload, and change or delete existing files.");
  EXPECT_FALSE(store_->lookup("/pub/f.bin"));
  ASSERT_GE(r.size(), 10u);
  EXPECT_EQ(r[6], " HELP");
  EXPECT_EQ(r[7], "214 End.") << "only HELP is offered";
  EXPECT_NE(r[9].find("perm=flcdmpe"), std::string::npos) << r[9];
}

TEST_F(AnonymousSessionTest, ListingsShowWhatUploadAllows) {
  config_.anonymous.upload = true;
  auto r = converse({"USER anonymous", "PASS x@y", "MLST /", "MLST sub", "MLST f.bin"});
  const auto all = text(r);
  EXPECT_NE(all.find(";perm=elcm;"), std::string::npos) << all;
  EXPECT_NE(all.find(";perm=r;"), std::string::npos) << all;
  EXPECT_NE(all.find("250-Listing /sub\n"), std::string::npos) << all;
}

TEST_F(AnonymousSessionTest, PasswordUsersStillSeeEverything) {
  auto r = converse({"USER anonymous", "PASS x@y", "USER alice", "PASS secret", "PWD", "SIZE /top.bin",
                     "SIZE /pub/f.bin", "MLST /pub"});
  EXPECT_EQ(codes(r), (std::vector<int>{220, 331, 230, 331, 230, 257, 213, 213, 250}));
  EXPECT_EQ(r[5], "257 \"/\" is the current directory.");
  EXPECT_NE(text(r).find(";perm=flcdmpe;"), std::string::npos);
  EXPECT_EQ(stats_.anonymous_active, 0u);
}

TEST_F(AnonymousSessionTest, ReinEndsTheAnonymousLogin) {
  auto r = converse({"USER anonymous", "PASS x@y", "CWD sub", "REIN", "PWD", "USER alice", "PASS secret", "PWD"});
  EXPECT_EQ(codes(r), (std::vector<int>{220, 331, 230, 250, 220, 530, 331, 230, 257}));
  EXPECT_EQ(r.back(), "257 \"/\" is the current directory.");
}

TEST_F(AnonymousSessionTest, MaxSessionsCapsAnonymousLogins) {
  config_.anonymous.max_sessions = 2;
  stats_.anonymous_active = 2;  // two other anonymous sessions are logged in
  auto r = converse({"USER anonymous", "PASS x@y", "PWD"});
  EXPECT_EQ(codes(r), (std::vector<int>{220, 331, 530, 530}));
  EXPECT_EQ(r[2], "530 Too many anonymous users; try again later.");
  EXPECT_EQ(stats_.logins_failed, 0u);
  stats_.anonymous_active = 1;
  EXPECT_EQ(codes(converse({"USER anonymous", "PASS x@y"})), (std::vector<int>{220, 331, 230}));
  EXPECT_EQ(stats_.anonymous_active, 1u);
}

TEST_F(AnonymousSessionTest, AnonymousLoginsDoNotClearFailedPasswordLogins) {
  // The guard bans after 3 failures; anonymous logins in between do not reset it.
  converse({"USER alice", "PASS a", "USER anonymous", "PASS x", "USER alice", "PASS b", "USER anonymous", "PASS x",
            "USER alice", "PASS c"},
           "10.7.7.7");
  EXPECT_EQ(codes(converse({"USER anonymous"}, "10.7.7.7")).front(), 421);
}

}  // namespace
}  // namespace fleet::master
