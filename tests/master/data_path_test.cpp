// The data path of docs/ARCHITECTURE.md ("How a data transfer finds its
// node"), row by row: the DataChannel and the TransferRouter driven against
// fake nodes (FakeGateway), then the TransferCommit's reply. The metadata
// store is a real SQLite file; listings the master carries itself go over
// real loopback sockets.
#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <random>

#include "fake_gateway.hpp"
#include "faulty_store.hpp"
#include "master/data_channel.hpp"
#include "master/transfer_commit.hpp"
#include "master/transfer_router.hpp"
#include "net/use_tuple.hpp"

namespace fleet::master {
namespace {

namespace fs = std::filesystem;
using testing::FakeGateway;
using testing::FakeNode;
using testing::FaultyStore;

struct RecordingSink : ReplySink {
  std::string out;
  void send(std::string bytes) override { out += bytes; }
  void close() override {}
};

class DataPathTest : public ::testing::Test {
 protected:
  DataPathTest()
      : dir_(fs::temp_directory_path() / ("fleet-datapath-" + std::to_string(std::random_device{}()))),
        guard_(3, std::chrono::seconds(60), std::chrono::seconds(60)),
        pool_(1),
        ports_(config::PortRange{0, 0}) {
    fs::create_directories(dir_);
    config_.state_dir = dir_;
    config_.data_timeout = std::chrono::seconds(5);
    config_.passive_ports = {32100, 32199};  // below the ephemeral port range
    ports_ = net::PortCursor(config_.passive_ports);
    real_store_ = meta::open_sqlite_store(dir_ / "meta.sqlite");
    store_ = std::make_unique<FaultyStore>(*real_store_);
    xferlog_ = std::make_unique<TransferLog>(dir_ / "xferlog");
    transfers_ = std::make_unique<TransferRecorder>(io_.get_executor(), *store_, *xferlog_);
    replicator_ = std::make_unique<Replicator>(io_.get_executor(), registry_, *store_, config_.cluster);
    jobs_ = std::make_unique<ClusterJobs>(io_.get_executor(), registry_, *store_, *replicator_);
    gw_ = std::make_shared<FakeGateway>();
    env_ = std::make_unique<SessionEnv>(SessionEnv{config_, *store_, registry_, stats_, guard_, credentials_, pool_,
                                                   ports_, *transfers_, *replicator_, *jobs_, gw_});
    sink_ = std::make_shared<RecordingSink>();
    ctx_ = std::make_unique<SessionContext>(io_.get_executor(), *env_, gw_, sink_,
                                            ClientInfo{"127.0.0.1", false, "127.0.0.1"});
    ctx_->state.logged_in_as("alice", false, ftp::ViewRoot(), "/");
    data_ = std::make_unique<DataChannel>(*ctx_);
    router_ = std::make_unique<TransferRouter>(*ctx_, *data_, [] {});
    commit_ = std::make_unique<TransferCommit>(*ctx_);

    // n1 and n3 share a host; n2 is elsewhere. /a/f is on n2, /a/g on n3.
    gw_->nodes["n1"] = FakeNode{"127.0.0.2", "h1", true, false, {50001}};
    gw_->nodes["n2"] = FakeNode{"127.0.0.3", "h2", true, false, {50002}};
    gw_->nodes["n3"] = FakeNode{"127.0.0.4", "h1", true, false, {50003}};
    real_store_->make_dir("/a", "alice", 1);
    real_store_->put_file("/a/f", 1000, 1, "alice", 7, "n2");
    real_store_->put_file("/a/g", 2000, 1, "alice", 7, "n3");
  }
  ~DataPathTest() override {
    commit_.reset();
    router_.reset();
    data_.reset();
    ctx_.reset();
    pool_.join();
    fs::remove_all(dir_);
  }

