// The node process against a master that speaks the link protocol, over real
// loopback sockets: handshake, registration, every transfer kind, aborts,
// timeouts and reconnection.
#include "node/node_server.hpp"

#include <gtest/gtest.h>
#include <zlib.h>

#include <algorithm>
#include <asio/experimental/awaitable_operators.hpp>
#include <random>
#include <string>

#include "fake_master.hpp"
#include "support/own_loopback.hpp"
#include "support/temp_dir.hpp"

namespace fleet::node {
namespace {

using asio::ip::tcp;
using namespace std::chrono_literals;
using namespace asio::experimental::awaitable_operators;
using testing::FakeMaster;
using testing::read_all;
using Body = link::Envelope::BodyCase;

constexpr const char* kKey = "test-link-key-0123456789";
const std::string kNodeIp = testing::own_loopback(2);  // the node's data_address
constexpr const char* kClientIp = "127.0.0.1";  // where clients and peers connect from

std::string random_bytes(std::size_t n, unsigned seed = 7) {
  std::mt19937 gen(seed);
  std::string s(n, '\0');
  for (auto& c : s) c = static_cast<char>(gen());
  return s;
}

std::uint32_t crc_of(const std::string& s) {
  return static_cast<std::uint32_t>(
      ::crc32(::crc32(0L, Z_NULL, 0), reinterpret_cast<const Bytef*>(s.data()), static_cast<uInt>(s.size())));
}

link::StartTransfer transfer(std::uint64_t ticket, link::TransferKind kind, std::string path = {}) {
  link::StartTransfer st;
  st.set_ticket(ticket);
  st.set_kind(kind);
  st.set_path(std::move(path));
  return st;
}

// A client's (or peer's) connection to the node's passive port.
asio::awaitable<tcp::socket> connect_to_node(std::uint16_t port, const char* from = kClientIp) {
  tcp::socket s(co_await asio::this_coro::executor);
  s.open(tcp::v4());
  s.bind({asio::ip::make_address(from), 0});
  co_await s.async_connect({asio::ip::make_address(kNodeIp), port}, asio::use_awaitable);
  co_return s;
}

// Something listening like an FTP client in PORT mode (or a peer node).
struct Listener {
  explicit Listener(asio::io_context& io) : acceptor(io, {asio::ip::make_address(kClientIp), 0}) {}
  std::uint16_t port() const { return acceptor.local_endpoint().port(); }
  tcp::acceptor acceptor;
};

asio::awaitable<void> pause(std::chrono::milliseconds d) {
  asio::steady_timer t(co_await asio::this_coro::executor);
  t.expires_after(d);
  co_await t.async_wait(net::use_tuple);
}

class NodeServerTest : public ::testing::Test {
 protected:
  asio::io_context io;
  testing::TempDir root;
  FakeMaster master{io, kKey};
  std::unique_ptr<NodeServer> server;
  bool server_done = false;
  bool sync_uploads = false;

  void SetUp() override { start_node(); }

  void start_node() {
    config::NodeConfig c;
    c.name = "n1";
    c.root = root.path();
    c.master_host = "127.0.0.1";
    c.master_port = master.port();
    c.link_key = kKey;
    c.data_address = kNodeIp;
    c.passive_ports = {32200, 32299};  // below the ephemeral port range
    c.passive_pool = 4;
    c.reconnect_delay = 100ms;
    c.sync_uploads = sync_uploads;
    server = std::make_unique<NodeServer>(io, std::move(c));
    asio::co_spawn(io, server->run(), [this](std::exception_ptr e) {
      server_done = true;
      if (e) ADD_FAILURE() << "NodeServer::run threw";
    });
  }

  void TearDown() override {
    server->stop();
    const auto deadline = std::chrono::steady_clock::now() + 5s;
    while (!server_done && std::chrono::steady_clock::now() < deadline) io.run_one_for(50ms);
    EXPECT_TRUE(server_done) << "the node did not stop";
    if (master.link) master.link->close();
    io.run_for(50ms);
  }

  template <class Make>
  void run(Make make) {
    testing::run_coro(io, std::move(make));
  }

  // Handshake and registration, then requests and events may flow.
  asio::awaitable<std::vector<link::InventoryEntry>> connect_node() {
    EXPECT_TRUE(co_await master.accept_node());
    auto inventory = co_await master.read_registration();
    master.start();
    co_return inventory;
  }

