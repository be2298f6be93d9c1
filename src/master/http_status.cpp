#include "net/use_tuple.hpp"
#include "master/http_status.hpp"

namespace fleet::master {

HttpStatus::HttpStatus(asio::any_io_executor ex, Handler handler)
    : ex_(ex), handler_(std::move(handler)), acceptor_(ex) {}

void HttpStatus::listen(const std::string& address, std::uint16_t port) {
  asio::ip::tcp::endpoint ep(asio::ip::make_address(address), port);
  acceptor_.open(ep.protocol());
  acceptor_.set_option(asio::socket_base::reuse_address(true));
  std::error_code ec;
  acceptor_.bind(ep, ec);
  if (ec) throw std::runtime_error("cannot listen for HTTP on " + address + ":" + std::to_string(port) + ": " + ec.message());
  acceptor_.listen();
}

asio::awaitable<void> HttpStatus::run() {
  while (acceptor_.is_open()) {
    auto [ec, socket] = co_await acceptor_.async_accept(net::use_tuple);
    if (ec) break;
    asio::co_spawn(ex_, serve(std::move(socket)), asio::detached);
  }
}

void HttpStatus::stop() {
  std::error_code ec;
  acceptor_.close(ec);
}

asio::awaitable<void> HttpStatus::serve(asio::ip::tcp::socket socket) {
  asio::steady_timer deadline(ex_, std::chrono::seconds(5));
  deadline.async_wait([&socket](std::error_code ec) {
    if (!ec) socket.close(ec);
  });
  std::string request;
  auto [ec, n] = co_await asio::async_read_until(socket, asio::dynamic_buffer(request, 8192), "\r\n",
                                                 net::use_tuple);
  Response response{400, "bad request\n"};
  if (!ec && request.rfind("GET ", 0) == 0) {
    const auto end = request.find(' ', 4);
    response = handler_(request.substr(4, end == std::string::npos ? std::string::npos : end - 4));
  }
  const char* reason = response.status == 200 ? "OK" : response.status == 404 ? "Not Found"
                       : response.status == 503 ? "Service Unavailable" : "Bad Request";
  std::string out = "HTTP/1.0 " + std::to_string(response.status) + " " + reason +
                    "\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: " +
                    std::to_string(response.body.size()) + "\r\nConnection: close\r\n\r\n" + response.body;
  co_await asio::async_write(socket, asio::buffer(out), net::use_tuple);
  deadline.cancel();
  std::error_code ignore;
  socket.shutdown(asio::ip::tcp::socket::shutdown_both, ignore);
}

}  // namespace fleet::master
