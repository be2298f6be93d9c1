// TransferRecorder: the record of every finished transfer, in the metadata
// store's `transfers` table and in the xferlog. Records are collected for a
// short while and written in one transaction, so that a burst of small files
// does not pay a SQLite commit (and an xferlog flush) per file on the path to
// the client's 226. A crash loses at most the last `delay` of records; the
// files themselves are recorded in the VFS before the 226, as before.
//
// The event loop never waits for the database: when another process holds
// its write lock (the store throws StoreBusy), the batch stays pending and is
// tried again on the timer, with pauses doubling up to kMaxRetryPause, until
// the lock is released. At most kMaxPending records wait meanwhile; past that
// the oldest are dropped from the table with an error (the xferlog, written
// at once, still has every one). Any other store error drops the batch with
// an error, as retrying a full disk or a corrupt file would not help.
//
// Threading: one event loop; add() and flush() never throw.
#pragma once

#include <asio.hpp>
#include <chrono>
#include <cstddef>
#include <deque>

#include "master/transfer_log.hpp"
#include "meta/store.hpp"

namespace fleet::master {

class TransferRecorder {
 public:
  static constexpr std::chrono::milliseconds kDefaultDelay{200};
  static constexpr std::size_t kMaxBatch = 512;
  static constexpr std::size_t kMaxPending = 50'000;
  static constexpr std::chrono::milliseconds kMaxRetryPause{1000};

  TransferRecorder(asio::any_io_executor ex, meta::MetaStore& store, TransferLog& xferlog,
                   std::chrono::milliseconds delay = kDefaultDelay);
  // Writes what is still pending (once: a locked database at shutdown loses
  // the table rows, logged; the xferlog has them).
  ~TransferRecorder();

  TransferRecorder(const TransferRecorder&) = delete;
  TransferRecorder& operator=(const TransferRecorder&) = delete;

  // Queues one record; it is written within `delay`, or at once when the
  // batch is full (unless the database is locked: then at the next retry).
  void add(meta::TransferRecord record, bool ascii);
  // Writes everything pending now (if the database is locked, the records
  // stay pending and a retry is scheduled).
  void flush();
  // Records not yet in the store.
  std::size_t pending() const { return pending_.size(); }

 private:
  void arm(std::chrono::milliseconds after);

  meta::MetaStore& store_;
  TransferLog& xferlog_;
  std::chrono::milliseconds delay_;
  asio::steady_timer timer_;
  bool timer_armed_ = false;
  // Non-zero while the database is locked: the pause before the next try.
  std::chrono::milliseconds retry_pause_{0};
  std::deque<meta::TransferRecord> pending_;
};

}  // namespace fleet::master