  // OpenPassive; returns the port (0 on failure).
  asio::awaitable<std::uint16_t> open_passive(std::uint64_t ticket, std::uint32_t timeout_ms = 5000) {
    auto reply = co_await master.call(FakeMaster::open_passive(ticket, kClientIp, timeout_ms));
    EXPECT_TRUE(reply && reply->has_passive_opened());
    if (!reply || !reply->has_passive_opened()) co_return 0;
    EXPECT_EQ(reply->passive_opened().ticket(), ticket);
    co_return static_cast<std::uint16_t>(reply->passive_opened().port());
  }

  asio::awaitable<link::OpResult> start(const link::StartTransfer& st) {
    auto reply = co_await master.call(FakeMaster::start(st));
    EXPECT_TRUE(reply && reply->has_op_result());
    co_return reply && reply->has_op_result() ? reply->op_result() : link::OpResult{};
  }

  // A passive upload of `data` under `st` (whose ticket is `ticket`); the node's report.
  asio::awaitable<link::TransferDone> passive_upload(std::uint64_t ticket, const link::StartTransfer& st,
                                                     const std::string& data) {
    const auto port = co_await open_passive(ticket);
    EXPECT_TRUE((co_await start(st)).ok());
    auto client = co_await connect_to_node(port);
    co_await asio::async_write(client, asio::buffer(data), asio::use_awaitable);
    client.shutdown(tcp::socket::shutdown_send);
    co_return co_await done_event();
  }

