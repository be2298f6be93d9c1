#include "net/dial.hpp"

#include <asio/experimental/awaitable_operators.hpp>

#include "net/use_tuple.hpp"

namespace fleet::net {

asio::awaitable<std::error_code> connect_from(asio::ip::tcp::socket& socket, const std::string& local_ip,
                                              const std::string& host, std::uint16_t port,
                                              std::chrono::milliseconds timeout) {
  using namespace asio::experimental::awaitable_operators;
  std::error_code ec;
  const auto remote_address = asio::ip::make_address(host, ec);
  if (ec) co_return ec;
  const asio::ip::tcp::endpoint remote(remote_address, port);

  if (socket.is_open()) socket.close(ec);
  socket.open(remote.protocol(), ec);
  if (ec) co_return ec;
  if (!local_ip.empty()) {
    const auto local_address = asio::ip::make_address(local_ip, ec);
    if (!ec) socket.bind(asio::ip::tcp::endpoint(local_address, 0), ec);
    if (ec) {
      std::error_code ignored;
      socket.close(ignored);
      co_return ec;
    }
  }

  asio::steady_timer timer(socket.get_executor());
  timer.expires_after(timeout);
  auto outcome = co_await (socket.async_connect(remote, use_tuple) || timer.async_wait(use_tuple));
  if (outcome.index() == 1) {
    std::error_code ignored;
    socket.close(ignored);
    co_return asio::error::timed_out;
  }
  ec = std::get<0>(std::get<0>(outcome));
  if (ec) {
    std::error_code ignored;
    socket.close(ignored);
  }
  co_return ec;
}

}  // namespace fleet::net
