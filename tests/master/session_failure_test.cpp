// No silent failure in the control session: a command whose handler throws
// (here: the metadata store failing as SQLite busy or a full disk would) is
// answered 451 and the session goes on; the gauges it holds are released on
// every way out.
#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <random>

#include "auth/password.hpp"
#include "fake_gateway.hpp"
#include "faulty_store.hpp"
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

class SessionFailureTest : public ::testing::Test {
 protected:
  SessionFailureTest()
      : dir_(fs::temp_directory_path() / ("fleet-session-failure-" + std::to_string(std::random_device{}()))),
        guard_(3, std::chrono::seconds(60), std::chrono::seconds(60)),
        pool_(1),
        ports_(config::PortRange{32200, 32299}) {
    fs::create_directories(dir_);
    config_.state_dir = dir_;
    config_.login_fail_delay = std::chrono::milliseconds(1);
    config_.passive_ports = {32200, 32299};
    real_store_ = meta::open_sqlite_store(dir_ / "meta.sqlite");
    store_ = std::make_unique<testing::FaultyStore>(*real_store_);
    xferlog_ = std::make_unique<TransferLog>(dir_ / "xferlog");
    transfers_ = std::make_unique<TransferRecorder>(io_.get_executor(), *store_, *xferlog_);
    meta::UserRecord alice;
    alice.name = "alice";
    alice.password_hash = auth::hash_password("secret");
    real_store_->add_user(alice);
    replicator_ = std::make_unique<Replicator>(io_.get_executor(), registry_, *store_, config_.cluster);
    jobs_ = std::make_unique<ClusterJobs>(io_.get_executor(), registry_, *store_, *replicator_);
    env_ = std::make_unique<SessionEnv>(SessionEnv{config_, *store_, registry_, stats_, guard_, credentials_, pool_,
                                                   ports_, *transfers_, *replicator_, *jobs_, gateway_});
  }
  ~SessionFailureTest() override {
    pool_.join();
    fs::remove_all(dir_);
  }

  // Feeds `lines` one at a time; before each, `before[i]` (if any) runs.
  std::vector<int> converse(const std::vector<std::string>& lines) {
    io_.restart();
    auto sink = std::make_shared<RecordingSink>();
    auto session = std::make_shared<Session>(io_.get_executor(), *env_, sink, ClientInfo{"127.0.0.1", false, "127.0.0.1"});
    bool done = false;
    asio::co_spawn(io_, session->run(), [&](std::exception_ptr e) {
      done = true;
      if (e) std::rethrow_exception(e);
    });
    for (const auto& l : lines) session->push_line(l, false);
    session->push_closed();
    auto work = asio::make_work_guard(io_);
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
    while (!done && std::chrono::steady_clock::now() < deadline) io_.run_one_for(std::chrono::milliseconds(20));
    EXPECT_TRUE(done);
    EXPECT_TRUE(sink->closed);
    std::vector<int> codes;
    std::size_t start = 0, end;
    while ((end = sink->out.find("\r\n", start)) != std::string::npos) {
      const auto line = sink->out.substr(start, end - start);
      if (line.size() >= 4 && line[3] == ' ') codes.push_back(std::stoi(line));
      start = end + 2;
    }
    return codes;
  }

  fs::path dir_;
  config::MasterConfig config_;
  std::unique_ptr<meta::MetaStore> real_store_;
  std::unique_ptr<testing::FaultyStore> store_;
  NodeRegistry registry_;
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
  std::shared_ptr<testing::FakeGateway> gateway_ = std::make_shared<testing::FakeGateway>();
  std::unique_ptr<SessionEnv> env_;
};

TEST_F(SessionFailureTest, ACommandThatThrowsGets451AndTheSessionGoesOn) {
  store_->fail = {"make_dir", "rename"};
  EXPECT_EQ(converse({"USER alice", "PASS secret", "MKD d", "NOOP", "RNFR /", "MKD e", "PWD"}),
            (std::vector<int>{220, 331, 230, 451, 200, 550, 451, 257}));
  store_->fail.clear();
  EXPECT_FALSE(real_store_->lookup("/d"));
  EXPECT_EQ(stats_.sessions_active, 0u);
}

TEST_F(SessionFailureTest, ALoginWhoseLookupThrowsGets451) {
  store_->fail = {"get_user"};
  EXPECT_EQ(converse({"USER alice", "PASS secret", "PWD", "NOOP"}), (std::vector<int>{220, 331, 451, 530, 200}));
  store_->fail.clear();
  EXPECT_EQ(converse({"USER alice", "PASS secret", "PWD"}), (std::vector<int>{220, 331, 230, 257}));
  EXPECT_EQ(stats_.sessions_active, 0u);
  EXPECT_EQ(stats_.sessions_total, 2u);
}

TEST_F(SessionFailureTest, AListingThatThrowsGets451WithoutATransfer) {
  store_->fail = {"list_dir"};
  EXPECT_EQ(converse({"USER alice", "PASS secret", "PASV", "LIST", "NOOP"}),
            (std::vector<int>{220, 331, 230, 227, 451, 200}));
}

TEST_F(SessionFailureTest, AnonymousSlotsAreReleasedWhenTheSessionEnds) {
  config_.anonymous.enabled = true;
  config_.anonymous.root = "/";
  EXPECT_EQ(converse({"USER anonymous", "PASS a@b", "NOOP"}), (std::vector<int>{220, 331, 230, 200}));
  EXPECT_EQ(stats_.anonymous_active, 0u);
  EXPECT_EQ(stats_.sessions_active, 0u);
}

}  // namespace
}  // namespace fleet::master
