// HttpStatus: a minimal HTTP/1.0 responder for load balancers and monitoring:
// GET /health (200 when at least one node is online, else 503) and
// GET /metrics (Prometheus text format). One request per connection.
#pragma once

#include <asio.hpp>
#include <functional>
#include <string>

namespace fleet::master {

class HttpStatus {
 public:
  struct Response {
    int status = 200;
    std::string body;
  };
  using Handler = std::function<Response(const std::string& path)>;

  HttpStatus(asio::any_io_executor ex, Handler handler);
  // Throws std::runtime_error if the address cannot be bound.
  void listen(const std::string& address, std::uint16_t port);
  asio::awaitable<void> run();
  void stop();

 private:
  asio::awaitable<void> serve(asio::ip::tcp::socket socket);

  asio::any_io_executor ex_;
  Handler handler_;
  asio::ip::tcp::acceptor acceptor_;
};

}  // namespace fleet::master
