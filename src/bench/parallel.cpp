#include "bench/parallel.hpp"

#include <chrono>
#include <exception>
#include <memory>

#include "net/use_tuple.hpp"

namespace fleet::bench {

namespace {

// Shared by the workers and the waiter; the timer is the waiter's wake-up.
struct Pending {
  explicit Pending(asio::any_io_executor ex, int n) : timer(ex, asio::steady_timer::time_point::max()), left(n) {}
  asio::steady_timer timer;
  int left;
  std::exception_ptr first_failure;
};

}  // namespace

asio::awaitable<void> run_parallel(int count, Worker worker) {
  if (count <= 0) co_return;
  const auto executor = co_await asio::this_coro::executor;
  auto pending = std::make_shared<Pending>(executor, count);
  for (int i = 0; i < count; ++i) {
    const auto finished = [pending](std::exception_ptr e) {
      if (e && !pending->first_failure) pending->first_failure = e;
      if (--pending->left == 0) pending->timer.cancel();
    };
    asio::co_spawn(executor, worker(i), finished);
  }
  while (pending->left > 0) {
    auto [ec] = co_await pending->timer.async_wait(net::use_tuple);
    (void)ec;  // cancelled when the last worker ends
  }
  if (pending->first_failure) std::rethrow_exception(pending->first_failure);
}

}  // namespace fleet::bench
