// run_on: runs blocking work (file checksums, directory walks, long database
// searches) on another executor, typically a one-thread pool, and resumes the
// calling coroutine on its own executor with the result, so the event loop
// keeps serving meanwhile.
#pragma once

#include <asio.hpp>
#include <type_traits>
#include <utility>

namespace fleet::net {

// `fn` must not touch event-loop state: it runs on another thread. Takes only
// named callables: GCC 12 destroys a lambda temporary written directly inside
// a co_await expression twice.
template <class Fn>
asio::awaitable<std::invoke_result_t<Fn&>> run_on(asio::any_io_executor worker, Fn fn) {
  using Result = std::invoke_result_t<Fn&>;
  auto task = [fn = std::move(fn)]() mutable -> asio::awaitable<Result> { co_return fn(); };
  co_return co_await asio::co_spawn(worker, std::move(task), asio::use_awaitable);
}

}  // namespace fleet::net
