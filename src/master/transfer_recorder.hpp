// TransferRecorder: the record of every finished transfer, in the metadata
// store's `transfers` table and in the xferlog. Records are collected for a
// short while and written in one transaction, so that a burst of small files
// does not pay a SQLite commit (and an xferlog flush) per file on the path to
// the client's 226. A crash loses at most the last `delay` of records; the
// files themselves are recorded in the VFS before the 226, as before.
#pragma once

#include <asio.hpp>
#include <chrono>
#include <cstddef>
#include <vector>

#include "master/transfer_log.hpp"
#include "meta/store.hpp"

namespace fleet::master {

class TransferRecorder {
 public:
  static constexpr std::chrono::milliseconds kDefaultDelay{200};
  static constexpr std::size_t kMaxBatch = 512;

  TransferRecorder(asio::any_io_executor ex, meta::MetaStore& store, TransferLog& xferlog,
                   std::chrono::milliseconds delay = kDefaultDelay);
  // Writes what is still pending.
  ~TransferRecorder();

  TransferRecorder(const TransferRecorder&) = delete;
  TransferRecorder& operator=(const TransferRecorder&) = delete;

  // Queues one record; it is written within `delay`, or at once when the
  // batch is full.
  void add(meta::TransferRecord record, bool ascii);
  // Writes everything pending now.
  void flush();

 private:
  meta::MetaStore& store_;
  TransferLog& xferlog_;
  std::chrono::milliseconds delay_;
  asio::steady_timer timer_;
  bool timer_armed_ = false;
  std::vector<meta::TransferRecord> pending_;
};

}  // namespace fleet::master
