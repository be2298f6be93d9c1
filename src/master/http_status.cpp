#include "net/use_tuple.hpp"
#include "master/http_status.hpp"

#include <spdlog/spdlog.h>

#include <exception>

#include "meta/store_busy.hpp"
#include "net/spawn.hpp"

namespace fleet::master {

namespace {
int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

std::string url_decode(std::string_view in) {
  std::string out;
  for (std::size_t i = 0; i < in.size(); ++i) {
    if (in[i] == '+') out += ' ';
    else if (in[i] == '%' && i + 2 < in.size() && hex_value(in[i + 1]) >= 0 && hex_value(in[i + 2]) >= 0) {
      out += static_cast<char>(hex_value(in[i + 1]) * 16 + hex_value(in[i + 2]));
      i += 2;
    } else out += in[i];
  }
  return out;
}
}  // namespace

std::optional<HttpStatus::Request> HttpStatus::parse(std::string_view head) {
  if (head.rfind("GET ", 0) != 0) return std::nullopt;
  const auto end = head.find(' ', 4);
  if (end == std::string_view::npos) return std::nullopt;
  std::string_view target = head.substr(4, end - 4);
  Request r;
  const auto q = target.find('?');
  r.path = url_decode(target.substr(0, q));
  if (q != std::string_view::npos) {
    std::string_view qs = target.substr(q + 1);
    while (!qs.empty()) {
      const auto amp = qs.find('&');
      auto pair = qs.substr(0, amp);
      const auto eq = pair.find('=');
      r.query[url_decode(pair.substr(0, eq))] = eq == std::string_view::npos ? "" : url_decode(pair.substr(eq + 1));
      qs = amp == std::string_view::npos ? std::string_view{} : qs.substr(amp + 1);
    }
  }
  constexpr std::string_view kAuth = "\r\nAuthorization: Bearer ";
  if (auto a = head.find(kAuth); a != std::string_view::npos) {
    const auto start = a + kAuth.size();
    r.bearer = std::string(head.substr(start, head.find("\r\n", start) - start));
  }
  return r;
}

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
    std::error_code peer_ec;
    const auto peer = socket.remote_endpoint(peer_ec);
    // The socket closes with the coroutine: nothing else to put back.
    net::spawn(ex_, serve(std::move(socket)),
               "HTTP request from " + (peer_ec ? std::string("an unknown peer") : peer.address().to_string()));
  }
}

void HttpStatus::stop() {
  std::error_code ec;
  acceptor_.close(ec);
}

HttpStatus::Response HttpStatus::answer(const Request& request) {
  // A handler that throws still answers, so the admin CLI reports it instead
  // of seeing the connection drop.
  try {
    return handler_(request);
  } catch (const meta::StoreBusy& e) {
    spdlog::warn("HTTP {}: the metadata database is locked by another process: {}", request.path, e.what());
    return {503, "the metadata database is locked by another process; try again\n"};
  } catch (const std::exception& e) {
    spdlog::error("HTTP {} failed: {}", request.path, e.what());
    return {500, std::string("internal error: ") + e.what() + "\n"};
  }
}

asio::awaitable<void> HttpStatus::serve(asio::ip::tcp::socket socket) {
  asio::steady_timer deadline(ex_, std::chrono::seconds(5));
  deadline.async_wait([&socket](std::error_code ec) {
    if (!ec) socket.close(ec);
  });
  std::string request;
  auto [ec, n] = co_await asio::async_read_until(socket, asio::dynamic_buffer(request, 8192), "\r\n\r\n",
                                                 net::use_tuple);
  Response response{400, "bad request\n"};
  if (!ec) {
    if (auto parsed = parse(request)) response = answer(*parsed);
  }
  const char* reason = response.status == 200   ? "OK"
                       : response.status == 401 ? "Unauthorized"
                       : response.status == 404 ? "Not Found"
                       : response.status == 409 ? "Conflict"
                       : response.status == 500 ? "Internal Server Error"
                       : response.status == 503 ? "Service Unavailable"
                                                : "Bad Request";
  std::string out = "HTTP/1.0 " + std::to_string(response.status) + " " + reason +
                    "\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: " +
                    std::to_string(response.body.size()) + "\r\nConnection: close\r\n\r\n" + response.body;
  co_await asio::async_write(socket, asio::buffer(out), net::use_tuple);
  deadline.cancel();
  std::error_code ignore;
  socket.shutdown(asio::ip::tcp::socket::shutdown_both, ignore);
}

}  // namespace fleet::master
