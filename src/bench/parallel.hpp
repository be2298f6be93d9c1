// Runs N copies of a coroutine at once on the current executor and waits for
// all of them: the shape of every multi-client scenario.
#pragma once

#include <asio.hpp>
#include <functional>

namespace fleet::bench {

using Worker = std::function<asio::awaitable<void>(int)>;

// Starts worker(0) .. worker(count-1) concurrently and returns when all have
// finished. If any threw, the first exception is rethrown (after all end).
// Callers name their Worker before `co_await run_parallel(n, worker)`: GCC 12
// destroys a lambda written inside a co_await expression twice.
asio::awaitable<void> run_parallel(int count, Worker worker);

}  // namespace fleet::bench
