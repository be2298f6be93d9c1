// run_on_disk: runs blocking file work (whole-file checksums, directory walks,
// file operations) on the node's disk thread and resumes the calling coroutine
// on its own executor with the result, so the event loop keeps serving
// heartbeats and transfers meanwhile.
#pragma once

#include <asio.hpp>
#include <type_traits>
#include <utility>

namespace fleet::node {

// `fn` must not touch event-loop state: it runs on another thread. Takes only
// named callables: GCC 12 destroys a lambda temporary written directly inside
// a co_await expression twice.
template <class Fn>
asio::awaitable<std::invoke_result_t<Fn&>> run_on_disk(asio::any_io_executor disk, Fn fn) {
  using Result = std::invoke_result_t<Fn&>;
  auto task = [fn = std::move(fn)]() mutable -> asio::awaitable<Result> { co_return fn(); };
  co_return co_await asio::co_spawn(disk, std::move(task), asio::use_awaitable);
}

}  // namespace fleet::node
