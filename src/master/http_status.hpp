// HttpStatus: a minimal HTTP/1.0 responder for load balancers, monitoring and
// the admin CLI: GET requests only, one per connection, with the query string
// and a bearer token parsed out for the handler. A handler that throws is
// answered 500 (503 when the metadata database is locked by another process)
// and logged. Threading: one event loop.
#pragma once

#include <asio.hpp>
#include <functional>
#include <map>
#include <optional>
#include <string>

namespace fleet::master {

class HttpStatus {
 public:
  struct Request {
    std::string path;                          // "/admin/drain"
    std::map<std::string, std::string> query;  // decoded "?node=n1" pairs
    std::string bearer;                        // from "Authorization: Bearer <token>"
  };
  struct Response {
    int status = 200;
    std::string body;
  };
  using Handler = std::function<Response(const Request& request)>;

  // Parses the request line and headers of one GET; nullopt if malformed.
  static std::optional<Request> parse(std::string_view head);

  HttpStatus(asio::any_io_executor ex, Handler handler);
  // Throws std::runtime_error if the address cannot be bound.
  void listen(const std::string& address, std::uint16_t port);
  asio::awaitable<void> run();
  void stop();

 private:
  asio::awaitable<void> serve(asio::ip::tcp::socket socket);
  // The handler's response, or 500/503 if it throws.
  Response answer(const Request& request);

  asio::any_io_executor ex_;
  Handler handler_;
  asio::ip::tcp::acceptor acceptor_;
};

}  // namespace fleet::master
