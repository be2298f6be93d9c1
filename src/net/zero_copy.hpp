// Zero-copy data movement for the data path, driven by asio readiness waits on
// non-blocking sockets: sendfile(2) for file -> socket and splice(2) through a
// pipe for socket -> socket and socket -> file.
#pragma once

#include <asio.hpp>
#include <cstdint>
#include <system_error>

namespace fleet::net {

// Sends `count` bytes of `fd` starting at `offset` with sendfile(2). `sent`
// is advanced as bytes go out (so progress is visible while it runs).
asio::awaitable<std::error_code> async_sendfile(asio::ip::tcp::socket& out, int fd, std::uint64_t offset,
                                                std::uint64_t count, std::uint64_t& sent);

// Moves everything `from` sends, until its EOF, to `to` through a pipe with
// splice(2). `moved` is advanced as bytes go out.
asio::awaitable<std::error_code> async_splice(asio::ip::tcp::socket& from, asio::ip::tcp::socket& to,
                                              std::uint64_t& moved);

}  // namespace fleet::net
