#include "master/replicator.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <utility>

#include "master/node_calls.hpp"
#include "master/node_copy.hpp"
#include "net/run_on.hpp"
#include "net/spawn.hpp"
#include "net/use_tuple.hpp"

namespace fleet::master {

namespace {
constexpr auto kScanInterval = std::chrono::seconds(5);
constexpr std::size_t kScanBatch = 500;
// A sweep examines this many entry ids per step (about 2 ms of SQLite work),
// then pauses so that sessions and node heartbeats go first: searching 10
// million files in one call blocked them for over 10 s (long enough for the
// master to declare syncing nodes dead), and steps of 20,000 ids queued
// behind every I/O completion still made a LIST of 10,000 entries 25 times
// slower while a sweep ran.
constexpr std::int64_t kScanWindow = 2000;
constexpr auto kScanPause = std::chrono::milliseconds(2);
// Even so, a LIST of 10,000 entries took 10x as long while a sweep ran: each
// of its I/O completions queued behind a step. On the sweep's own thread and
// connection a step holds up nothing, so steps there are large, and each
// costs the event loop one wake-up.
constexpr std::int64_t kThreadScanWindow = 100000;
// Between sweeps the replicator rests this many times as long as the last
// sweep took (at least kScanInterval), so that with millions of files its
// background search keeps to a fifth of the master's time.
constexpr int kRestFactor = 4;
// Sweeps run when something may have left files short of copies (see
// scan_loop); without any such event, this often anyway, as a safety net.
constexpr auto kIdleSweepInterval = std::chrono::hours(1);
constexpr int kAttempts = 3;
// Paths remembered (unplaced files, or a node's forgotten copies) before a
// sweep is cheaper than the memory: about 100 bytes each.
constexpr std::size_t kMaxRemembered = 100000;
constexpr auto kCopyTimeout = std::chrono::hours(6);
}  // namespace

Replicator::Replicator(asio::any_io_executor ex, NodeRegistry& nodes, meta::MetaStore& store,
                       const config::ClusterConfig& config)
    : ex_(ex),
      nodes_(nodes),
      store_(store),
      config_(config),
      clock_(nodes.clock()),
      work_ready_(ex),
      scan_alarm_(clock_.alarm(ex)),
      last_sweep_end_(clock_.now()) {
  nodes_.set_loss_listener([this](const std::string& node) { node_lost(node); });
  // A condition variable: it never expires; request() and stop() cancel the
  // waits to wake every worker. Setting the expiry in each worker instead
  // would cancel the other workers' waits and make them spin.
  work_ready_.expires_at(asio::steady_timer::time_point::max());
}

Replicator::~Replicator() {
  nodes_.set_loss_listener({});
  // A search still running uses sweep_store_: let it finish first.
  sweep_thread_.join();
}

void Replicator::start() {
  started_at_ = clock_.now();
  awaited_ = store_.nodes_with_copies();
  if (!awaited_.empty())
    spdlog::info("{} node(s) hold copies; until each connects, its copies count as present for {} s after start "
                 "([replication] grace_seconds)",
                 awaited_.size(), config_.rereplicate_after.count());
  // Each path's and each sweep's failure is caught inside; these restart
  // the loops should anything else in them throw.
  net::spawn_restarting(ex_, [this] { return scan_loop(); }, "the replication scan loop");
  for (int i = 0; i < config_.replication_workers; ++i)
    net::spawn_restarting(ex_, [this] { return worker(); }, "replication worker " + std::to_string(i + 1));
}

void Replicator::stop() {
  stopping_ = true;
  work_ready_.cancel();
  scan_alarm_->cancel();
}

void Replicator::request(const std::string& path) {
  if (!queued_.insert(path).second) return;
  queue_.push_back(path);
  work_ready_.cancel();
}

void Replicator::scan_soon() {
  // A sweep in progress does not wait on the timer; it looks at rescan_
  // when it ends.
  sweep_wanted_ = true;
  rescan_ = true;
  scan_alarm_->cancel();
}

void Replicator::node_lost(const std::string& node) {
  spdlog::debug("replication: {} lost; sweeping after its grace period ({} s) unless it returns", node,
                config_.rereplicate_after.count());
  // The scan loop waits for the sweep it computed before the loss (maybe an
  // hour away): wake it to compute the new one. Unlike scan_soon(), this
  // asks for no sweep now: the node's copies still count until then.
  scan_alarm_->cancel();
}

void Replicator::node_in_service(const std::vector<std::string>& forgotten) {
  if (forgotten.size() > kMaxRemembered) {
    scan_soon();
  } else {
    for (const auto& path : forgotten) request(path);
  }
  for (const auto& path : std::exchange(unplaced_, {})) request(path);
  if (std::exchange(unplaced_overflow_, false)) scan_soon();
}

void Replicator::remember_unplaced(const std::string& path) {
  if (unplaced_.size() < kMaxRemembered) unplaced_.insert(path);
  else unplaced_overflow_ = true;
}

// Nodes whose copies count: the connected ones (a syncing node's missing
// copies come back from its inventory, see node_in_service), those lost less
// than the grace period ago, and, for the grace period after the master
// started, those that held copies then and have not connected since. A node
// may well come back: copying everything it held at the first hiccup, or
// while it is slower than the others to start, would flood the rest.
std::vector<std::string> Replicator::counted_nodes() const {
  std::vector<std::string> out;
  for (auto* n : const_cast<NodeRegistry&>(nodes_).online()) out.push_back(n->name);
  const auto now = clock_.now();
  const auto& lost = nodes_.lost();
  for (const auto& [name, when] : lost)
    if (now - when < config_.rereplicate_after) out.push_back(name);
  if (now - started_at_ < config_.rereplicate_after)
    for (const auto& name : awaited_)
      if (!lost.contains(name) && !nodes_.connected(name)) out.push_back(name);
  return out;
}

std::size_t Replicator::counted_copies(const std::vector<std::string>& holders) const {
  const auto counted = counted_nodes();
  return static_cast<std::size_t>(std::count_if(holders.begin(), holders.end(), [&](const std::string& n) {
    return std::find(counted.begin(), counted.end(), n) != counted.end();
  }));
}

// When the next sweep is due. A sweep is needed only when files may have
// fallen short of copies without the replicator knowing which: at start,
// when a lost node's grace period runs out (its copies stop counting), when
// the last sweep stopped with a full queue, when copies failed, and when
// more files were short than it could remember (node_in_service). Otherwise searching millions of files
// to find none would take a fifth of the master's time for ever.
net::Clock::time_point Replicator::next_sweep(net::Clock::time_point earliest) const {
  const auto now = clock_.now();
  if (sweep_wanted_ || stats_.copies_failed != failures_at_last_sweep_) return std::max(earliest, now);
  auto due = last_sweep_end_ + kIdleSweepInterval;
  // A lost node, or one awaited since start, stops counting at the end of
  // its grace period: sweep then.
  auto sweep_after = [&](net::Clock::time_point since) {
    const auto expiry = since + config_.rereplicate_after;
    if (expiry > last_sweep_start_) due = std::min(due, expiry + std::chrono::seconds(1));
  };
  const auto& lost = nodes_.lost();
  for (const auto& [name, when] : lost) sweep_after(when);
  // Awaited nodes that connected since (or were lost, and count as such)
  // leave nothing to sweep for.
  const bool still_awaited = std::any_of(awaited_.begin(), awaited_.end(), [&](const std::string& name) {
    return !nodes_.connected(name) && !lost.contains(name);
  });
  if (still_awaited) sweep_after(started_at_);
  return std::max(earliest, due);
}

asio::awaitable<void> Replicator::scan_loop() {
  auto earliest = clock_.now() + kScanInterval;
  while (!stopping_) {
    co_await scan_alarm_->wait_until(next_sweep(earliest));
    if (stopping_) break;
    // Woken early (scan_soon, node_lost): look again at what is due.
    if (clock_.now() < next_sweep(earliest)) continue;
    if (nodes_.online_count() == 0) {
      earliest = clock_.now() + kScanInterval;
      continue;
    }
    sweep_wanted_ = false;
    rescan_ = false;
    failures_at_last_sweep_ = stats_.copies_failed;
    last_sweep_start_ = clock_.now();
    bool complete = false;
    try {
      complete = co_await sweep();
    } catch (const std::exception& e) {
      spdlog::error("replication scan failed: {}; trying again in {} s", e.what(), kScanInterval.count());
    }
    ++stats_.sweeps;
    last_sweep_end_ = clock_.now();
    if (!complete) sweep_wanted_ = true;
    earliest = last_sweep_end_ + std::max<net::Clock::duration>(
                                     kScanInterval, kRestFactor * (last_sweep_end_ - last_sweep_start_));
    // scan_soon() during the sweep: the node set changed under it.
    if (rescan_) earliest = last_sweep_end_;
  }
}

meta::MetaStore* Replicator::sweep_store() {
  if (!sweep_store_ && !sweep_store_failed_) {
    try {
      sweep_store_ = store_.open_another();
    } catch (const std::exception& e) {
      spdlog::warn("replication sweeps search on the main metadata connection, in short steps: {}", e.what());
    }
    sweep_store_failed_ = !sweep_store_;
  }
  return sweep_store_.get();
}

asio::awaitable<bool> Replicator::sweep() {
  const auto counted = counted_nodes();
  auto* own = sweep_store();
  auto& store = own ? *own : store_;
  const auto window = own ? kThreadScanWindow : kScanWindow;
  const auto worker = sweep_thread_.get_executor();
  auto last_id = [&store] { return store.last_entry_id(); };
  std::int64_t last = 0;
  if (own) last = co_await net::run_on(worker, last_id);
  else last = last_id();
  asio::steady_timer pause(ex_);
  std::int64_t after = 0;
  std::size_t found = 0;
  const auto started = clock_.now();
  while (!stopping_ && after < last && queue_.size() < 10 * kScanBatch) {
    const std::int64_t up_to = std::min(last, after + window);
    auto search = [&store, &counted, after, up_to] { return store.under_replicated(counted, after, up_to, kScanBatch); };
    std::vector<meta::FileRef> batch;
    if (own) batch = co_await net::run_on(worker, search);
    else batch = search();
    for (const auto& f : batch) request(f.path);
    found += batch.size();
    // A full batch may have stopped inside the window: go on from its end.
    after = batch.size() == kScanBatch ? batch.back().id : up_to;
    if (own) continue;
    // A timer rather than a post: what became ready meanwhile runs first.
    pause.expires_after(kScanPause);
    co_await pause.async_wait(net::use_tuple);
  }
  const bool complete = after >= last;
  spdlog::info("replication scan {}: {} files below their copy count ({:.1f} s)",
               complete ? "done" : "stopped early", found,
               std::chrono::duration<double>(clock_.now() - started).count());
  co_return complete;
}

asio::awaitable<void> Replicator::worker() {
  while (!stopping_) {
    if (queue_.empty()) {
      co_await work_ready_.async_wait(net::use_tuple);
      continue;
    }
    auto path = std::move(queue_.front());
    queue_.pop_front();
    try {
      co_await replicate(path);
    } catch (const std::exception& e) {
      // A metadata error (a locked or full database) or a node's protocol
      // error: counted as a failed copy, so the next sweep comes soon and
      // finds the file again; the worker goes on with the next path.
      ++stats_.copies_failed;
      spdlog::error("replication of {} failed: {}; it is retried by the next sweep", path, e.what());
    }
    queued_.erase(path);
  }
}

asio::awaitable<void> Replicator::replicate(const std::string& path) {
  auto entry = store_.lookup(path);
  if (!entry || entry->is_dir) co_return;
  const int want = wanted(path);
  for (int copies = 0;; ++copies) {
    entry = store_.lookup(path);
    if (!entry) co_return;
    if (counted_copies(entry->nodes) >= static_cast<std::size_t>(want)) co_return;
    const bool readable = std::any_of(entry->nodes.begin(), entry->nodes.end(),
                                      [&](const std::string& n) { return nodes_.find_serving(n) != nullptr; });
    if (!readable) {
      remember_unplaced(path);  // copied when a holder is back in service
      co_return;
    }
    if (copies >= want + kAttempts) co_return;  // something keeps failing; the next scan tries again
    if ((co_await add_copy(path)).empty()) co_return;
  }
}

asio::awaitable<std::string> Replicator::add_copy(const std::string& path, const std::vector<std::string>& avoid) {
  for (int attempt = 1; attempt <= kAttempts; ++attempt) {
    auto entry = store_.lookup(path);
    if (!entry || entry->is_dir) co_return "";
    auto* source = nodes_.pick_holder(entry->nodes, path);
    std::vector<std::string> exclude = entry->nodes;
    exclude.insert(exclude.end(), avoid.begin(), avoid.end());
    auto* target = nodes_.pick_for_upload(path, exclude);
    if (!source || !target) {
      spdlog::debug("replication of {}: no {} node available", path, source ? "target" : "source");
      remember_unplaced(path);
      co_return "";
    }
    const std::string from = source->name, to = target->name;
    auto result = co_await copy_between_nodes(ex_, nodes_, path, from, to, kCopyTimeout);
    auto now = store_.lookup(path);
    if (!result.ok) {
      ++stats_.copies_failed;
      spdlog::warn("copy of {} from {} to {} failed (attempt {}): {}", path, from, to, attempt, result.error);
      continue;
    }
    const bool unchanged = now && !now->is_dir && now->size == entry->size && now->crc32 == entry->crc32;
    const bool good = result.size == entry->size && (!entry->has_crc || result.crc32 == entry->crc32);
    if (!unchanged || !good) {
      // A corrupt copy, or the file changed meanwhile: this copy is not one of it.
      if (!good) ++stats_.bad_copies;
      spdlog::warn("copy of {} on {} does not match the VFS ({}); deleting it", path, to,
                   good ? "the file changed meanwhile" : "size or CRC-32 differs");
      co_await node_file_op(nodes_, to, make_file_op(link::DELETE, path));
      if (!unchanged) co_return "";
      continue;
    }
    store_.add_copy(path, to);
    ++stats_.copies_made;
    spdlog::info("copied {} from {} to {} ({} bytes, CRC-32 {:08x} verified)", path, from, to, result.size,
                 result.crc32);
    co_return to;
  }
  co_return "";
}

}  // namespace fleet::master
