// Runs one coroutine to completion on a fresh single-threaded event loop,
// bounded in time: a server that stops answering ends the run with an
// error instead of hanging the benchmark.
#pragma once

#include <asio.hpp>
#include <chrono>
#include <exception>
#include <functional>
#include <stdexcept>
#include <string>

namespace fleet::bench {

class RunTimeout : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// `body` receives the loop's executor and returns the coroutine to run.
// Rethrows what the coroutine threw; throws RunTimeout after `limit`
// (abandoning every coroutine still on the loop, which closes their sockets).
void run_bounded(const std::function<asio::awaitable<void>(asio::any_io_executor)>& body,
                 std::chrono::duration<double> limit, const std::string& what);

}  // namespace fleet::bench
