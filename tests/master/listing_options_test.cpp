// What a client asks of listings beyond their format: LIST/NLST -a and dot
// files, OPTS MLST's fact selection (RFC 3659 §7.9), and SIZE/MDTM on a
// missing file. Driven through a Session over a real SQLite store; listings
// come over a real loopback data connection from the master.
#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <random>
#include <sstream>

#include "auth/password.hpp"
#include "fake_gateway.hpp"
#include "master/session.hpp"
#include "net/use_tuple.hpp"

namespace fleet::master {
namespace {

namespace fs = std::filesystem;

struct RecordingSink : ReplySink {
  std::string out;
  void send(std::string bytes) override { out += bytes; }
  void close() override {}
};

class ListingOptionsTest : public ::testing::Test {
 protected:
  ListingOptionsTest()
      : dir_(fs::temp_directory_path() / ("fleet-listing-options-" + std::to_string(std::random_device{}()))),
        guard_(3, std::chrono::seconds(60), std::chrono::seconds(60)),
        pool_(1),
        ports_(config::PortRange{32300, 32399}) {
    fs::create_directories(dir_);
    config_.state_dir = dir_;
    config_.passive_ports = {32300, 32399};
    store_ = meta::open_sqlite_store(dir_ / "meta.sqlite");
    xferlog_ = std::make_unique<TransferLog>(dir_ / "xferlog");
    transfers_ = std::make_unique<TransferRecorder>(io_.get_executor(), *store_, *xferlog_);
    meta::UserRecord alice;
    alice.name = "alice";
    alice.password_hash = auth::hash_password("secret");
    store_->add_user(alice);
    store_->put_file("/.hidden", 1, 1, "alice", 0, "n1");
    store_->put_file("/shown", 2, 1, "alice", 0, "n1");
    replicator_ = std::make_unique<Replicator>(io_.get_executor(), registry_, *store_, config_.cluster);
    jobs_ = std::make_unique<ClusterJobs>(io_.get_executor(), registry_, *store_, *replicator_);
    env_ = std::make_unique<SessionEnv>(SessionEnv{config_, *store_, registry_, stats_, guard_, credentials_, pool_,
                                                   ports_, *transfers_, *replicator_, *jobs_, gateway_});
    gateway_->nodes["n1"] = testing::FakeNode{"127.0.0.2"};  // the files' holder, online
    session_ = std::make_shared<Session>(io_.get_executor(), *env_, sink_, ClientInfo{"127.0.0.1", false, "127.0.0.1"});
    asio::co_spawn(io_, session_->run(), asio::detached);
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    while (!complete(sink_->out) && std::chrono::steady_clock::now() < deadline)
      io_.run_one_for(std::chrono::milliseconds(20));
    EXPECT_EQ(sink_->out.substr(0, 3), "220");
    EXPECT_EQ(command("USER alice").substr(0, 3), "331");
    EXPECT_EQ(command("PASS secret").substr(0, 3), "230");
  }
  ~ListingOptionsTest() override {
    session_->push_closed();
    run_for(std::chrono::milliseconds(100));
    session_.reset();
    pool_.join();
    fs::remove_all(dir_);
  }

