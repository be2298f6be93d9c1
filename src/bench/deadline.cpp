#include "bench/deadline.hpp"

#include <exception>
#include <memory>
#include <string>

namespace fleet::bench {

asio::awaitable<void> within(std::chrono::steady_clock::duration limit, FtpClient& client,
                             asio::awaitable<void> work) {
  const auto executor = co_await asio::this_coro::executor;
  asio::steady_timer timer(executor, limit);
  // Shared with the handler, which may run after this frame is gone (with
  // operation_aborted once the timer is cancelled).
  auto expired = std::make_shared<bool>(false);
  FtpClient* target = &client;
  const auto on_expiry = [expired, target](std::error_code ec) {
    if (ec) return;
    *expired = true;
    target->close();
  };
  timer.async_wait(on_expiry);
  std::exception_ptr failure;
  try {
    co_await std::move(work);
  } catch (...) {
    failure = std::current_exception();
  }
  timer.cancel();
  if (*expired)
    throw SessionTimeout("no answer within " +
                         std::to_string(std::chrono::duration_cast<std::chrono::seconds>(limit).count()) + " s");
  if (failure) std::rethrow_exception(failure);
}

}  // namespace fleet::bench
