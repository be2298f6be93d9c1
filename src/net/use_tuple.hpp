// Completion token for coroutines that want errors as values: `co_await
// op(..., use_tuple)` yields a tuple (error_code, result...) instead of
// throwing. In asio 1.22 as_tuple still lives in asio::experimental.
#pragma once

#include <asio.hpp>
#include <asio/experimental/as_tuple.hpp>

namespace fleet::net {

inline constexpr auto use_tuple = asio::experimental::as_tuple(asio::use_awaitable);

}  // namespace fleet::net
