// retry_while_busy: how event-loop code makes a metadata write without ever
// waiting on another process's SQLite lock.
//
// The master's own connection has busy timeout 0 (StoreOptions), so a write
// that meets a lock held elsewhere (`fleetftp user add`, an operator's sqlite3
// shell, a backup tool) fails at once with StoreBusy, having changed nothing.
// retry_while_busy runs the write on the calling coroutine's thread and, on
// StoreBusy, suspends on a timer (pauses doubling from `first_pause` to
// `max_pause`) and tries again, until the write lands or `give_up_after` has
// passed; then the last StoreBusy propagates to the caller, who answers for
// it (451 to an FTP client, a failed job...). Meanwhile the event loop serves
// everyone else: only the awaiting coroutine waits.
//
// Adopting it: where a coroutine wrote
//     auto status = store.make_dir(path, user, now);
// it writes
//     auto mkdir = [&] { return store.make_dir(path, user, now); };
//     auto status = co_await meta::retry_while_busy(executor, "MKD " + path, std::move(mkdir));
// (a named callable: GCC 12 destroys a lambda temporary written inside a
// co_await expression twice). The callable runs once per attempt, so it must
// be a single store call (one transaction) or otherwise safe to repeat after
// a StoreBusy; everything it refers to must outlive the co_await. Writes a
// caller needs in order must be awaited in order: concurrent retries are not
// queued behind each other.
//
// Threading: the callable runs on `ex`'s thread, the one that owns the store.
// Throws what the callable throws (StoreBusy only after `give_up_after`).
#pragma once

#include <asio.hpp>
#include <asio/experimental/as_tuple.hpp>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <chrono>
#include <string>
#include <type_traits>
#include <utility>

#include "meta/store_busy.hpp"

namespace fleet::meta {

struct BusyRetry {
  std::chrono::milliseconds first_pause{10};
  std::chrono::milliseconds max_pause{250};
  // A lock held longer than this fails the write: a client waiting for its
  // 226 gets a 451 instead of waiting for ever.
  std::chrono::milliseconds give_up_after{60'000};
};

template <class Fn>
asio::awaitable<std::invoke_result_t<Fn&>> retry_while_busy(asio::any_io_executor ex, std::string what, Fn fn,
                                                             BusyRetry policy = {}) {
  using Clock = std::chrono::steady_clock;
  const auto first_try = Clock::now();
  auto pause = policy.first_pause;
  asio::steady_timer timer(ex);
  for (int attempt = 1;; ++attempt) {
    try {
      if constexpr (std::is_void_v<std::invoke_result_t<Fn&>>) {
        fn();
        if (attempt > 1) spdlog::info("metadata write for {} done after waiting for the lock", what);
        co_return;
      } else {
        auto result = fn();
        if (attempt > 1) spdlog::info("metadata write for {} done after waiting for the lock", what);
        co_return result;
      }
    } catch (const StoreBusy& e) {
      if (Clock::now() + pause - first_try > policy.give_up_after) {
        spdlog::error("metadata write for {} failed: the database stayed locked by another process for {} ms: {}",
                      what, policy.give_up_after.count(), e.what());
        throw;
      }
      if (attempt == 1)
        spdlog::warn("metadata write for {} waits: the database is locked by another process", what);
    }
    timer.expires_after(pause);
    co_await timer.async_wait(asio::experimental::as_tuple(asio::use_awaitable));
    pause = std::min(pause * 2, policy.max_pause);
  }
}

}  // namespace fleet::meta
