#include "net/zero_copy.hpp"

#include <fcntl.h>
#include <sys/sendfile.h>

#include <algorithm>
#include <cerrno>

#include "net/errno_code.hpp"
#include "net/unique_fd.hpp"
#include "net/use_tuple.hpp"

namespace fleet::net {

namespace {

// One sendfile()/splice() call moves at most this much, and after this many
// calls that never had to wait the loop yields, so that one fast transfer
// cannot starve heartbeats and other transfers on the same event loop.
constexpr std::size_t kChunk = 1u << 20;
constexpr int kCallsBeforeYield = 16;

asio::awaitable<void> yield_to_others() {
  co_await asio::post(co_await asio::this_coro::executor, asio::use_awaitable);
}

}  // namespace

asio::awaitable<std::error_code> async_sendfile(asio::ip::tcp::socket& out, int fd, std::uint64_t offset,
                                                std::uint64_t count, std::uint64_t& sent) {
  std::error_code ec;
  out.non_blocking(true, ec);
  if (ec) co_return ec;
  auto position = static_cast<off_t>(offset);
  std::uint64_t left = count;
  int calls = 0;
  while (left > 0) {
    // The socket may have been closed (aborted) while this coroutine was
    // suspended; its descriptor number may already belong to something else.
    if (!out.is_open()) co_return asio::error::operation_aborted;
    const auto n = ::sendfile(out.native_handle(), fd, &position, std::min<std::uint64_t>(left, kChunk));
    if (n > 0) {
      left -= static_cast<std::uint64_t>(n);
      sent += static_cast<std::uint64_t>(n);
      if (++calls >= kCallsBeforeYield) {
        calls = 0;
        co_await yield_to_others();
      }
      continue;
    }
    if (n == 0) co_return asio::error::eof;  // the file is shorter than promised
    if (errno == EINTR) continue;
    if (errno != EAGAIN && errno != EWOULDBLOCK) co_return errno_code();
    calls = 0;
    std::tie(ec) = co_await out.async_wait(asio::socket_base::wait_write, use_tuple);
    if (ec) co_return ec;
  }
  co_return std::error_code{};
}

asio::awaitable<std::error_code> async_splice(asio::ip::tcp::socket& from, asio::ip::tcp::socket& to,
                                              std::uint64_t& moved) {
  std::error_code ec;
  from.non_blocking(true, ec);
  if (!ec) to.non_blocking(true, ec);
  if (ec) co_return ec;

  int ends[2];
  if (::pipe2(ends, O_NONBLOCK | O_CLOEXEC) != 0) co_return errno_code();
  const UniqueFd pipe_read(ends[0]);
  const UniqueFd pipe_write(ends[1]);
  // A bigger pipe means fewer wakeups per byte; the default (64 KiB) still works.
  (void)::fcntl(pipe_write.get(), F_SETPIPE_SZ, 1 << 20);

  constexpr unsigned kFlags = SPLICE_F_MOVE | SPLICE_F_NONBLOCK;
  std::size_t in_pipe = 0;
  bool eof = false;
  int calls = 0;
  for (;;) {
    if (!from.is_open() || !to.is_open()) co_return asio::error::operation_aborted;

    // Fill the pipe from the source socket.
    bool source_empty = false;
    if (!eof) {
      const bool pipe_was_empty = in_pipe == 0;
      const auto n = ::splice(from.native_handle(), nullptr, pipe_write.get(), nullptr, kChunk, kFlags);
      if (n > 0) {
        in_pipe += static_cast<std::size_t>(n);
      } else if (n == 0) {
        eof = true;
      } else if (errno == EAGAIN || errno == EWOULDBLOCK) {
        // With data in the pipe, EAGAIN may only mean the pipe is full.
        source_empty = pipe_was_empty;
      } else if (errno != EINTR) {
        co_return errno_code();
      }
    }

    // Drain the pipe into the destination socket.
    bool sink_full = false;
    while (in_pipe > 0) {
      const auto n = ::splice(pipe_read.get(), nullptr, to.native_handle(), nullptr, in_pipe, kFlags);
      if (n > 0) {
        in_pipe -= static_cast<std::size_t>(n);
        moved += static_cast<std::uint64_t>(n);
      } else if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
        sink_full = true;
        break;
      } else if (n < 0 && errno == EINTR) {
        continue;
      } else {
        co_return n == 0 ? asio::error::broken_pipe : errno_code();
      }
    }

    if (eof && in_pipe == 0) co_return std::error_code{};
    if (sink_full) {
      calls = 0;
      std::tie(ec) = co_await to.async_wait(asio::socket_base::wait_write, use_tuple);
    } else if (source_empty) {
      calls = 0;
      std::tie(ec) = co_await from.async_wait(asio::socket_base::wait_read, use_tuple);
    } else if (++calls >= kCallsBeforeYield) {
      calls = 0;
      co_await yield_to_others();
    }
    if (ec) co_return ec;
  }
}

}  // namespace fleet::net
