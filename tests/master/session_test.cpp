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
    meta::UserRecord alice;
    alice.name = "alice";
    alice.password_hash = auth::hash_password("secret");
    store_->add_user(alice);
    replicator_ = std::make_unique<Replicator>(io_.get_executor(), nodes_, *store_, config_.cluster);
    jobs_ = std::make_unique<ClusterJobs>(io_.get_executor(), nodes_, *store_, *replicator_);
    env_ = std::make_unique<SessionEnv>(
        SessionEnv{config_, *store_, nodes_, stats_, guard_, credentials_, pool_, ports_, *xferlog_, *replicator_, *jobs_});
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

}  // namespace
}  // namespace fleet::master