  // Runs `a` on the test's io_context until it is done.
  void drive(asio::awaitable<void> a) {
    bool done = false;
    asio::co_spawn(io_, std::move(a), [&](std::exception_ptr e) {
      done = true;
      if (e) std::rethrow_exception(e);
    });
    run_until([&] { return done; });
  }
  template <class Pred>
  void run_until(Pred pred) {
    io_.restart();
    auto work = asio::make_work_guard(io_);
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    while (!pred() && std::chrono::steady_clock::now() < deadline) io_.run_one_for(std::chrono::milliseconds(20));
    ASSERT_TRUE(pred()) << "condition not reached within 10 s";
  }
  // The replies so far, as codes; forgets them.
  std::vector<int> replies() {
    std::vector<int> codes;
    std::size_t start = 0, end;
    while ((end = sink_->out.find("\r\n", start)) != std::string::npos) {
      const auto line = sink_->out.substr(start, end - start);
      if (line.size() >= 4 && line[3] == ' ') codes.push_back(std::stoi(line));
      last_text_ += line + "\n";
      start = end + 2;
    }
    sink_->out.clear();
    return codes;
  }
  int reply() {
    auto r = replies();
    return r.empty() ? 0 : r.back();
  }
  void pasv(const std::string& pret = "") {
    if (!pret.empty()) {
      drive(data_->pret({"PRET", pret}));
      ASSERT_EQ(reply(), 200);
    }
    drive(data_->pasv({"PASV", ""}));
  }
  // Commits the finished transfer; its final reply.
  int finish() {
    EXPECT_TRUE(router_->finished());
    if (!router_->finished()) return 0;
    drive(commit_->finish(router_->take()));
    return reply();
  }
  const link::StartTransfer& started(std::size_t i) { return gw_->started.at(i).start; }

