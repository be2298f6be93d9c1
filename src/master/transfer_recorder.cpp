#include "master/transfer_recorder.hpp"

#include <spdlog/spdlog.h>

#include <exception>

namespace fleet::master {

TransferRecorder::TransferRecorder(asio::any_io_executor ex, meta::MetaStore& store, TransferLog& xferlog,
                                   std::chrono::milliseconds delay)
    : store_(store), xferlog_(xferlog), delay_(delay), timer_(std::move(ex)) {}

TransferRecorder::~TransferRecorder() { flush(); }

void TransferRecorder::add(meta::TransferRecord record, bool ascii) {
  xferlog_.write(record, ascii);
  pending_.push_back(std::move(record));
  if (pending_.size() >= kMaxBatch) {
    flush();
    return;
  }
  if (timer_armed_) return;
  timer_armed_ = true;
  timer_.expires_after(delay_);
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
  try {
    store_.record_transfers(pending_);
  } catch (const std::exception& e) {
    // The transfers themselves succeeded or failed already; only their log
    // rows are lost, and the xferlog still has them.
    spdlog::error("could not record {} finished transfer(s) in the metadata store: {}", pending_.size(), e.what());
  }
  pending_.clear();
}

}  // namespace fleet::master
