#include "bench/run_async.hpp"

#include <optional>

namespace fleet::bench {

void run_bounded(const std::function<asio::awaitable<void>(asio::any_io_executor)>& body,
                 std::chrono::duration<double> limit, const std::string& what) {
  asio::io_context io(1);
  bool done = false;
  std::exception_ptr failure;
  const auto on_done = [&done, &failure](std::exception_ptr e) {
    done = true;
    failure = e;
  };
  asio::co_spawn(io, body(io.get_executor()), on_done);
  io.run_for(std::chrono::duration_cast<std::chrono::steady_clock::duration>(limit));
  if (!done) {
    // Destroying the loop destroys the suspended coroutines and their sockets.
    throw RunTimeout(what + ": no result within " + std::to_string(static_cast<long>(limit.count())) + " s");
  }
  if (failure) std::rethrow_exception(failure);
}

}  // namespace fleet::bench