  fs::path dir_;
  config::MasterConfig config_;
  std::unique_ptr<meta::MetaStore> real_store_;
  std::unique_ptr<FaultyStore> store_;
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
  std::shared_ptr<FakeGateway> gw_;
  std::unique_ptr<SessionEnv> env_;
  std::shared_ptr<RecordingSink> sink_;
  std::unique_ptr<SessionContext> ctx_;
  std::unique_ptr<DataChannel> data_;
  std::unique_ptr<TransferRouter> router_;
  std::unique_ptr<TransferCommit> commit_;
  std::string last_text_;
};

// ------------------------------------------------ PORT/EPRT

TEST_F(DataPathTest, PortRetrIsDialledByAHolder) {
  drive(data_->port({"PORT", "127,0,0,1,200,10"}));
  EXPECT_EQ(reply(), 200);
  drive(router_->retr("/a/f"));
  EXPECT_EQ(reply(), 150);
  ASSERT_EQ(gw_->started.size(), 1u);
  EXPECT_EQ(gw_->started[0].node, "n2");
  EXPECT_EQ(started(0).kind(), link::SEND_FILE);
  EXPECT_EQ(started(0).active_host(), "127.0.0.1");
  EXPECT_EQ(started(0).active_port(), 200 * 256 + 10);
  EXPECT_FALSE(router_->finished());
  gw_->complete_ok(started(0).ticket(), 1000);
  EXPECT_EQ(finish(), 226);
}

TEST_F(DataPathTest, EprtStorIsDialledByTheUploadNodeAndRecorded) {
  drive(data_->eprt({"EPRT", "|1|127.0.0.1|5000|"}));
  EXPECT_EQ(reply(), 200);
  drive(router_->store(TransferOp::Stor, "/a/new"));
  EXPECT_EQ(reply(), 150);
  ASSERT_EQ(gw_->started.size(), 1u);
  EXPECT_EQ(gw_->started[0].node, "n1");
  EXPECT_EQ(started(0).kind(), link::RECV_FILE);
  EXPECT_EQ(started(0).active_port(), 5000);
  gw_->complete_ok(started(0).ticket(), 10, 10);
  EXPECT_EQ(finish(), 226);
  auto e = real_store_->lookup("/a/new");
  ASSERT_TRUE(e);
  EXPECT_EQ(e->size, 10u);
  EXPECT_EQ(e->nodes, std::vector<std::string>{"n1"});
}

TEST_F(DataPathTest, PortListIsDialledByTheMaster) {
  asio::ip::tcp::acceptor client(io_, {asio::ip::make_address("127.0.0.1"), 0});
  const auto port = client.local_endpoint().port();
  std::string received;
  bool eof = false;
  asio::co_spawn(
      io_,
      [&]() -> asio::awaitable<void> {
        auto sock = co_await client.async_accept(asio::use_awaitable);
        char buf[256];
        for (;;) {
          auto [ec, n] = co_await sock.async_read_some(asio::buffer(buf), net::use_tuple);
          received.append(buf, n);
          if (ec) break;
        }
        eof = true;
      },
      asio::detached);
  drive(data_->port({"PORT", "127,0,0,1," + std::to_string(port / 256) + "," + std::to_string(port % 256)}));
  EXPECT_EQ(reply(), 200);
  drive(router_->listing(TransferOp::List, "a\r\nb\r\n"));
  EXPECT_EQ(reply(), 150);
  EXPECT_TRUE(gw_->started.empty()) << "no node takes part";
  run_until([&] { return eof && router_->finished(); });
  EXPECT_EQ(received, "a\r\nb\r\n");
  EXPECT_EQ(finish(), 226);
}

// ------------------------------------------------ PASV with PRET

TEST_F(DataPathTest, PretRetrPasvListensOnAHolder) {
  pasv("RETR /a/f");
  EXPECT_EQ(reply(), 227);
  EXPECT_NE(last_text_.find("(127,0,0,3,195,82)"), std::string::npos) << last_text_;  // n2, port 50002
  EXPECT_TRUE(gw_->opened.empty()) << "the pooled listener's open waits for the command";
  drive(router_->retr("/a/f"));
  EXPECT_EQ(reply(), 150);
  ASSERT_EQ(gw_->opened.size(), 1u);
  EXPECT_EQ(gw_->opened[0].node, "n2");
  EXPECT_EQ(gw_->opened[0].allowed_ip, "127.0.0.1");
  ASSERT_EQ(gw_->started.size(), 1u);
  EXPECT_EQ(gw_->started[0].node, "n2");
  EXPECT_EQ(started(0).ticket(), gw_->opened[0].ticket);
  gw_->complete_ok(started(0).ticket(), 1000);
  EXPECT_EQ(finish(), 226);
}

TEST_F(DataPathTest, PretStorPasvListensOnTheUploadNode) {
  pasv("STOR /a/new");
  EXPECT_EQ(reply(), 227);
  EXPECT_NE(last_text_.find("(127,0,0,2,"), std::string::npos) << last_text_;
  drive(router_->store(TransferOp::Stor, "/a/new"));
  EXPECT_EQ(reply(), 150);
  ASSERT_EQ(gw_->started.size(), 1u);
  EXPECT_EQ(gw_->started[0].node, "n1");
  EXPECT_EQ(started(0).kind(), link::RECV_FILE);
  gw_->complete_ok(started(0).ticket(), 5, 5);
  EXPECT_EQ(finish(), 226);
  EXPECT_EQ(real_store_->lookup("/a/new")->nodes, std::vector<std::string>{"n1"});
}

TEST_F(DataPathTest, PretListPasvListensOnTheMaster) {
  pasv("LIST");
  EXPECT_EQ(reply(), 227);
  ASSERT_TRUE(std::holds_alternative<MasterPassive>(data_->setup()));
  const auto port = std::get<MasterPassive>(data_->setup()).listener->port();
  drive(router_->listing(TransferOp::List, "x\r\n"));
  EXPECT_EQ(reply(), 150);
  asio::ip::tcp::socket sock(io_);
  sock.connect({asio::ip::make_address("127.0.0.1"), port});
  std::string received;
  bool eof = false;
  asio::co_spawn(
      io_,
      [&]() -> asio::awaitable<void> {
        char buf[64];
        for (;;) {
          auto [ec, n] = co_await sock.async_read_some(asio::buffer(buf), net::use_tuple);
          received.append(buf, n);
          if (ec) break;
        }
        eof = true;
      },
      asio::detached);
  run_until([&] { return eof && router_->finished(); });
  EXPECT_EQ(received, "x\r\n");
  EXPECT_TRUE(gw_->started.empty());
  EXPECT_EQ(finish(), 226);
}

// ------------------------------------------------ PASV without PRET

TEST_F(DataPathTest, PasvPredictedFromSizeGoesDirect) {
  ctx_->state.file_named("/a/g");  // SIZE /a/g
  pasv();
  EXPECT_EQ(reply(), 227);
  EXPECT_NE(last_text_.find("(127,0,0,4,"), std::string::npos) << last_text_;  // n3 holds it
  drive(router_->retr("/a/g"));
  EXPECT_EQ(reply(), 150);
  ASSERT_EQ(gw_->started.size(), 1u);
  EXPECT_EQ(gw_->started[0].node, "n3");
  EXPECT_EQ(started(0).kind(), link::SEND_FILE);
  gw_->complete_ok(started(0).ticket(), 2000);
  EXPECT_EQ(finish(), 226);
}

TEST_F(DataPathTest, PasvAfterRetrPredictsTheNextFileOfTheDirectory) {
  ctx_->state.file_retrieved("/a/f");  // the next file in /a is /a/g, on n3
  EXPECT_EQ(data_->predict_node(), "n3");
}

TEST_F(DataPathTest, PasvListingIsHandedToTheListeningNode) {
  pasv();
  EXPECT_EQ(reply(), 227);  // the upload node, n1
  drive(router_->listing(TransferOp::Nlst, "f\r\ng\r\n"));
  EXPECT_EQ(reply(), 150);
  ASSERT_EQ(gw_->started.size(), 1u);
  EXPECT_EQ(gw_->started[0].node, "n1");
  EXPECT_EQ(started(0).kind(), link::SEND_BYTES);
  EXPECT_EQ(started(0).payload(), "f\r\ng\r\n");
  gw_->complete_ok(started(0).ticket(), 6);
  EXPECT_EQ(finish(), 226);
}

TEST_F(DataPathTest, PasvPredictedWrongOnTheSameHostHandsTheConnectionOff) {
  pasv();  // n1; /a/g is on n3, same host
  EXPECT_EQ(reply(), 227);
  drive(router_->retr("/a/g"));
  EXPECT_EQ(reply(), 150);
  ASSERT_EQ(gw_->handoffs_expected.size(), 1u);
  EXPECT_EQ(gw_->handoffs_expected[0].first, "n3");
  ASSERT_EQ(gw_->started.size(), 2u);
  const auto* storage = gw_->start_on("n3");
  const auto* listening = gw_->start_on("n1");
  ASSERT_TRUE(storage && listening);
  EXPECT_EQ(storage->start.kind(), link::SEND_FILE);
  EXPECT_EQ(storage->start.ticket(), gw_->handoffs_expected[0].second);
  EXPECT_EQ(listening->start.kind(), link::HANDOFF_TO_PEER);
  EXPECT_EQ(listening->start.handoff_name(), "handoff-n3");
  EXPECT_EQ(listening->start.peer_ticket(), storage->start.ticket());
  gw_->complete_ok(listening->start.ticket(), 0);
  EXPECT_FALSE(router_->finished()) << "the holder's part is still running";
  gw_->complete_ok(storage->start.ticket(), 2000);
  EXPECT_EQ(finish(), 226);
  EXPECT_NE(last_text_.find("(2000 bytes)"), std::string::npos) << "the bytes are the holder's, which faced the client";
}

TEST_F(DataPathTest, PasvPredictedWrongElsewhereRelaysNodeToNode) {
  pasv();  // n1; /a/f is on n2, another host
  EXPECT_EQ(reply(), 227);
  drive(router_->retr("/a/f"));
  EXPECT_EQ(reply(), 150);
  ASSERT_EQ(gw_->opened.size(), 2u);  // the client's pooled listener on n1, one on n2 for n1
  EXPECT_EQ(gw_->opened[1].node, "n2");
  EXPECT_EQ(gw_->opened[1].allowed_ip, "127.0.0.2") << "only n1 may connect";
  const auto* storage = gw_->start_on("n2");
  const auto* relay = gw_->start_on("n1");
  ASSERT_TRUE(storage && relay);
  EXPECT_EQ(storage->start.kind(), link::SEND_FILE);
  EXPECT_EQ(relay->start.kind(), link::RELAY_FROM_PEER);
  EXPECT_EQ(relay->start.peer_host(), "127.0.0.3");
  EXPECT_EQ(relay->start.peer_port(), gw_->opened[1].port);
  gw_->complete_ok(storage->start.ticket(), 1000);
  EXPECT_FALSE(router_->finished());
  gw_->complete_ok(relay->start.ticket(), 1000);
  EXPECT_EQ(finish(), 226);
}

TEST_F(DataPathTest, AppeOnANodeWithoutTheFileIsRelayedToAHolder) {
  pasv();  // n1; /a/f is on n2
  EXPECT_EQ(reply(), 227);
  drive(router_->store(TransferOp::Appe, "/a/f"));
  EXPECT_EQ(reply(), 150);
  const auto* storage = gw_->start_on("n2");
  const auto* relay = gw_->start_on("n1");
  ASSERT_TRUE(storage && relay);
  EXPECT_EQ(storage->start.kind(), link::RECV_FILE);
  EXPECT_TRUE(storage->start.append());
  EXPECT_EQ(relay->start.kind(), link::RELAY_TO_PEER);
  gw_->complete_ok(relay->start.ticket(), 24);
  gw_->complete_ok(storage->start.ticket(), 24, 1024);
  EXPECT_EQ(finish(), 226);
  auto e = real_store_->lookup("/a/f");
  EXPECT_EQ(e->size, 1024u);
  EXPECT_EQ(e->nodes, std::vector<std::string>{"n2"});
}

TEST_F(DataPathTest, RestStorOnANodeWithoutTheFileIsHandedToASameHostHolder) {
  ASSERT_TRUE(ctx_->state.set_rest("100"));
  pasv();  // n1; /a/g is on n3, same host
  EXPECT_EQ(reply(), 227);
  drive(router_->store(TransferOp::Stor, "/a/g"));
  EXPECT_EQ(reply(), 150);
  const auto* storage = gw_->start_on("n3");
  ASSERT_TRUE(storage);
  EXPECT_EQ(storage->start.kind(), link::RECV_FILE);
  EXPECT_EQ(storage->start.offset(), 100u);
  EXPECT_FALSE(storage->start.append());
  EXPECT_EQ(gw_->start_on("n1")->start.kind(), link::HANDOFF_TO_PEER);
  EXPECT_EQ(ctx_->state.rest(), 0u) << "REST is used once";
}

// ------------------------------------------------ EPSV policies

TEST_F(DataPathTest, EpsvRefusePolicyRefusesFilesButServesListings) {
  ctx_->state.file_named("/a/f");
  drive(data_->epsv({"EPSV", ""}));
  EXPECT_EQ(reply(), 502);
  drive(data_->pret({"PRET", "LIST"}));
  EXPECT_EQ(reply(), 200);
  drive(data_->epsv({"EPSV", ""}));
  EXPECT_EQ(reply(), 229);
  EXPECT_TRUE(std::holds_alternative<MasterPassive>(data_->setup()));
}

TEST_F(DataPathTest, EpsvNodePortsPolicyAnswersTheNodesPort) {
  config_.epsv = config::EpsvPolicy::NodePorts;
  ctx_->state.file_named("/a/f");
  drive(data_->epsv({"EPSV", ""}));
  EXPECT_EQ(reply(), 229);
  EXPECT_NE(last_text_.find("(|||50002|)"), std::string::npos) << last_text_;
}

TEST_F(DataPathTest, EpsvRelayPolicyPutsTheMasterOnThePath) {
  config_.epsv = config::EpsvPolicy::Relay;
  ctx_->state.file_named("/a/f");
  drive(data_->epsv({"EPSV", ""}));
  EXPECT_EQ(reply(), 229);
  ASSERT_TRUE(std::holds_alternative<MasterPassive>(data_->setup()));
  drive(router_->retr("/a/f"));
  EXPECT_EQ(reply(), 150);
  ASSERT_EQ(gw_->opened.size(), 1u);
  EXPECT_EQ(gw_->opened[0].node, "n2");
  EXPECT_EQ(gw_->opened[0].allowed_ip, "127.0.0.1") << "the master's address on n2's link";
  ASSERT_EQ(gw_->started.size(), 1u);
  EXPECT_EQ(started(0).kind(), link::SEND_FILE);
  ASSERT_TRUE(router_->current()->local) << "the master relays";
  router_->abort();
  TransferOutcome aborted;
  aborted.aborted = true;
  gw_->complete(started(0).ticket(), aborted);
  run_until([&] { return router_->finished(); });
  EXPECT_EQ(finish(), 426);
}

TEST_F(DataPathTest, EpsvAllRefusesTheOtherModes) {
  drive(data_->epsv({"EPSV", "ALL"}));
  EXPECT_EQ(reply(), 200);
  drive(data_->pasv({"PASV", ""}));
  drive(data_->port({"PORT", "127,0,0,1,200,10"}));
  drive(data_->eprt({"EPRT", "|1|127.0.0.1|5000|"}));
  EXPECT_EQ(replies(), (std::vector<int>{503, 503, 503}));
}

// ------------------------------------------------ failures

TEST_F(DataPathTest, ANodeLostMidTransferGives426) {
  pasv("RETR /a/f");
  drive(router_->retr("/a/f"));
  EXPECT_EQ(replies(), (std::vector<int>{227, 150}));
  gw_->lose("n2");
  EXPECT_EQ(finish(), 426);
}

TEST_F(DataPathTest, ANodeLostDuringARelayStopsTheOtherSide) {
  pasv();
  drive(router_->retr("/a/f"));
  EXPECT_EQ(replies(), (std::vector<int>{227, 150}));
  const auto relay_ticket = gw_->start_on("n1")->start.ticket();
  gw_->lose("n2");
  ASSERT_FALSE(gw_->aborted.empty());
  EXPECT_EQ(gw_->aborted.back(), (std::pair<std::string, std::uint64_t>{"n1", relay_ticket}));
  TransferOutcome aborted;
  aborted.aborted = true;
  gw_->complete(relay_ticket, aborted);
  EXPECT_EQ(finish(), 426);
}

TEST_F(DataPathTest, ANodeThatRefusesGives451) {
  pasv("RETR /a/f");
  drive(router_->retr("/a/f"));
  EXPECT_EQ(replies(), (std::vector<int>{227, 150}));
  TransferOutcome refused;
  refused.refused = true;
  refused.error = "cannot open /a/f: Permission denied";
  gw_->complete(started(0).ticket(), refused);
  EXPECT_EQ(finish(), 451);
}

TEST_F(DataPathTest, ANodeThatCannotListenGives425) {
  gw_->nodes["n2"].pooled.clear();
  gw_->nodes["n2"].cannot_listen = true;
  pasv("RETR /a/f");
  EXPECT_EQ(reply(), 425);
}

TEST_F(DataPathTest, NoDataConnectionGives425) {
  drive(router_->retr("/a/f"));
  EXPECT_EQ(reply(), 425);
  drive(router_->store(TransferOp::Stor, "/a/x"));
  EXPECT_EQ(reply(), 425);
}

TEST_F(DataPathTest, NoHolderOnlineGives550AndReleasesTheListener) {
  gw_->nodes["n2"].serving = false;
  pasv();
  drive(router_->retr("/a/f"));
  EXPECT_EQ(replies(), (std::vector<int>{227, 550}));
  EXPECT_FALSE(data_->prepared());
  ASSERT_FALSE(gw_->aborted.empty()) << "the node's listener is closed";
}

TEST_F(DataPathTest, AFailedCommitGives451AndTheFileIsNotListed) {
  drive(data_->port({"PORT", "127,0,0,1,200,10"}));
  drive(router_->store(TransferOp::Stor, "/a/new"));
  EXPECT_EQ(replies(), (std::vector<int>{200, 150}));
  store_->fail = {"put_file"};
  gw_->complete_ok(started(0).ticket(), 10, 10);
  EXPECT_EQ(finish(), 451);
  store_->fail.clear();
  EXPECT_FALSE(real_store_->lookup("/a/new"));
  EXPECT_EQ(stats_.transfers_failed, 1u);
}

TEST_F(DataPathTest, ATransferThatGoesAwayReleasesItsWatches) {
  pasv("RETR /a/f");
  drive(router_->retr("/a/f"));
  const auto ticket = started(0).ticket();
  ASSERT_TRUE(gw_->watches.contains(ticket));
  router_.reset();  // the session ended mid-transfer
  EXPECT_TRUE(gw_->unwatched.contains(ticket));
  EXPECT_FALSE(gw_->watches.contains(ticket));
}

}  // namespace
}  // namespace fleet::master