  asio::awaitable<link::TransferDone> done_event(std::chrono::milliseconds timeout = 5s) {
    auto env = co_await master.next(Body::kTransferDone, timeout);
    EXPECT_TRUE(env.has_value()) << "no TransferDone";
    co_return env ? env->transfer_done() : link::TransferDone{};
  }
};

TEST_F(NodeServerTest, RegistersWithHelloDiskStatusInventoryAndHeartbeats) {
  root.write("a.bin", "0123456789");
  root.write("d/b.txt", "b");
  root.write("d/.fleetftp-part.9.c.txt", "half an upload");
  run([&]() -> asio::awaitable<void> {
    const auto inventory = co_await connect_node();
    EXPECT_EQ(master.hello.version(), 2u);
    EXPECT_EQ(master.hello.node_name(), "n1");
    EXPECT_EQ(master.hello.node_nonce().size(), 32u);
    EXPECT_EQ(master.hello.data_address(), kNodeIp);
    EXPECT_TRUE(master.disk_status && master.disk_status->total_bytes() > 0);
    EXPECT_EQ(master.inventory_chunks, 1);
    EXPECT_EQ(inventory.size(), 2u);
    if (inventory.size() == 2) {
      EXPECT_EQ(inventory[0].path(), "/a.bin");
      EXPECT_EQ(inventory[0].size(), 10u);
      EXPECT_EQ(inventory[1].path(), "/d/b.txt");
    }
    auto beat = co_await master.next(Body::kHeartbeat, 3s);
    EXPECT_TRUE(beat.has_value());
    if (beat) {
      EXPECT_EQ(beat->heartbeat().active_transfers(), 0u);
    }
  });
}

TEST_F(NodeServerTest, ProvesNothingToAMasterWithTheWrongKeyAndRetries) {
  run([&]() -> asio::awaitable<void> {
    EXPECT_FALSE(co_await master.accept_node(/*wrong_key=*/true));
    // The node dials again after its reconnect delay.
    EXPECT_TRUE(co_await master.accept_node());
  });
}

TEST_F(NodeServerTest, ReconnectsAndRegistersAgainAfterTheLinkDrops) {
  root.write("kept.bin", "x");
  run([&]() -> asio::awaitable<void> {
    co_await connect_node();
    master.link->close();
    EXPECT_TRUE(co_await master.accept_node());
    const auto inventory = co_await master.read_registration();
    EXPECT_EQ(inventory.size(), 1u);
  });
}

TEST_F(NodeServerTest, AnnouncesPooledListenersAndReplacesThemOnceHalfAreUsed) {
  root.write("pub/a.txt", "first file");
  root.write("pub/b.txt", "second file");
  root.write("pub/c.txt", "third file");
  run([&]() -> asio::awaitable<void> {
    co_await connect_node();
    EXPECT_EQ(master.pooled_ports.size(), 4u);
    if (master.pooled_ports.size() < 4) co_return;
    const auto first = static_cast<std::uint16_t>(master.pooled_ports[0]);
    EXPECT_GE(first, 32200);
    EXPECT_LE(first, 32299);

    // Lent as an event: the client connects at once, nothing is answered.
    master.link->send(FakeMaster::open_pooled(1, kClientIp, first));
    auto client = co_await connect_to_node(first);
    EXPECT_TRUE((co_await start(transfer(1, link::SEND_FILE, "/pub/a.txt"))).ok());
    EXPECT_EQ(co_await read_all(client), "first file");
    EXPECT_TRUE((co_await done_event()).ok());
    // Three of four still wait: nothing is opened or announced yet, and the
    // used listener is closed.
    EXPECT_FALSE(co_await master.next(Body::kPassivePool, 300ms));
    tcp::socket late(io);
    std::error_code ec;
    late.connect({asio::ip::make_address(kNodeIp), first}, ec);
    EXPECT_EQ(ec, asio::error::connection_refused);

    // The second one leaves half the pool: two fresh listeners replace both.
    const auto second = static_cast<std::uint16_t>(master.pooled_ports[1]);
    master.link->send(FakeMaster::open_pooled(2, kClientIp, second));
    auto again = co_await connect_to_node(second);
    EXPECT_TRUE((co_await start(transfer(2, link::SEND_FILE, "/pub/b.txt"))).ok());
    EXPECT_EQ(co_await read_all(again), "second file");
    EXPECT_TRUE((co_await done_event()).ok());
    auto fresh = co_await master.next(Body::kPassivePool);
    EXPECT_TRUE(fresh && fresh->passive_pool().ports_size() == 2);
    if (!fresh || fresh->passive_pool().ports_size() != 2) co_return;
    for (const auto port : fresh->passive_pool().ports())
      EXPECT_EQ(std::count(master.pooled_ports.begin(), master.pooled_ports.end(), port), 0);

    const auto third = static_cast<std::uint16_t>(fresh->passive_pool().ports(0));
    master.link->send(FakeMaster::open_pooled(3, kClientIp, third));
    auto last = co_await connect_to_node(third);
    EXPECT_TRUE((co_await start(transfer(3, link::SEND_FILE, "/pub/c.txt"))).ok());
    EXPECT_EQ(co_await read_all(last), "third file");
  });
}

TEST_F(NodeServerTest, APooledListenerServesOneTicketOnly) {
  run([&]() -> asio::awaitable<void> {
    co_await connect_node();
    if (master.pooled_ports.empty()) co_return;
    const auto port = master.pooled_ports.front();
    master.link->send(FakeMaster::open_pooled(3, kClientIp, port));
    master.link->send(FakeMaster::open_pooled(4, kClientIp, port));
    const auto refused = co_await start(transfer(4, link::SEND_BYTES));
    EXPECT_FALSE(refused.ok());
    EXPECT_NE(refused.error().find("no passive listener"), std::string::npos) << refused.error();
    // A port the node never announced is refused the same way.
    master.link->send(FakeMaster::open_pooled(5, kClientIp, 1));
    EXPECT_FALSE((co_await start(transfer(5, link::SEND_BYTES))).ok());
  });
}

TEST_F(NodeServerTest, PooledTicketsThatEndWithoutATransferAreReplacedToo) {
  run([&]() -> asio::awaitable<void> {
    co_await connect_node();
    if (master.pooled_ports.size() < 2) co_return;
    master.link->send(FakeMaster::open_pooled(6, kClientIp, master.pooled_ports[0]));
    auto reply = co_await master.call(FakeMaster::abort(6));
    EXPECT_TRUE(reply && reply->has_op_result() && reply->op_result().ok());
    EXPECT_FALSE(co_await master.next(Body::kPassivePool, 300ms));  // three of four still wait

    // No connection within the accept timeout: dropped. Half the pool is
    // gone now, and both are replaced.
    auto open = FakeMaster::open_pooled(7, kClientIp, master.pooled_ports[1]);
    open.mutable_open_passive()->set_accept_timeout_ms(200);
    master.link->send(open);
    auto fresh = co_await master.next(Body::kPassivePool, 3s);
    EXPECT_TRUE(fresh && fresh->passive_pool().ports_size() == 2);
    if (!fresh || fresh->passive_pool().ports_size() != 2) co_return;
    EXPECT_NE(fresh->passive_pool().ports(0), fresh->passive_pool().ports(1));

    // The replacement serves.
    const auto port = static_cast<std::uint16_t>(fresh->passive_pool().ports(0));
    master.link->send(FakeMaster::open_pooled(8, kClientIp, port));
    auto client = co_await connect_to_node(port);
    auto st = transfer(8, link::SEND_BYTES);
    st.set_payload("listing");
    EXPECT_TRUE((co_await start(st)).ok());
    EXPECT_EQ(co_await read_all(client), "listing");
    EXPECT_TRUE((co_await done_event()).ok());
  });
}

TEST_F(NodeServerTest, AStartSentAsAnEventRunsWithoutAnAnswerOrIsRefusedInItsTransferDone) {
  root.write("pub/here.txt", "content");
  run([&]() -> asio::awaitable<void> {
    co_await connect_node();
    while (co_await master.next(Body::kOpResult, 100ms)) {
    }  // the answer to the registration's InventoryRequest
    const auto port = co_await open_passive(11);
    auto client = co_await connect_to_node(port);
    master.link->send(FakeMaster::start(transfer(11, link::SEND_FILE, "/pub/here.txt")));
    EXPECT_EQ(co_await read_all(client), "content");
    auto done = co_await done_event();
    EXPECT_TRUE(done.ok());
    EXPECT_FALSE(done.refused());
    EXPECT_FALSE(co_await master.next(Body::kOpResult, 200ms));  // nothing answered the event

    // A file the node does not have: refused, in the TransferDone.
    const auto second = co_await open_passive(12);
    auto other = co_await connect_to_node(second);
    master.link->send(FakeMaster::start(transfer(12, link::SEND_FILE, "/pub/missing.txt")));
    done = co_await done_event();
    EXPECT_EQ(done.ticket(), 12u);
    EXPECT_FALSE(done.ok());
    EXPECT_TRUE(done.refused());
    EXPECT_NE(done.error().find("missing.txt"), std::string::npos) << done.error();
    EXPECT_EQ(co_await read_all(other), "");  // its connection is closed

    // And a ticket it never opened.
    master.link->send(FakeMaster::start(transfer(13, link::SEND_BYTES)));
    done = co_await done_event();
    EXPECT_EQ(done.ticket(), 13u);
    EXPECT_TRUE(done.refused());
  });
}

TEST_F(NodeServerTest, PassiveRetrFromAnOffset) {
  const auto content = random_bytes(3 * 1024 * 1024 + 3);
  root.write("pub/big.bin", content);
  run([&]() -> asio::awaitable<void> {
    co_await connect_node();
    const auto port = co_await open_passive(1);
    EXPECT_GE(port, 32200);
    EXPECT_LE(port, 32299);
    auto client = co_await connect_to_node(port);  // before StartTransfer, as clients do
    auto st = transfer(1, link::SEND_FILE, "/pub/big.bin");
    st.set_offset(1000);
    EXPECT_TRUE((co_await start(st)).ok());
    const auto received = co_await read_all(client);
    EXPECT_TRUE(received == content.substr(1000));
    const auto done = co_await done_event();
    EXPECT_EQ(done.ticket(), 1u);
    EXPECT_TRUE(done.ok()) << done.error();
    EXPECT_EQ(done.bytes(), content.size() - 1000);
  });
}

TEST_F(NodeServerTest, ClientMayConnectAfterStartTransfer) {
  root.write("f.txt", "late client");
  run([&]() -> asio::awaitable<void> {
    co_await connect_node();
    const auto port = co_await open_passive(1);
    EXPECT_TRUE((co_await start(transfer(1, link::SEND_FILE, "/f.txt"))).ok());
    co_await pause(100ms);
    auto client = co_await connect_to_node(port);
    EXPECT_EQ(co_await read_all(client), "late client");
    EXPECT_TRUE((co_await done_event()).ok());
  });
}

TEST_F(NodeServerTest, ActiveStorIsStoredAtomicallyWithItsCrc) {
  const auto content = random_bytes(2 * 1024 * 1024, 11);
  Listener client(io);
  run([&]() -> asio::awaitable<void> {
    co_await connect_node();
    auto st = transfer(2, link::RECV_FILE, "/up/new.bin");
    st.set_active_host(kClientIp);
    st.set_active_port(client.port());
    EXPECT_TRUE((co_await start(st)).ok());
    auto data = co_await client.acceptor.async_accept(asio::use_awaitable);
    EXPECT_EQ(data.remote_endpoint().address().to_string(), kNodeIp);  // dialled from data_address
    co_await asio::async_write(data, asio::buffer(content.substr(0, 1000)), asio::use_awaitable);
    co_await pause(100ms);
    EXPECT_TRUE(std::filesystem::exists(root.path() / "up/.fleetftp-part.2.new.bin"));
    EXPECT_FALSE(std::filesystem::exists(root.path() / "up/new.bin"));
    co_await asio::async_write(data, asio::buffer(content.substr(1000)), asio::use_awaitable);
    data.close();

    const auto done = co_await done_event();
    EXPECT_TRUE(done.ok()) << done.error();
    EXPECT_EQ(done.bytes(), content.size());
    EXPECT_EQ(done.file_size(), content.size());
    EXPECT_EQ(done.crc32(), crc_of(content));
    EXPECT_GT(done.mtime(), 0);
    EXPECT_TRUE(root.read("up/new.bin") == content);
    EXPECT_FALSE(std::filesystem::exists(root.path() / "up/.fleetftp-part.2.new.bin"));
  });
}

TEST_F(NodeServerTest, StartTransferRefusalsSayWhy) {
  root.write("small.txt", "12345");
  run([&]() -> asio::awaitable<void> {
    co_await connect_node();
    co_await open_passive(3);
    auto missing = co_await start(transfer(3, link::SEND_FILE, "/missing.txt"));
    EXPECT_FALSE(missing.ok());
    EXPECT_TRUE(missing.not_found());
    EXPECT_FALSE(missing.error().empty());
    // The refused ticket is forgotten.
    EXPECT_FALSE((co_await start(transfer(3, link::SEND_FILE, "/small.txt"))).ok());

    co_await open_passive(4);
    auto st = transfer(4, link::SEND_FILE, "/small.txt");
    st.set_offset(6);
    auto beyond = co_await start(st);
    EXPECT_FALSE(beyond.ok());
    EXPECT_FALSE(beyond.not_found());

    co_await open_passive(5);
    auto escape = co_await start(transfer(5, link::RECV_FILE, "/../outside.txt"));
    EXPECT_FALSE(escape.ok());
    EXPECT_FALSE(std::filesystem::exists(root.path().parent_path() / "outside.txt"));

    EXPECT_FALSE((co_await start(transfer(99, link::SEND_FILE, "/small.txt"))).ok());  // never opened
    EXPECT_FALSE((co_await master.next(Body::kTransferDone, 200ms)).has_value());
  });
}

TEST_F(NodeServerTest, AbortWhileWaitingForTheClient) {
  root.write("f.txt", "data");
  run([&]() -> asio::awaitable<void> {
    co_await connect_node();
    co_await open_passive(6, 10000);
    EXPECT_TRUE((co_await start(transfer(6, link::SEND_FILE, "/f.txt"))).ok());
    auto reply = co_await master.call(FakeMaster::abort(6));
    EXPECT_TRUE(reply && reply->op_result().ok());
    const auto done = co_await done_event(1s);
    EXPECT_FALSE(done.ok());
    EXPECT_TRUE(done.aborted());
    // Unknown tickets abort fine too.
    reply = co_await master.call(FakeMaster::abort(12345));
    EXPECT_TRUE(reply && reply->op_result().ok());
  });
}

TEST_F(NodeServerTest, AbortDuringADownloadStopsIt) {
  const std::string content(32 * 1024 * 1024, 'h');  // more than the socket buffers hold
  root.write("huge.bin", content);
  run([&]() -> asio::awaitable<void> {
    co_await connect_node();
    const auto port = co_await open_passive(7);
    auto client = co_await connect_to_node(port);
    EXPECT_TRUE((co_await start(transfer(7, link::SEND_FILE, "/huge.bin"))).ok());
    // The client reads nothing, so the node is stuck on a full socket.
    auto beat = co_await master.next(Body::kHeartbeat, 3s);
    EXPECT_TRUE(beat && beat->heartbeat().active_transfers() == 1);
    auto reply = co_await master.call(FakeMaster::abort(7));
    EXPECT_TRUE(reply && reply->op_result().ok());
    const auto done = co_await done_event();
    EXPECT_TRUE(done.aborted());
    EXPECT_FALSE(done.ok());
    EXPECT_LT(done.bytes(), content.size());
    const auto received = co_await read_all(client);
    EXPECT_LT(received.size(), content.size());
  });
}

TEST_F(NodeServerTest, NoClientInTimeIsAConnectFailure) {
  root.write("f.txt", "data");
  run([&]() -> asio::awaitable<void> {
    co_await connect_node();
    co_await open_passive(8, 300);
    EXPECT_TRUE((co_await start(transfer(8, link::SEND_FILE, "/f.txt"))).ok());
    const auto done = co_await done_event(2s);
    EXPECT_FALSE(done.ok());
    EXPECT_TRUE(done.connect_failed());
  });
}

TEST_F(NodeServerTest, UnusedListenerIsDroppedSilently) {
  root.write("f.txt", "data");
  run([&]() -> asio::awaitable<void> {
    co_await connect_node();
    const auto port = co_await open_passive(9, 200);
    EXPECT_FALSE((co_await master.next(Body::kTransferDone, 600ms)).has_value());
    EXPECT_FALSE((co_await start(transfer(9, link::SEND_FILE, "/f.txt"))).ok());
    tcp::socket late(io);
    auto [ec] = co_await late.async_connect({asio::ip::make_address(kNodeIp), port}, net::use_tuple);
    EXPECT_EQ(ec, asio::error::connection_refused);
  });
}

TEST_F(NodeServerTest, ActiveDialFailureIsAConnectFailure) {
  root.write("f.txt", "data");
  std::uint16_t closed_port;
  {
    Listener probe(io);
    closed_port = probe.port();
  }
  run([&]() -> asio::awaitable<void> {
    co_await connect_node();
    auto st = transfer(10, link::SEND_FILE, "/f.txt");
    st.set_active_host(kClientIp);
    st.set_active_port(closed_port);
    EXPECT_TRUE((co_await start(st)).ok());
    const auto done = co_await done_event();
    EXPECT_FALSE(done.ok());
    EXPECT_TRUE(done.connect_failed());
    EXPECT_FALSE(done.error().empty());
  });
}

TEST_F(NodeServerTest, AppendAndRestReportTheWholeFile) {
  root.write("f.txt", "hello ");
  run([&]() -> asio::awaitable<void> {
    co_await connect_node();
    auto appe = transfer(11, link::RECV_FILE, "/f.txt");
    appe.set_append(true);
    auto done = co_await passive_upload(11, appe, "world");
    EXPECT_TRUE(done.ok()) << done.error();
    EXPECT_EQ(root.read("f.txt"), "hello world");
    EXPECT_EQ(done.file_size(), 11u);
    EXPECT_EQ(done.crc32(), crc_of("hello world"));

    auto rest = transfer(12, link::RECV_FILE, "/f.txt");
    rest.set_offset(5);
    done = co_await passive_upload(12, rest, "XY");
    EXPECT_TRUE(done.ok()) << done.error();
    EXPECT_EQ(root.read("f.txt"), "helloXY");
    EXPECT_EQ(done.file_size(), 7u);
    EXPECT_EQ(done.crc32(), crc_of("helloXY"));

    auto appe_new = transfer(13, link::RECV_FILE, "/new/appended.txt");
    appe_new.set_append(true);
    done = co_await passive_upload(13, appe_new, "first");
    EXPECT_TRUE(done.ok()) << done.error();
    EXPECT_EQ(root.read("new/appended.txt"), "first");
  });
}

// [node] sync_uploads = true: the flushes must not change what is stored or reported.
class SyncingNodeServerTest : public NodeServerTest {
 protected:
  void SetUp() override {
    sync_uploads = true;
    start_node();
  }
};

TEST_F(SyncingNodeServerTest, NewAndAppendedUploadsAreStoredAndReportedAsWithout) {
  const auto content = random_bytes(100000, 12);
  run([&]() -> asio::awaitable<void> {
    co_await connect_node();
    const auto fresh = transfer(21, link::RECV_FILE, "/synced/new.bin");
    auto done = co_await passive_upload(21, fresh, content);
    EXPECT_TRUE(done.ok()) << done.error();
    EXPECT_EQ(done.file_size(), content.size());
    EXPECT_EQ(done.crc32(), crc_of(content));
    EXPECT_TRUE(root.read("synced/new.bin") == content);
    EXPECT_FALSE(std::filesystem::exists(root.path() / "synced/.fleetftp-part.21.new.bin"));

    auto appe = transfer(22, link::RECV_FILE, "/synced/new.bin");
    appe.set_append(true);
    done = co_await passive_upload(22, appe, "tail");
    EXPECT_TRUE(done.ok()) << done.error();
    EXPECT_EQ(done.file_size(), content.size() + 4);
    EXPECT_EQ(done.crc32(), crc_of(content + "tail"));
  });
}

TEST_F(NodeServerTest, AsciiConvertsLineEndsBothWays) {
  run([&]() -> asio::awaitable<void> {
    co_await connect_node();
    auto port = co_await open_passive(14);
    auto stor = transfer(14, link::RECV_FILE, "/text.txt");
    stor.set_ascii(true);
    EXPECT_TRUE((co_await start(stor)).ok());
    {
      auto client = co_await connect_to_node(port);
      co_await asio::async_write(client, asio::buffer(std::string("one\r\ntwo\r\n")), asio::use_awaitable);
      client.shutdown(tcp::socket::shutdown_send);
      auto done = co_await done_event();
      EXPECT_TRUE(done.ok()) << done.error();
      EXPECT_EQ(done.bytes(), 10u);
      EXPECT_EQ(done.file_size(), 8u);
      EXPECT_EQ(done.crc32(), crc_of("one\ntwo\n"));
    }
    EXPECT_EQ(root.read("text.txt"), "one\ntwo\n");

    port = co_await open_passive(15);
    auto retr = transfer(15, link::SEND_FILE, "/text.txt");
    retr.set_ascii(true);
    EXPECT_TRUE((co_await start(retr)).ok());
    auto client = co_await connect_to_node(port);
    EXPECT_EQ(co_await read_all(client), "one\r\ntwo\r\n");
    const auto done = co_await done_event();
    EXPECT_TRUE(done.ok());
    EXPECT_EQ(done.bytes(), 10u);
  });
}

TEST_F(NodeServerTest, SendBytesDeliversTheListing) {
  run([&]() -> asio::awaitable<void> {
    co_await connect_node();
    const auto port = co_await open_passive(16);
    auto client = co_await connect_to_node(port);
    auto st = transfer(16, link::SEND_BYTES);
    st.set_payload("-rw-r--r-- 1 ftp ftp 5 Jan 1 00:00 a.txt\r\n");
    EXPECT_TRUE((co_await start(st)).ok());
    EXPECT_EQ(co_await read_all(client), st.payload());
    EXPECT_TRUE((co_await done_event()).ok());
  });
}

TEST_F(NodeServerTest, RelayFromPeerSplicesThePeersBytesToTheClient) {
  const auto content = random_bytes(1024 * 1024 + 5, 21);
  Listener peer(io);
  run([&]() -> asio::awaitable<void> {
    co_await connect_node();
    const auto port = co_await open_passive(17);
    auto client = co_await connect_to_node(port);
    auto st = transfer(17, link::RELAY_FROM_PEER);
    st.set_peer_host(kClientIp);
    st.set_peer_port(peer.port());
    EXPECT_TRUE((co_await start(st)).ok());
    auto from_node = co_await peer.acceptor.async_accept(asio::use_awaitable);
    EXPECT_EQ(from_node.remote_endpoint().address().to_string(), kNodeIp);
    auto feed = [&]() -> asio::awaitable<void> {
      co_await asio::async_write(from_node, asio::buffer(content), asio::use_awaitable);
      from_node.shutdown(tcp::socket::shutdown_send);
    };
    const auto received = co_await (feed() && read_all(client));
    EXPECT_TRUE(received == content);
    const auto done = co_await done_event();
    EXPECT_TRUE(done.ok()) << done.error();
    EXPECT_EQ(done.bytes(), content.size());
  });
}

TEST_F(NodeServerTest, RelayToPeerSplicesTheClientsBytesToThePeer) {
  const auto content = random_bytes(1024 * 1024 + 7, 22);
  Listener peer(io);
  run([&]() -> asio::awaitable<void> {
    co_await connect_node();
    const auto port = co_await open_passive(18);
    auto client = co_await connect_to_node(port);
    auto st = transfer(18, link::RELAY_TO_PEER);
    st.set_peer_host(kClientIp);
    st.set_peer_port(peer.port());
    EXPECT_TRUE((co_await start(st)).ok());
    auto to_peer = co_await peer.acceptor.async_accept(asio::use_awaitable);
    auto feed = [&]() -> asio::awaitable<void> {
      co_await asio::async_write(client, asio::buffer(content), asio::use_awaitable);
      client.shutdown(tcp::socket::shutdown_send);
    };
    const auto received = co_await (feed() && read_all(to_peer));
    EXPECT_TRUE(received == content);
    const auto done = co_await done_event();
    EXPECT_TRUE(done.ok()) << done.error();
    EXPECT_EQ(done.bytes(), content.size());
  });
}

TEST_F(NodeServerTest, AbortedUploadLeavesNothingUnlessKeepPartial) {
  root.write("old.bin", "previous version");
  run([&]() -> asio::awaitable<void> {
    co_await connect_node();
    for (const bool keep : {false, true}) {
      const std::uint64_t ticket = keep ? 20 : 19;
      const auto port = co_await open_passive(ticket);
      auto st = transfer(ticket, link::RECV_FILE, "/old.bin");
      st.set_keep_partial(keep);
      EXPECT_TRUE((co_await start(st)).ok());
      auto client = co_await connect_to_node(port);
      co_await asio::async_write(client, asio::buffer(std::string(1000, 'n')), asio::use_awaitable);
      co_await pause(200ms);
      co_await master.call(FakeMaster::abort(ticket));
      const auto done = co_await done_event();
      EXPECT_TRUE(done.aborted());
      EXPECT_EQ(done.bytes(), 1000u);
      if (keep) {
        EXPECT_EQ(root.read("old.bin"), std::string(1000, 'n'));
        EXPECT_EQ(done.file_size(), 1000u);
        EXPECT_EQ(done.crc32(), crc_of(std::string(1000, 'n')));
      } else {
        EXPECT_EQ(root.read("old.bin"), "previous version");
      }
      EXPECT_FALSE(std::filesystem::exists(root.path() / (".fleetftp-part." + std::to_string(ticket) + ".old.bin")));
    }
  });
}

TEST_F(NodeServerTest, LinkLossAbortsRunningTransfers) {
  root.write("huge.bin", std::string(32 * 1024 * 1024, 'h'));
  run([&]() -> asio::awaitable<void> {
    co_await connect_node();
    const auto port = co_await open_passive(21);
    auto client = co_await connect_to_node(port);
    EXPECT_TRUE((co_await start(transfer(21, link::SEND_FILE, "/huge.bin"))).ok());
    co_await pause(200ms);
    master.link->close();
    const auto received = co_await read_all(client);  // ends early: the node closed it
    EXPECT_LT(received.size(), 32u * 1024 * 1024);
    EXPECT_TRUE(co_await master.accept_node());
  });
}

TEST_F(NodeServerTest, FileOpsOverTheLink) {
  root.write("dir/a.txt", "123456789");
  run([&]() -> asio::awaitable<void> {
    co_await connect_node();
    auto reply = co_await master.call(FakeMaster::file_op(link::STAT, "/dir/a.txt"));
    EXPECT_TRUE(reply && reply->op_result().ok());
    if (reply) {
      EXPECT_EQ(reply->op_result().crc32(), 0xCBF43926u);
    }
    reply = co_await master.call(FakeMaster::file_op(link::RENAME, "/dir/a.txt", "/other/b.txt"));
    EXPECT_TRUE(reply && reply->op_result().ok());
    EXPECT_EQ(root.read("other/b.txt"), "123456789");
    reply = co_await master.call(FakeMaster::file_op(link::DELETE, "/dir/a.txt"));
    EXPECT_TRUE(reply && !reply->op_result().ok() && reply->op_result().not_found());
  });
}

}  // namespace
}  // namespace fleet::node
