// The replicator's schedule under a manual clock: a node lost after the last
// sweep must be swept for at the end of its grace period, not at the next
// hourly sweep. The store is a real SQLite file; the nodes are registry
// entries without a link (nothing here copies a byte).
#include "master/replicator.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <functional>

#include "../support/manual_clock.hpp"
#include "../support/temp_dir.hpp"

namespace fleet::master {
namespace {

using namespace std::chrono_literals;

class ReplicatorScheduleTest : public ::testing::Test {
 protected:
  ReplicatorScheduleTest() : nodes_(clock_) {
    config_.rereplicate_after = kGrace;
    config_.replication.default_copies = 2;
    config_.replication_workers = 1;
    store_ = meta::open_sqlite_store(dir_.path() / "meta.sqlite");
    attach("n1");
    attach("n2");
    EXPECT_EQ(store_->put_file("/f", 10, 0, "demo", 0, "n1"), meta::Status::Ok);
    EXPECT_EQ(store_->add_copy("/f", "n2"), meta::Status::Ok);
    EXPECT_EQ(store_->set_replicas("/f", 2), meta::Status::Ok);
    replicator_ = std::make_unique<Replicator>(io_.get_executor(), nodes_, *store_, config_);
    replicator_->start();
    settle();
  }
  ~ReplicatorScheduleTest() override {
    replicator_->stop();
    settle();
  }

  void attach(const std::string& name) {
    NodeInfo n;
    n.name = name;
    n.state = NodeState::Online;
    nodes_.attach(std::move(n));
  }

  // Runs the event loop until `done` holds (the sweep's search runs on a
  // thread of its own, so this may take a few rounds) or 10 s pass.
  bool run_until(const std::function<bool()>& done) {
    const auto deadline = std::chrono::steady_clock::now() + 10s;
    while (!done()) {
      if (std::chrono::steady_clock::now() > deadline) return false;
      io_.restart();
      io_.run_for(5ms);
    }
    return true;
  }
  // Runs what is ready now, and what its search thread finishes meanwhile.
  void settle() {
    io_.restart();
    io_.run_for(20ms);
  }
  std::uint64_t sweeps() const { return replicator_->stats().sweeps; }

  static constexpr auto kGrace = 300s;
  testing::TempDir dir_;
  testing::ManualClock clock_;
  asio::io_context io_;
  NodeRegistry nodes_;
  config::ClusterConfig config_;
  std::unique_ptr<meta::MetaStore> store_;
  std::unique_ptr<Replicator> replicator_;
};

TEST_F(ReplicatorScheduleTest, SweepsOnceAtStartThenRests) {
  clock_.advance(6s);
  ASSERT_TRUE(run_until([&] { return sweeps() == 1; }));
  // Nothing happened since: the next sweep is the hourly one.
  clock_.advance(30min);
  settle();
  EXPECT_EQ(sweeps(), 1u);
  clock_.advance(31min);
  ASSERT_TRUE(run_until([&] { return sweeps() == 2; }));
}

TEST_F(ReplicatorScheduleTest, NodeLostAfterTheLastSweepIsSweptForAfterItsGracePeriod) {
  clock_.advance(6s);
  ASSERT_TRUE(run_until([&] { return sweeps() == 1; }));
  clock_.advance(12s);  // the loss comes after the sweep, as in a running cluster
  settle();
  nodes_.detach("n2", nullptr, "node n2 killed");
  settle();
  // Within the grace period n2's copy still counts: no sweep yet.
  clock_.advance(kGrace - 1s);
  settle();
  EXPECT_EQ(sweeps(), 1u);
  // Past it, a sweep finds /f short of a copy and queues it. (Without a
  // third node no copy can be made: the worker remembers /f as unplaced.)
  clock_.advance(3s);
  ASSERT_TRUE(run_until([&] { return sweeps() == 2; })) << "no sweep after the lost node's grace period";
  EXPECT_TRUE(run_until([&] { return replicator_->queued() == 0; }));
}

TEST_F(ReplicatorScheduleTest, NodeBackWithinItsGracePeriodCostsNoSweep) {
  clock_.advance(6s);
  ASSERT_TRUE(run_until([&] { return sweeps() == 1; }));
  nodes_.detach("n2", nullptr, "node n2 restarted");
  settle();
  clock_.advance(10s);
  attach("n2");
  settle();
  clock_.advance(kGrace);
  settle();
  EXPECT_EQ(sweeps(), 1u);
}

}  // namespace
}  // namespace fleet::master
