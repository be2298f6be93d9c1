#include "master/transfer_recorder.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <exception>
#include <vector>

namespace fleet::master {

TransferRecorder::TransferRecorder(asio::any_io_executor ex, meta::MetaStore& store, TransferLog& xferlog,
                                   std::chrono::milliseconds delay)
    : store_(store), xferlog_(xferlog), delay_(delay), timer_(std::move(ex)) {}

TransferRecorder::~TransferRecorder() {
  flush();
  if (!pending_.empty())
    spdlog::error("{} finished transfer(s) not recorded in the metadata store at shutdown: the database is locked "
                  "by another process; the xferlog has them",
                  pending_.size());
}

void TransferRecorder::add(meta::TransferRecord record, bool ascii) {
  xferlog_.write(record, ascii);
  pending_.push_back(std::move(record));
  if (pending_.size() > kMaxPending) {
    // Only while the database stays locked: memory stays bounded.
    const std::size_t drop = pending_.size() - kMaxPending;
    pending_.erase(pending_.begin(), pending_.begin() + static_cast<std::ptrdiff_t>(drop));
    spdlog::error("{} transfer record(s) dropped from the metadata store (more than {} waiting for the locked "
                  "database); the xferlog has them",
                  drop, kMaxPending);
  }
  // While the database is locked, the retry timer decides when to try again.
  if (retry_pause_.count() > 0) return;
  if (pending_.size() >= kMaxBatch) {
    flush();
    return;
  }
  if (!timer_armed_) arm(delay_);
}

void TransferRecorder::arm(std::chrono::milliseconds after) {
  timer_armed_ = true;
  timer_.expires_after(after);
  timer_.async_wait([this](std::error_code ec) {
    if (ec == asio::error::operation_aborted) return;  // flushed early, or shutting down
    timer_armed_ = false;
    flush();
  });
}

void TransferRecorder::flush() {
  if (timer_armed_) {
    timer_armed_ = false;
    timer_.cancel();
  }
  xferlog_.flush();
  if (pending_.empty()) return;
  // One transaction per kMaxBatch: a long backlog after a lock does not make
  // one huge transaction.
  while (!pending_.empty()) {
    const std::size_t n = std::min(pending_.size(), kMaxBatch);
    std::vector<meta::TransferRecord> batch(pending_.begin(), pending_.begin() + static_cast<std::ptrdiff_t>(n));
    try {
      store_.record_transfers(batch);
    } catch (const meta::StoreBusy& e) {
      if (retry_pause_.count() == 0) {
        spdlog::warn("{} finished transfer(s) wait to be recorded: the metadata database is locked by another "
                     "process ({})",
                     pending_.size(), e.what());
      }
      retry_pause_ = std::min(std::max({retry_pause_ * 2, delay_, std::chrono::milliseconds(10)}), kMaxRetryPause);
      arm(retry_pause_);
      return;
    } catch (const std::exception& e) {
      // The transfers themselves succeeded or failed already; only their log
      // rows are lost, and the xferlog still has them.
      spdlog::error("could not record {} finished transfer(s) in the metadata store: {}", n, e.what());
    }
    pending_.erase(pending_.begin(), pending_.begin() + static_cast<std::ptrdiff_t>(n));
    if (retry_pause_.count() > 0) {
      spdlog::info("the metadata database is writable again; recording the waiting transfers");
      retry_pause_ = std::chrono::milliseconds(0);
    }
  }
}

}  // namespace fleet::master
