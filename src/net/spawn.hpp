// spawn: co_spawn for background coroutines that must never fail silently.
//
// asio::detached drops whatever a coroutine throws: the work stops half way,
// nobody hears of it, and whatever it held (a job marked running, a node
// registered as online, a counter) stays as it was. spawn() completes the
// coroutine through a handler that logs
//     "<what> failed: <exception text>"
// at error level and then runs an optional recovery callback on the same
// executor, whose job is to put the system back in a known state (mark a job
// failed, detach a node, answer a client). spawn_restarting() is for loops
// that must keep running (watchdogs, workers): after a failure it logs, waits
// `pause` and starts a fresh coroutine from its factory.
//
// Adopting it: replace
//     asio::co_spawn(ex, serve(std::move(socket)), asio::detached);
// with
//     net::spawn(ex, serve(std::move(socket)), "FTP session from " + ip,
//                [this] { /* release what serve() held */ });
// `work` is what co_spawn takes: an awaitable, or a callable returning one
// (use the callable form when the coroutine must own captured state).
// `what` names the work for the log: say which object it concerns.
//
// Threading: the handler and the recovery run on `ex`. A recovery that throws
// is logged too, never rethrown (asio would rethrow it out of
// io_context::run() and stop the process). The recovery may take the
// exception's text (`[](const std::string& why) {...}`) or nothing. Nothing
// here throws, except std::bad_alloc.
#pragma once

#include <asio.hpp>
#include <spdlog/spdlog.h>

#include <chrono>
#include <exception>
#include <functional>
#include <string>
#include <type_traits>
#include <utility>

#include "net/use_tuple.hpp"

namespace fleet::net {

// What a failed coroutine threw, as text for the log.
inline std::string describe_exception(const std::exception_ptr& e) {
  try {
    std::rethrow_exception(e);
  } catch (const std::exception& ex) {
    return ex.what();
  } catch (...) {
    return "an exception that is not a std::exception";
  }
}

// The completion handler spawn() installs; usable on its own with co_spawn.
class LogFailure {
 public:
  // Called with the exception's text.
  using Recovery = std::function<void(const std::string&)>;

  explicit LogFailure(std::string what) : what_(std::move(what)) {}
  template <class F>
  LogFailure(std::string what, F recover) : what_(std::move(what)), recover_(adapt(std::move(recover))) {}

  void operator()(std::exception_ptr e) const {
    if (!e) return;
    const std::string why = describe_exception(e);
    spdlog::error("{} failed: {}", what_, why);
    if (!recover_) return;
    try {
      recover_(why);
    } catch (...) {
      spdlog::error("recovering from the failure of {} failed too: {}", what_,
                    describe_exception(std::current_exception()));
    }
  }
  // Coroutines that return a value: the value is not needed here.
  template <class T>
  void operator()(std::exception_ptr e, T&&) const {
    (*this)(std::move(e));
  }

 private:
  template <class F>
  static Recovery adapt(F f) {
    if constexpr (std::is_invocable_v<F&, const std::string&>) {
      return Recovery(std::move(f));
    } else {
      return [f = std::move(f)](const std::string&) mutable { f(); };
    }
  }

  std::string what_;
  Recovery recover_;
};

// `where`: an executor or an execution context (io_context), as for co_spawn.
template <class Where, class Work>
void spawn(Where&& where, Work&& work, std::string what) {
  asio::co_spawn(std::forward<Where>(where), std::forward<Work>(work), LogFailure(std::move(what)));
}

// `recover`: a callable taking the exception's text, or nothing.
template <class Where, class Work, class Recover>
void spawn(Where&& where, Work&& work, std::string what, Recover recover) {
  asio::co_spawn(std::forward<Where>(where), std::forward<Work>(work),
                 LogFailure(std::move(what), std::move(recover)));
}

// Runs make() (a callable returning asio::awaitable<void>) until one run
// returns normally; a run that throws is logged and, after `pause`, replaced
// by a fresh one. The pause keeps a coroutine that fails at once from
// spinning.
template <class Make>
void spawn_restarting(asio::any_io_executor ex, Make make, std::string what,
                      std::chrono::milliseconds pause = std::chrono::seconds(1)) {
  auto loop = [ex, make = std::move(make), what, pause]() mutable -> asio::awaitable<void> {
    asio::steady_timer timer(ex);
    for (;;) {
      try {
        co_await make();
        co_return;
      } catch (...) {
        spdlog::error("{} failed: {}; restarting it in {} ms", what, describe_exception(std::current_exception()),
                      pause.count());
      }
      timer.expires_after(pause);
      co_await timer.async_wait(use_tuple);
    }
  };
  spawn(ex, std::move(loop), std::move(what));
}

}  // namespace fleet::net