  void run_for(std::chrono::milliseconds d) {
    io_.restart();
    auto work = asio::make_work_guard(io_);
    io_.run_for(d);
  }
  // Sends one command; its whole reply once complete (the final line's code
  // for a one-line reply).
  std::string command(const std::string& line) {
    sink_->out.clear();
    session_->push_line(line, false);
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    io_.restart();
    auto work = asio::make_work_guard(io_);
    while (!complete(sink_->out) && std::chrono::steady_clock::now() < deadline)
      io_.run_one_for(std::chrono::milliseconds(20));
    return sink_->out;
  }
  static bool complete(const std::string& out) {
    // The last line "ddd text\r\n" ends the reply.
    if (out.size() < 6 || out.substr(out.size() - 2) != "\r\n") return false;
    const auto start = out.rfind("\r\n", out.size() - 3);
    const auto last = start == std::string::npos ? 0 : start + 2;
    return out.size() - last >= 4 && out[last + 3] == ' ';
  }
  // LIST/NLST/MLSD over PRET and PASV from the master; the data received.
  std::string listing(const std::string& cmd) {
    EXPECT_EQ(command("PRET " + cmd).substr(0, 3), "200");  // the master listens for listings
    const auto pasv = command("PASV");
    EXPECT_EQ(pasv.substr(0, 3), "227") << pasv;
    const auto open = pasv.find('('), close = pasv.find(')');
    std::vector<int> n;
    std::stringstream parts(pasv.substr(open + 1, close - open - 1));
    for (std::string p; std::getline(parts, p, ',');) n.push_back(std::stoi(p));
    asio::ip::tcp::socket sock(io_);
    sock.connect({asio::ip::make_address("127.0.0.1"), static_cast<std::uint16_t>(n[4] * 256 + n[5])});
    EXPECT_EQ(command(cmd).substr(0, 3), "150");
    std::string data;
    bool eof = false;
    asio::co_spawn(
        io_,
        [&]() -> asio::awaitable<void> {
          char buf[512];
          for (;;) {
            auto [ec, len] = co_await sock.async_read_some(asio::buffer(buf), net::use_tuple);
            data.append(buf, len);
            if (ec) break;
          }
          eof = true;
        },
        asio::detached);
    sink_->out.clear();
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    io_.restart();
    auto work = asio::make_work_guard(io_);
    while (!(eof && complete(sink_->out)) && std::chrono::steady_clock::now() < deadline)
      io_.run_one_for(std::chrono::milliseconds(20));
    EXPECT_EQ(sink_->out.substr(0, 3), "226") << sink_->out;
    return data;
  }

  fs::path dir_;
  config::MasterConfig config_;
  std::unique_ptr<meta::MetaStore> store_;
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
  std::shared_ptr<RecordingSink> sink_ = std::make_shared<RecordingSink>();
  std::shared_ptr<Session> session_;
};

TEST_F(ListingOptionsTest, ListAndNlstHideDotFilesUnlessAskedWithA) {
  EXPECT_EQ(listing("NLST"), "shown\r\n");
  EXPECT_EQ(listing("NLST -a"), ".hidden\r\nshown\r\n");
  const auto list = listing("LIST");
  EXPECT_EQ(list.find(".hidden"), std::string::npos) << list;
  EXPECT_NE(list.find("shown"), std::string::npos) << list;
  EXPECT_NE(listing("LIST -la").find(".hidden"), std::string::npos);
  EXPECT_NE(listing("MLSD").find(" .hidden\r\n"), std::string::npos) << "MLSD shows every name";
  EXPECT_NE(command("STAT -a /").find(".hidden"), std::string::npos);
  EXPECT_EQ(command("STAT /").find(".hidden"), std::string::npos);
}

TEST_F(ListingOptionsTest, OptsMlstSelectsTheFacts) {
  EXPECT_EQ(command("OPTS MLST size;Type;bogus;"), "200 MLST OPTS type;size;\r\n");
  EXPECT_EQ(command("MLST /shown"), "250-Listing /shown\r\n type=file;size=2; /shown\r\n250 End\r\n");
  EXPECT_NE(listing("MLSD").find("type=file;size=2; shown\r\n"), std::string::npos);
  EXPECT_NE(command("FEAT").find(" MLST type*;size*;modify;perm;unique;\r\n"), std::string::npos);
  EXPECT_EQ(command("OPTS MLST"), "200 MLST OPTS\r\n");
  EXPECT_EQ(command("MLST /shown"), "250-Listing /shown\r\n  /shown\r\n250 End\r\n");
}

TEST_F(ListingOptionsTest, SizeAndMdtmOfAMissingFileSayItDoesNotExist) {
  EXPECT_EQ(command("SIZE /nothing"), "550 /nothing: No such file: it does not exist.\r\n");
  EXPECT_EQ(command("MDTM nothing"), "550 nothing: No such file: it does not exist.\r\n");
  EXPECT_EQ(command("SIZE /shown"), "213 2\r\n");
}

}  // namespace
}  // namespace fleet::master
