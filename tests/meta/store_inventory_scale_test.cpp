// A returning node with 100,000 files, reported in batches of 1,000 as a node
// walks its disk. Prints how long reconciling takes (no timing assertions:
// the numbers depend on the machine and the build), and checks that the
// results are still right at that size.
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <ctime>
#include <limits>

#include "store_fixture.hpp"

namespace fleet::meta {
namespace {

using Clock = std::chrono::steady_clock;
using testing::StoreTest;

constexpr int kTop = 100;
constexpr int kSub = 10;
constexpr int kFiles = 100;  // per subdirectory: 100,000 in all
constexpr std::size_t kBatch = 1000;

std::string path_of_file(int top, int sub, int file) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "/d%03d/s%02d/f%04d", top, sub, file);
  return buf;
}

// The node's disk in walk order; `skip` leaves out every file whose running
// number it accepts.
template <class Skip>
std::vector<InventoryItem> disk(Skip skip) {
  std::vector<InventoryItem> items;
  items.reserve(kTop * kSub * kFiles);
  int n = 0;
  for (int t = 0; t < kTop; ++t) {
    for (int s = 0; s < kSub; ++s) {
      for (int f = 0; f < kFiles; ++f, ++n) {
        if (!skip(n)) items.push_back(InventoryItem{path_of_file(t, s, f), static_cast<std::uint64_t>(n), 1'700'000'000});
      }
    }
  }
  return items;
}

struct Timed {
  ReconcileResult total;
  double seconds = 0;       // wall clock
  double cpu_seconds = 0;   // this process's CPU time: what the number is when other work shares the machine
  double longest_batch = 0;
};

Timed reconcile_all(MetaStore& store, const std::string& node, std::int64_t gen,
                    const std::vector<InventoryItem>& items, UnknownFilePolicy policy) {
  Timed t;
  const std::clock_t cpu_start = std::clock();
  for (std::size_t at = 0; at < items.size(); at += kBatch) {
    std::vector<InventoryItem> batch(items.begin() + static_cast<std::ptrdiff_t>(at),
                                     items.begin() + static_cast<std::ptrdiff_t>(std::min(items.size(), at + kBatch)));
    const auto start = Clock::now();
    ReconcileResult r = store.reconcile_batch(node, gen, batch, policy);
    const double took = std::chrono::duration<double>(Clock::now() - start).count();
    t.seconds += took;
    t.longest_batch = std::max(t.longest_batch, took);
    t.total.known += r.known;
    t.total.adopted += r.adopted;
    t.total.conflicts += r.conflicts;
    t.total.skipped += r.skipped;
    t.total.quarantine.insert(t.total.quarantine.end(), r.quarantine.begin(), r.quarantine.end());
  }
  t.cpu_seconds = static_cast<double>(std::clock() - cpu_start) / CLOCKS_PER_SEC;
  return t;
}

double seconds_since(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

TEST_F(StoreTest, ReconcilesAHundredThousandFiles) {
  const std::size_t total = kTop * kSub * kFiles;

  // First contact: the namespace is empty and adopts everything.
  const auto everything = disk([](int) { return false; });
  const auto gen1 = store_->begin_inventory("n1");
  const Timed adopt = reconcile_all(*store_, "n1", gen1, everything, UnknownFilePolicy::Adopt);
  EXPECT_TRUE(store_->end_inventory("n1", gen1).empty());
  EXPECT_EQ(adopt.total.adopted, total);
  EXPECT_EQ(adopt.total.known, 0u);

  // Meanwhile, while the node is away: a directory is renamed and a file
  // deleted (both queued for it), and one file is overwritten with a
  // different size elsewhere.
  ASSERT_EQ(store_->rename("/d000/s00", "/d000/moved", nullptr), Status::Ok);
  store_->enqueue_node_op("n1", NodeOp::Kind::Rename, "/d000/s00", "/d000/moved");
  ASSERT_EQ(store_->remove_file("/d001/s00/f0000", nullptr), Status::Ok);
  store_->enqueue_node_op("n1", NodeOp::Kind::Delete, "/d001/s00/f0000", "");
  ASSERT_EQ(store_->put_file("/d002/s00/f0000", 1, 1, "alice", 0, "n2"), Status::Ok);

  // The return: 1% of the files are gone from the disk.
  const auto returned = disk([](int n) { return n % 100 == 99; });
  const auto start = Clock::now();
  const auto gen2 = store_->begin_inventory("n1");
  const Timed known = reconcile_all(*store_, "n1", gen2, returned, UnknownFilePolicy::Adopt);
  const auto end_start = Clock::now();
  const auto lost = store_->end_inventory("n1", gen2);
  const double end_seconds = seconds_since(end_start);
  const double whole = seconds_since(start);

  // /d000/s00 (100 files, 99 reported) and the deleted file are skipped.
  EXPECT_EQ(known.total.skipped, 99u + 1u);
  EXPECT_EQ(known.total.conflicts, 1u);
  EXPECT_EQ(known.total.quarantine, std::vector<std::string>{"/d002/s00/f0000"});
  EXPECT_EQ(known.total.known, returned.size() - 100 - 1);
  EXPECT_EQ(known.total.adopted, 0u);
  // Forgotten: exactly the 1% not reported, the one under the renamed
  // directory by its new name. (The overwritten file's copy on n1 went with
  // the overwrite, and the deleted file with its entry.)
  EXPECT_EQ(lost.size(), total / 100);
  EXPECT_TRUE(std::binary_search(lost.begin(), lost.end(), "/d000/moved/f0099"));
  EXPECT_EQ(store_->lookup("/d000/moved/f0000")->nodes, std::vector<std::string>{"n1"});

  // The background jobs' scans over the same namespace.
  const auto scan_start = Clock::now();
  std::size_t scanned = 0;
  for (std::int64_t after = 0;;) {
    auto page = store_->files_batch(after, kBatch);
    if (page.empty()) break;
    scanned += page.size();
    after = page.back().id;
  }
  const double scan_seconds = seconds_since(scan_start);
  EXPECT_EQ(scanned, total - 1);  // the deleted one
  const auto under_start = Clock::now();
  auto under = store_->under_replicated({"n1", "n2"}, 0, 10);
  const double under_seconds = seconds_since(under_start);
  ASSERT_FALSE(under.empty());

  std::printf(
      "[ scale    ] 100,000 files in batches of %zu: adopt %.2f s (cpu %.2f s), reconcile %.2f s (cpu %.2f s, "
      "longest batch %.1f ms), end %.1f ms, begin-to-end %.2f s; files_batch scan %.2f s; "
      "under_replicated first page %.1f ms\n",
      kBatch, adopt.seconds, adopt.cpu_seconds, known.seconds, known.cpu_seconds, known.longest_batch * 1000,
      end_seconds * 1000, whole, scan_seconds, under_seconds * 1000);
  RecordProperty("adopt_ms", static_cast<int>(adopt.seconds * 1000));
  RecordProperty("reconcile_ms", static_cast<int>(known.seconds * 1000));
  RecordProperty("reconcile_cpu_ms", static_cast<int>(known.cpu_seconds * 1000));
  RecordProperty("longest_batch_ms", static_cast<int>(known.longest_batch * 1000));
  RecordProperty("end_ms", static_cast<int>(end_seconds * 1000));
}

}  // namespace
}  // namespace fleet::meta
